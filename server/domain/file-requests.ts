import { QueryTypes } from 'sequelize';
import { timeOrderedId } from '../shared/time-ordered-id';
import { FileRecord, Person } from '../db/models';
import type { CustodyWriter, WriteContext } from '../ingest/custody-writer';
import { DomainError } from './records-service';

/**
 * A person asks for a file that is out; when it comes back they are told. The request and its
 * fulfilment are facts of the file's custody history.
 */
export async function requestFile(writer: CustodyWriter, input: { barcode: string; personId: string }): Promise<{ queued: boolean; position: number }> {
  const outcome = await writer.submit({
    run: async (ctx) => {
      const record = await FileRecord.findOne({ where: { barcode: input.barcode }, transaction: ctx.transaction });
      if (!record) throw new DomainError('barcode', `no record with barcode ${input.barcode}`, 404);
      const person = await Person.findByPk(input.personId, { transaction: ctx.transaction });
      if (!person) throw new DomainError('person_id', `no person ${input.personId}`, 400);
      if (record.status !== 'out') return { queued: false, position: 0 };
      const [existing] = await rows<{ n: number }>(ctx, 'SELECT COUNT(*) AS n FROM record_requests WHERE record_id = :r AND person_id = :p AND notified_at IS NULL', { r: record.id, p: person.id });
      if (Number(existing?.n ?? 0) > 0) throw new DomainError('barcode', `already requested ${input.barcode}`, 409);
      await FileRecord.sequelize!.query('INSERT INTO record_requests (id, record_id, person_id, requested_at) VALUES (:id, :r, :p, :now)', {
        replacements: { id: timeOrderedId(), r: record.id, p: person.id, now: ctx.now.toISOString() },
        transaction: ctx.transaction,
      });
      await ctx.append({ type: 'record.requested', record: record.id, actor: person.pseudonym });
      const [queue] = await rows<{ n: number }>(ctx, 'SELECT COUNT(*) AS n FROM record_requests WHERE record_id = :r AND notified_at IS NULL', { r: record.id });
      return { queued: true, position: Number(queue?.n ?? 1) };
    },
  });
  if (outcome.duplicate) throw new Error('internal: request has no idempotency key');
  return outcome.value;
}

/** Inside the job that checks a file in: marks its open requests told, returns who to tell. */
export async function fulfilRequests(ctx: WriteContext, recordId: string): Promise<string[]> {
  const waiting = await rows<{ person_id: string }>(ctx, 'SELECT person_id FROM record_requests WHERE record_id = :r AND notified_at IS NULL ORDER BY requested_at', { r: recordId });
  if (waiting.length === 0) return [];
  await FileRecord.sequelize!.query('UPDATE record_requests SET notified_at = :now WHERE record_id = :r AND notified_at IS NULL', {
    replacements: { r: recordId, now: ctx.now.toISOString() },
    transaction: ctx.transaction,
  });
  await ctx.append({ type: 'record.requests_notified', record: recordId, count: waiting.length });
  return waiting.map((w) => w.person_id);
}

function rows<T extends object>(ctx: WriteContext, sql: string, replacements: Record<string, unknown>): Promise<T[]> {
  return FileRecord.sequelize!.query<T>(sql, { type: QueryTypes.SELECT, replacements, transaction: ctx.transaction });
}
