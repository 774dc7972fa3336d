import { createHash } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import type { OfficeServer } from '../../../server/office-server';

/**
 * The state a request could have changed: the custody log's size, and per table of the database
 * its row count and a digest of its rows. Sessions are counted but not digested: every signed-in
 * request may move a session's idle expiry forward, which is not a write of the request's input.
 * The custody log's rows are counted too, but not read back: it is append-only, and reading it all
 * after every batch would cost more than the batch.
 */
export interface Fingerprint {
  logSize: number;
  counts: Record<string, number>;
  digests: Record<string, string>;
}

/** Counted but not digested: sessions (see above) and the custody log, append-only and checked by size and count. */
const NOT_DIGESTED = new Set(['sessions', 'log_entries']);

async function tableNames(sequelize: Sequelize): Promise<string[]> {
  const dialect = sequelize.getDialect();
  const sql =
    dialect === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
  const [rows] = await sequelize.query(sql);
  return (rows as { name: string }[]).map((r) => r.name);
}

export async function fingerprint(server: OfficeServer): Promise<Fingerprint> {
  const sequelize = server.services.db.sequelize;
  const q = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
  const counts: Record<string, number> = {};
  const digests: Record<string, string> = {};
  for (const table of await tableNames(sequelize)) {
    if (NOT_DIGESTED.has(table)) {
      const [[row]] = (await sequelize.query(`SELECT COUNT(*) AS n FROM ${q(table)}`)) as [{ n: number | string }[], unknown];
      counts[table] = Number(row!.n);
      continue;
    }
    const [rows] = await sequelize.query(`SELECT * FROM ${q(table)}`);
    counts[table] = rows.length;
    const lines = (rows as Record<string, unknown>[]).map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v))).sort();
    digests[table] = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
  }
  return { logSize: server.services.writer.size, counts, digests };
}

/** Tables whose count or digest differ, with the counts, e.g. `log_entries 120→121`. */
export function diffFingerprints(before: Fingerprint, after: Fingerprint, ignore: readonly string[] = []): string[] {
  const out: string[] = [];
  if (before.logSize !== after.logSize && !ignore.includes('log')) out.push(`custody log size ${before.logSize}→${after.logSize}`);
  for (const table of new Set([...Object.keys(before.counts), ...Object.keys(after.counts)])) {
    if (ignore.includes(table)) continue;
    if (before.counts[table] !== after.counts[table]) out.push(`${table} rows ${before.counts[table]}→${after.counts[table]}`);
    else if (before.digests[table] !== after.digests[table]) out.push(`${table} rows changed (count ${after.counts[table]})`);
  }
  return out;
}
