import { parse } from 'csv-parse/sync';
import { timeOrderedId } from '../shared/time-ordered-id';
import type { z } from 'zod';
import { Badge, Person } from '../db/models';
import type { CustodyWriter } from '../ingest/custody-writer';
import { badgeIndexKeys, canonicalCredential, credentialMatchKeys } from '../../devices/credentials/canonical';
import { newPseudonym } from './pseudonym';
import { conflictsOf, insertRecords } from './records-service';
import {
  badgeInputSchema,
  describeIssues,
  personInputSchema,
  recordInputSchema,
  type BadgeInput,
  type PersonInput,
  type RecordInput,
} from './schemas';

export type ImportKind = 'people' | 'badges' | 'records';

export interface RowProblem {
  /** The line in the CSV file, counting the header as line 1. */
  line: number;
  field: string;
  message: string;
}

export type ImportReport = { ok: true; imported: number } | { ok: false; problems: RowProblem[] };

const SCHEMAS = { people: personInputSchema, badges: badgeInputSchema, records: recordInputSchema } as const;

export type ParsedImport = { ok: true; kind: ImportKind; rows: unknown[] } | { ok: false; problems: RowProblem[] };

/**
 * All or nothing: every row is checked first, and when any row is bad nothing is imported and
 * every problem is reported with its line. A good file is imported in one transaction.
 */
export async function importCsv(writer: CustodyWriter, kind: ImportKind, csvText: string, actor: string): Promise<ImportReport> {
  const parsed = parseImport(kind, csvText);
  return parsed.ok ? importRows(writer, parsed, actor) : parsed;
}

/** The checks that need no database: run before anything is opened. */
export function parseImport(kind: ImportKind, csvText: string): ParsedImport {
  let rows: Record<string, string>[];
  try {
    rows = parse(csvText, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { ok: false, problems: [{ line, field: '(file)', message: (err as Error).message }] };
  }
  if (rows.length === 0) return { ok: false, problems: [{ line: 1, field: '(file)', message: 'no rows to import' }] };

  const schema: z.ZodType = SCHEMAS[kind];
  const problems: RowProblem[] = [];
  const valid: unknown[] = [];
  rows.forEach((row, i) => {
    // Empty cells mean "not given", so optional columns may be left blank.
    const cleaned = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''));
    const parsed = schema.safeParse(cleaned);
    if (parsed.success) valid[i] = parsed.data;
    else for (const issue of describeIssues(parsed.error)) problems.push({ line: i + 2, ...issue });
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, kind, rows: valid };
}

/** The checks against the database, then the import itself. */
export async function importRows(writer: CustodyWriter, parsed: Extract<ParsedImport, { ok: true }>, actor: string): Promise<ImportReport> {
  switch (parsed.kind) {
    case 'records':
      return importRecords(writer, parsed.rows as RecordInput[], actor);
    case 'people':
      return importPeople(writer, parsed.rows as PersonInput[], actor);
    case 'badges':
      return importBadges(writer, parsed.rows as BadgeInput[], actor);
  }
}

async function importRecords(writer: CustodyWriter, inputs: RecordInput[], actor: string): Promise<ImportReport> {
  const conflicts = await conflictsOf(inputs);
  if (conflicts.size > 0) return { ok: false, problems: flatten(conflicts) };
  await writer.submit({ run: (ctx) => insertRecords(ctx, inputs, { actor, type: 'record.imported' }) });
  return { ok: true, imported: inputs.length };
}

async function importPeople(writer: CustodyWriter, inputs: PersonInput[], actor: string): Promise<ImportReport> {
  const problems = new Map<number, { field: string; message: string }[]>();
  const emails = inputs.map((p) => p.email).filter((e): e is string => e !== undefined);
  const known = new Set((await Person.findAll({ attributes: ['email'], where: { email: emails } })).map((p) => p.email));
  const seen = new Set<string>();
  inputs.forEach((p, i) => {
    if (!p.email) return;
    if (known.has(p.email) || seen.has(p.email)) problems.set(i, [{ field: 'email', message: `${p.email} is already used` }]);
    seen.add(p.email);
  });
  if (problems.size > 0) return { ok: false, problems: flatten(problems) };
  await writer.submit({
    run: async (ctx) => {
      const rows = inputs.map((p) => ({ id: timeOrderedId(), pseudonym: newPseudonym('p'), name: p.name, email: p.email ?? null, role: p.role }));
      await Person.bulkCreate(rows, { transaction: ctx.transaction });
      for (const row of rows) await ctx.append({ type: 'person.created', actor, subject: row.pseudonym, role: row.role });
    },
  });
  return { ok: true, imported: inputs.length };
}

async function importBadges(writer: CustodyWriter, inputs: BadgeInput[], actor: string): Promise<ImportReport> {
  const problems = new Map<number, { field: string; message: string }[]>();
  const add = (i: number, field: string, message: string) => problems.set(i, [...(problems.get(i) ?? []), { field, message }]);
  const people = await Person.findAll({ where: { email: inputs.map((b) => b.person_email) } });
  const byEmail = new Map(people.map((p) => [p.email, p]));
  const credentials = inputs.map((b, i) => {
    const credential = canonicalCredential(b.badge, b.format);
    if (!byEmail.has(b.person_email)) add(i, 'person_email', `no person with email ${b.person_email}`);
    if (!credential) add(i, 'badge', `"${b.badge}" is not a valid ${b.format} badge number`);
    // A badge must be recognisable at every reader, which needs its whole bytes.
    else if (badgeIndexKeys(credential.canonical).length === 0) add(i, 'badge', `"${b.badge}" does not give the card's bytes; enter it as hex`);
    return credential;
  });
  // Same card, whatever form it was written in: 8EC793 (Wiegand-26) is the card 008EC793.
  const known = new Map<string, string>();
  for (const badge of await Badge.findAll({ attributes: ['canonical'] })) for (const key of badgeIndexKeys(badge.canonical)) known.set(key, badge.canonical);
  credentials.forEach((credential, i) => {
    if (!credential || problems.has(i)) return;
    const clash = credentialMatchKeys(credential).map((k) => known.get(k)).find((c) => c !== undefined);
    if (clash) add(i, 'badge', `badge ${credential.canonical} is already issued${clash === credential.canonical ? '' : ` (as ${clash})`}`);
    for (const key of badgeIndexKeys(credential.canonical)) if (key.startsWith('id:')) known.set(key, credential.canonical);
  });
  const canonicals = credentials.map((c) => c?.canonical);
  if (problems.size > 0) return { ok: false, problems: flatten(problems) };
  await writer.submit({
    run: async (ctx) => {
      const rows = inputs.map((b, i) => ({
        id: timeOrderedId(),
        person_id: byEmail.get(b.person_email)!.id,
        canonical: canonicals[i]!,
        raw_forms: JSON.stringify([{ raw: b.badge, format: b.format }]),
      }));
      await Badge.bulkCreate(rows, { transaction: ctx.transaction });
      for (const [i, row] of rows.entries()) {
        await ctx.append({ type: 'badge.issued', actor, subject: byEmail.get(inputs[i]!.person_email)!.pseudonym, evidence: [row.id] });
      }
    },
  });
  return { ok: true, imported: inputs.length };
}

function flatten(problems: Map<number, { field: string; message: string }[]>): RowProblem[] {
  return [...problems.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([i, list]) => list.map((p) => ({ line: i + 2, ...p })));
}
