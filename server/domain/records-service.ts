import { timeOrderedId } from '../shared/time-ordered-id';
import { Cabinet, FileRecord } from '../db/models';
import { applyActiveHolds } from '../disposal/apply';
import type { CustodyWriter, WriteContext } from '../ingest/custody-writer';
import type { RecordInput } from './schemas';

export class DomainError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 429 = 400,
  ) {
    super(message);
  }
}

/**
 * Creates records inside a writer job. A record's first custody-log entry is its creation (or
 * import): every later fact about it chains back to that entry through record_prev.
 */
export async function insertRecords(
  ctx: WriteContext,
  inputs: RecordInput[],
  how: { actor: string; type: 'record.created' | 'record.imported' },
): Promise<FileRecord[]> {
  const rows = inputs.map((input) => ({
    id: timeOrderedId(),
    barcode: input.barcode,
    client: input.client,
    matter: input.matter,
    volume: input.volume,
    title: input.title,
    confidentiality: input.confidentiality,
    home_cabinet_id: input.home_cabinet ?? null,
    retention_class: input.retention_class ?? null,
    status: 'in' as const,
    custodian_person_id: null,
    location_id: input.home_cabinet ?? null,
  }));
  const created = await FileRecord.bulkCreate(rows, { transaction: ctx.transaction });
  for (const row of rows) {
    await ctx.append({
      type: how.type,
      record: row.id,
      actor: how.actor,
      ...(row.location_id ? { location: row.location_id } : {}),
    });
  }
  // A file made inside a matter already under legal hold is held from its first day.
  await applyActiveHolds(ctx, rows.map((r) => r.id));
  return created;
}

/** Checks what only the database can tell: unknown cabinets and barcodes already taken. */
export async function conflictsOf(inputs: RecordInput[]): Promise<Map<number, { field: string; message: string }[]>> {
  const problems = new Map<number, { field: string; message: string }[]>();
  const add = (i: number, field: string, message: string) => problems.set(i, [...(problems.get(i) ?? []), { field, message }]);
  const cabinets = new Set((await Cabinet.findAll({ attributes: ['id'] })).map((c) => c.id));
  const barcodes = inputs.map((r) => r.barcode);
  const taken = new Set((await FileRecord.findAll({ attributes: ['barcode'], where: { barcode: barcodes } })).map((r) => r.barcode));
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    if (input.home_cabinet && !cabinets.has(input.home_cabinet)) add(i, 'home_cabinet', `unknown cabinet "${input.home_cabinet}"`);
    if (taken.has(input.barcode)) add(i, 'barcode', `barcode ${input.barcode} already exists`);
    const first = seen.get(input.barcode);
    if (first !== undefined) add(i, 'barcode', `barcode ${input.barcode} appears twice (first at entry ${first + 1})`);
    else seen.set(input.barcode, i);
  });
  return problems;
}

export async function createRecord(writer: CustodyWriter, input: RecordInput, actor: string): Promise<FileRecord> {
  const problems = (await conflictsOf([input])).get(0);
  if (problems?.length) {
    const first = problems[0]!;
    throw new DomainError(first.field, first.message, first.field === 'barcode' ? 409 : 400);
  }
  const outcome = await writer.submit({
    run: async (ctx) => (await insertRecords(ctx, [input], { actor, type: 'record.created' }))[0]!,
  });
  if (outcome.duplicate) throw new Error('internal: record creation has no idempotency key');
  return outcome.value;
}
