import { createHash } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { encodeLeaf } from '../../server/custody-log/leaf';
import { hashLeaf } from '../../server/custody-log/merkle';
import { benchTempDir } from './office';
import { distribution } from './stats';

export interface BaselineResult {
  rows: number;
  seconds: number;
  rowsPerS: number;
  /** Average stored bytes of the row's values. */
  rowBytes: number;
  /** One row per transaction, same table and settings: this disk's durable-commit latency, ms. */
  singleRowCommitMs: { p50: number; p99: number };
}

const SINGLE_ROW_COMMITS = 200;

const ROWS_PER_TX = 1000;
const COLUMNS = ['id', 'idempotency_key', 'device_id', 'kind', 'payload', 'ts_device', 'ts_received', 'log_index', 'leaf', 'leaf_hash'];

/**
 * The ceiling the pipeline is compared with: the raw durable batched insert rate of this machine,
 * measured like performance.md's ~58,000 rows/s. One ~550-byte row that carries what one event
 * stores (the device_events columns plus its leaf and leaf hash) in one table with 3 indexes
 * (the TEXT primary key, the unique idempotency key, device+time), 1,000 rows per transaction as
 * one prepared multi-row INSERT through the sqlite3 package, WAL, synchronous=FULL, in its own
 * temp database. Rows are built before the clock starts: only SQLite's work is timed.
 */
export async function measureBaseline(rows: number): Promise<BaselineResult> {
  const file = path.join(benchTempDir('baseline'), 'baseline.sqlite');
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(opened)));
  });
  const run = (sql: string, params: unknown[] = []) => new Promise<void>((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
  try {
    for (const pragma of ['PRAGMA journal_mode=WAL', 'PRAGMA synchronous=FULL', 'PRAGMA cache_size=-32000']) await run(pragma);
    await run(
      `CREATE TABLE events (id TEXT PRIMARY KEY NOT NULL, idempotency_key TEXT NOT NULL UNIQUE, device_id TEXT NOT NULL,
        kind TEXT NOT NULL, payload TEXT NOT NULL, ts_device TEXT, ts_received TEXT NOT NULL, log_index INTEGER NOT NULL,
        leaf BLOB NOT NULL, leaf_hash BLOB NOT NULL)`,
    );
    await run('CREATE INDEX events_device_time ON events (device_id, ts_received)');
    const batches = Math.max(1, Math.round(rows / ROWS_PER_TX));
    const { params, bytes } = buildRows(batches * ROWS_PER_TX);
    const placeholders = Array.from({ length: ROWS_PER_TX }, () => `(${COLUMNS.map(() => '?').join(',')})`).join(',');
    const insert = db.prepare(`INSERT INTO events (${COLUMNS.join(',')}) VALUES ${placeholders}`);
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      await run('BEGIN IMMEDIATE');
      await new Promise<void>((resolve, reject) => insert.run(params[b], (err: Error | null) => (err ? reject(err) : resolve())));
      await run('COMMIT');
    }
    const seconds = (performance.now() - started) / 1000;
    await new Promise<void>((resolve) => insert.finalize(() => resolve()));
    const total = batches * ROWS_PER_TX;
    const one = db.prepare(`INSERT INTO events (${COLUMNS.join(',')}) VALUES (${COLUMNS.map(() => '?').join(',')})`);
    const commits = new Float64Array(SINGLE_ROW_COMMITS);
    const sample = params[0]!.slice(0, COLUMNS.length);
    for (let i = 0; i < SINGLE_ROW_COMMITS; i++) {
      const row = [`single-${i}`, `single:${i}`, ...sample.slice(2)];
      const t0 = performance.now();
      await run('BEGIN IMMEDIATE');
      await new Promise<void>((resolve, reject) => one.run(row, (err: Error | null) => (err ? reject(err) : resolve())));
      await run('COMMIT');
      commits[i] = performance.now() - t0;
    }
    await new Promise<void>((resolve) => one.finalize(() => resolve()));
    const single = distribution(commits);
    return { rows: total, seconds, rowsPerS: total / seconds, rowBytes: bytes / total, singleRowCommitMs: { p50: single.p50, p99: single.p99 } };
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** One parameter array per transaction, with realistic values (a real leaf of a device read). */
function buildRows(count: number): { params: unknown[][]; bytes: number } {
  const params: unknown[][] = [];
  let bytes = 0;
  const start = Date.now() - 3_600_000;
  for (let i = 0; i < count; i++) {
    if (i % ROWS_PER_TX === 0) params.push([]);
    const kind = i % 5 === 0 ? 'badge' : i % 5 === 2 || i % 5 === 3 ? 'door' : 'lock';
    const device = `cab-4-${kind === 'badge' ? 'reader' : kind}`;
    const payload = kind === 'badge' ? JSON.stringify({ credential: { format: 'hex', value: (0x8ec793 + i).toString(16).toUpperCase().padStart(8, '0') } }) : JSON.stringify({ state: i % 2 ? 'open' : 'closed' });
    const id = uuidv7();
    const tsDevice = new Date(start + i).toISOString();
    const tsReceived = new Date(start + i + 3).toISOString();
    const leaf = encodeLeaf({
      type: 'device.read',
      kind,
      device,
      location: 'cab-4',
      ts_device: tsDevice,
      ts_server: `${tsReceived.slice(0, 23)}123Z`,
      evidence: [id],
      evidence_sha256: createHash('sha256').update(payload).digest('hex'),
    });
    const row = [id, `${device}:bench0000:${i}`, device, kind, payload, tsDevice, tsReceived, i, leaf, hashLeaf(leaf)];
    bytes += row.reduce<number>((n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : 8), 0);
    params[params.length - 1]!.push(...row);
  }
  return { params, bytes };
}
