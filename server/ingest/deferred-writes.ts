import type { Sequelize, Transaction } from 'sequelize';
import sqlite3 from 'sqlite3';
import { sqliteConnectionOf } from '../db/batch-transaction';

/**
 * Rows a batch's jobs write but no later job of the batch reads back from the database, held
 * until the batch ends and then written with a few multi-row statements. Each statement is a
 * round trip to SQLite's thread; one per read made the writer wait on them, not work.
 *
 * An update of a row inserted earlier in the same batch is folded into that row, so the order
 * of the statements at the end never matters.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** Rows per UPDATE: well under SQLite's and PostgreSQL's bound-parameter limits. */
const UPDATE_CHUNK = 200;

export class DeferredWrites {
  private readonly inserts = new Map<string, Record<string, unknown>[]>();
  private readonly insertedById = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly updates = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly upserts = new Map<string, { keys: readonly string[]; rows: Map<string, Record<string, unknown>> }>();

  /** Tables listed here are written first, in this order (the log before what refers to it). */
  constructor(first: readonly string[] = []) {
    for (const table of first) this.inserts.set(table, []);
  }

  insert(table: string, row: Record<string, unknown>): void {
    checkIdentifier(table);
    const rows = this.inserts.get(table) ?? [];
    rows.push(row);
    this.inserts.set(table, rows);
    if (typeof row.id === 'string') {
      const byId = this.insertedById.get(table) ?? new Map<string, Record<string, unknown>>();
      byId.set(row.id, row);
      this.insertedById.set(table, byId);
    }
  }

  /**
   * Sets `changes` on the row with this id: on the pending row itself when this batch inserts it.
   * Give timestamps as Dates, so PostgreSQL gets them typed.
   */
  update(table: string, id: string, changes: Record<string, unknown>): void {
    checkIdentifier(table);
    for (const column of Object.keys(changes)) checkIdentifier(column);
    const pending = this.insertedById.get(table)?.get(id);
    if (pending) {
      // Written by the same INSERT as the row's other timestamps, so in the same form (ISO text).
      for (const [column, value] of Object.entries(changes)) pending[column] = value instanceof Date ? value.toISOString() : value;
      return;
    }
    const byId = this.updates.get(table) ?? new Map<string, Record<string, unknown>>();
    byId.set(id, { ...byId.get(id), ...changes });
    this.updates.set(table, byId);
  }

  /**
   * Inserts the row, or overwrites the one with the same `keys`: a latest-value table. Within a
   * batch the last call for a key wins, so a batch writes each key once.
   */
  upsert(table: string, keys: readonly string[], row: Record<string, unknown>): void {
    checkIdentifier(table);
    for (const column in row) checkIdentifier(column);
    for (const key of keys) if (row[key] === undefined || row[key] === null) throw new Error(`deferred write: an upsert of ${table} needs a value for its key ${key}`);
    let pending = this.upserts.get(table);
    if (!pending) this.upserts.set(table, (pending = { keys, rows: new Map() }));
    else if (pending.keys !== keys && pending.keys.join() !== keys.join()) throw new Error(`deferred write: upserts of ${table} name different keys`);
    let id = String(row[keys[0]!]);
    for (let k = 1; k < keys.length; k++) id += `\u0000${String(row[keys[k]!])}`;
    pending.rows.set(id, row);
  }

  /**
   * The batch's writes as SQL, in order, for the transaction to run together with its COMMIT
   * (db/batch-transaction.ts: on SQLite one exec, since each call is a round trip through the
   * server thread's event loop, which under load waits behind a turn of ingress work). Rows that
   * can't be written that way are written here, through Sequelize, in their place in the order.
   */
  async statements(sequelize: Sequelize, transaction: Transaction): Promise<string[]> {
    const dialect = sequelize.getDialect();
    const escape = (value: unknown) => sequelize.escape(driverValue(value) as string);
    const sqlite = sqliteConnectionOf(sequelize, transaction);
    const statements: string[] = [];
    for (const [table, rows] of this.inserts) {
      if (rows.length === 0) continue;
      // On SQLite, the rows go as JSON text (jsonInserts). Escaping them into SQL text (leaf bytes
      // as hex), which Sequelize then trims and lower-cases whole, cost more than SQLite's own
      // work, and Sequelize's bound parameters grow with their square (1,000 rows of 8 columns:
      // 450 ms against 11 ms). Dates keep Sequelize's own text form.
      const plan = sqlite ? jsonInsertPlan(rows) : null;
      if (plan) statements.push(...jsonInserts(table, rows, plan));
      else {
        // Tables keep their order (the log first): what is gathered goes before this one.
        await this.run(statements.splice(0), sequelize, transaction);
        await sequelize.getQueryInterface().bulkInsert(table, rows.map(withDriverValues), { transaction });
      }
    }
    for (const [table, { keys, rows }] of this.upserts) {
      // Few rows (one per key and batch): escaped values, the same statement in both dialects.
      const all = [...rows.values()];
      for (let i = 0; i < all.length; i += UPDATE_CHUNK) statements.push(upsertSql(table, keys, all.slice(i, i + UPDATE_CHUNK), escape));
    }
    for (const [table, byId] of this.updates) {
      // Rows changing the same columns share one statement: SET col = CASE id WHEN … END.
      const byColumns = new Map<string, [string, Record<string, unknown>][]>();
      for (const [id, changes] of byId) {
        const key = Object.keys(changes).sort().join(',');
        byColumns.set(key, [...(byColumns.get(key) ?? []), [id, changes]]);
      }
      for (const [key, entries] of byColumns) {
        for (let i = 0; i < entries.length; i += UPDATE_CHUNK) statements.push(caseUpdate(table, key.split(','), entries.slice(i, i + UPDATE_CHUNK), dialect, escape));
      }
    }
    return statements;
  }

  private async run(statements: string[], sequelize: Sequelize, transaction: Transaction): Promise<void> {
    if (statements.length === 0) return;
    const sqlite = sqliteConnectionOf(sequelize, transaction);
    if (sqlite) await new Promise<void>((resolve, reject) => sqlite.exec(statements.join(';\n'), (err) => (err ? reject(err) : resolve())));
    else for (const sql of statements) await sequelize.query(sql, { transaction });
  }
}

/** Rows per INSERT: each statement's JSON stays around a megabyte. */
const JSON_ROWS = 1_000;

/** unhex() came with SQLite 3.41; a build against an older system library takes the slower path. */
const SQLITE_HAS_UNHEX = (sqlite3 as unknown as { VERSION_NUMBER: number }).VERSION_NUMBER >= 3_041_000;

/**
 * Bytes that are the UTF-8 of a string (a custody-log leaf): stored as those bytes, but sent to
 * SQLite as the text, which is half the size of hex and needs no hex made or undone.
 */
export class Utf8Bytes {
  constructor(readonly text: string) {}

  toBuffer(): Buffer {
    return Buffer.from(this.text, 'utf8');
  }
}

/** A row's values as the database driver takes them. */
function driverValue(value: unknown): unknown {
  return value instanceof Utf8Bytes ? value.toBuffer() : value;
}

type ColumnKind = 'bytes' | 'utf8' | 'other' | 'empty';

interface JsonInsertPlan {
  columns: string[];
  /** Per column what it holds (or nothing): bytes go as hex, Utf8Bytes as their text. */
  kinds: ColumnKind[];
}

/**
 * How rows go as JSON, or null when some can't: a Date, a boolean, NaN or Infinity (JSON would
 * make it null), a column with bytes in one row and other values in another (hex text would come
 * back as bytes), or a SQLite without unhex(). Those rows take Sequelize's path.
 */
function jsonInsertPlan(rows: Record<string, unknown>[]): JsonInsertPlan | null {
  if (!SQLITE_HAS_UNHEX) return null;
  const kinds = new Map<string, ColumnKind>();
  for (const row of rows) {
    // for-in, not Object.entries: no array of pairs per row (a batch holds thousands of rows).
    for (const column in row) {
      const value = row[column];
      let kind: ColumnKind;
      if (value === null || value === undefined) kind = 'empty';
      else if (value instanceof Uint8Array) kind = 'bytes';
      else if (value instanceof Utf8Bytes) kind = 'utf8';
      else if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) kind = 'other';
      else return null;
      const seen = kinds.get(column);
      if (seen === undefined || seen === 'empty') kinds.set(column, kind);
      else if (kind !== 'empty' && kind !== seen) return null;
    }
  }
  const columns = [...kinds.keys()];
  for (const column of columns) checkIdentifier(column);
  return { columns, kinds: columns.map((column) => kinds.get(column)!) };
}

/**
 * INSERT … SELECT from json_each('…'): the rows as one JSON array of arrays, which SQLite takes
 * apart in its own thread. Binding each value through node-sqlite3 cost the server thread about
 * a microsecond per value; this halves the server thread's part and lowers the total (SQLite
 * micro-benchmark: 8-11 µs of server thread per event and log row pair down to 3-6, 28-38 µs of
 * CPU down to 24-36). The JSON is a string literal, so the statements can share one exec: JSON
 * text holds no raw control characters, and doubling its single quotes is all a SQLite literal
 * needs. Byte columns travel as hex and come back through unhex(); `->>` gives TEXT for strings
 * and INTEGER or REAL for numbers, as binding them did.
 */
function jsonInserts(table: string, rows: Record<string, unknown>[], { columns, kinds }: JsonInsertPlan): string[] {
  const select = columns.map((_, k) => (kinds[k] === 'bytes' ? `unhex(value ->> ${k})` : kinds[k] === 'utf8' ? `CAST(value ->> ${k} AS BLOB)` : `value ->> ${k}`)).join(', ');
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) SELECT ${select} FROM json_each(`;
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += JSON_ROWS) {
    const tuples = rows.slice(i, i + JSON_ROWS).map((row) =>
      columns.map((column, k) => {
        const value = row[column];
        if (value === undefined || value === null) return null;
        if (kinds[k] === 'bytes') return Buffer.from((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength).toString('hex');
        return kinds[k] === 'utf8' ? (value as Utf8Bytes).text : value;
      }),
    );
    const json = JSON.stringify(tuples);
    statements.push(`${head}'${json.includes("'") ? json.replaceAll("'", "''") : json}')`);
  }
  return statements;
}

function withDriverValues(row: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const column in row) {
    if (row[column] instanceof Utf8Bytes) (copy ??= { ...row })[column] = driverValue(row[column]);
  }
  return copy ?? row;
}

/** Values escaped by the dialect, for the reason given in statements(). */
function caseUpdate(table: string, columns: string[], entries: [string, Record<string, unknown>][], dialect: string, escape: (value: unknown) => string): string {
  const literal = (value: unknown) => escape(value instanceof Date && dialect !== 'postgres' ? value.toISOString() : value);
  const sets = columns.map((column) => {
    const sample = entries.map(([, changes]) => changes[column]).find((v) => v !== null && v !== undefined);
    if (sample === undefined) return `"${column}" = NULL`;
    const whens = entries.map(([id, changes]) => `WHEN ${literal(id)} THEN ${literal(changes[column] ?? null)}`).join(' ');
    // PostgreSQL types a CASE of untyped literals as text: cast back to the column's own type.
    const cast = dialect === 'postgres' ? `::${pgTypeOf(sample)}` : '';
    return `"${column}" = (CASE "id" ${whens} END)${cast}`;
  });
  return `UPDATE "${table}" SET ${sets.join(', ')} WHERE "id" IN (${entries.map(([id]) => literal(id)).join(', ')})`;
}

function upsertSql(table: string, keys: readonly string[], rows: Record<string, unknown>[], escape: (value: unknown) => string): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const values = rows.map((row) => `(${columns.map((c) => escape(row[c] ?? null)).join(', ')})`);
  const sets = columns.filter((c) => !keys.includes(c)).map((c) => `"${c}" = excluded."${c}"`);
  const quoted = (names: readonly string[]) => names.map((c) => `"${c}"`).join(', ');
  return `INSERT INTO "${table}" (${quoted(columns)}) VALUES ${values.join(', ')} ON CONFLICT (${quoted(keys)}) DO ${sets.length > 0 ? `UPDATE SET ${sets.join(', ')}` : 'NOTHING'}`;
}

function pgTypeOf(value: unknown): string {
  if (value instanceof Date) return 'timestamptz';
  if (typeof value === 'number') return 'numeric';
  if (typeof value === 'boolean') return 'boolean';
  return 'text';
}

/** Names already checked: the same few tables and columns come with every read. */
const PLAIN_NAMES = new Set<string>();

function checkIdentifier(name: string): void {
  if (PLAIN_NAMES.has(name)) return;
  if (!IDENTIFIER.test(name)) throw new Error(`deferred write: "${name}" is not a plain table or column name`);
  if (PLAIN_NAMES.size < 10_000) PLAIN_NAMES.add(name);
}
