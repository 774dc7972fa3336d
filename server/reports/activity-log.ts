import { QueryTypes, type Sequelize } from 'sequelize';
import { decodeLeaf } from '../custody-log/leaf';
import type { LogStore } from '../custody-log/log-store';

/** Custody moves of files, by leaf type, as the activity report counts them. */
export const CUSTODY_MOVES = {
  'record.checked_out': 'checked_out',
  'record.checked_in': 'checked_in',
  'record.transferred': 'transferred',
} as const;
export type CustodyMove = (typeof CUSTODY_MOVES)[keyof typeof CUSTODY_MOVES];

/** The same instant as the writer spells ts_server: to the microsecond, fixed width, so text order is time order. */
const asTsServer = (at: Date) => `${at.toISOString().slice(0, 23)}000Z`;

/** Leaves read per query when counting a period's moves (only leaves about a record come back). */
const PAGE = 2_000;

/**
 * The first log index whose ts_server is at or after `at` (the log size when none is). log_entries
 * has no time column, but the writer gives ts_server values that strictly increase with idx
 * (server/ingest/timestamp-sequencer.ts), so a binary search reading one leaf per probe finds the
 * edge of a period in about log2(size) reads.
 */
export async function firstIndexAtOrAfter(sequelize: Sequelize, size: number, at: Date): Promise<number> {
  const edge = asTsServer(at);
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const [row] = await sequelize.query<{ leaf: Uint8Array }>('SELECT leaf FROM log_entries WHERE idx = :mid', { type: QueryTypes.SELECT, replacements: { mid } });
    // Indexes are gapless: a missing row is a log that changed under us; treat it as the end.
    const ts = row ? decodeLeaf(Buffer.from(row.leaf)).ts_server : undefined;
    if (ts === undefined || ts >= edge) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The log index range [start, end) of the leaves committed in [from, until). */
export async function indexRange(sequelize: Sequelize, store: LogStore, from: Date, until: Date): Promise<{ start: number; end: number }> {
  const size = await store.size();
  const start = await firstIndexAtOrAfter(sequelize, size, from);
  const end = await firstIndexAtOrAfter(sequelize, size, until);
  return { start, end: Math.max(start, end) };
}

/**
 * Check-outs, check-ins and transfers per bucket over a log index range. Every move names its
 * file, so only leaves with a record are read; the type is checked on the bytes before decoding.
 * `bucketOf` maps a ts_server to its bucket key (null: outside every bucket).
 */
export async function custodyMovesPerBucket(
  sequelize: Sequelize,
  range: { start: number; end: number },
  bucketOf: (tsServer: string) => string | null,
): Promise<Map<string, Record<CustodyMove, number>>> {
  const counts = new Map<string, Record<CustodyMove, number>>();
  let after = range.start - 1;
  for (;;) {
    const rows = await sequelize.query<{ idx: number | string; leaf: Uint8Array }>(
      'SELECT idx, leaf FROM log_entries WHERE idx > :after AND idx < :end AND record_id IS NOT NULL ORDER BY idx LIMIT :limit',
      { type: QueryTypes.SELECT, replacements: { after, end: range.end, limit: PAGE } },
    );
    for (const row of rows) {
      const bytes = Buffer.from(row.leaf);
      if (!bytes.includes('"type":"record.')) continue;
      const event = decodeLeaf(bytes);
      const move = CUSTODY_MOVES[event.type as keyof typeof CUSTODY_MOVES] as CustodyMove | undefined;
      const bucket = move && event.ts_server ? bucketOf(event.ts_server) : null;
      if (!move || bucket === null) continue;
      let tally = counts.get(bucket);
      if (!tally) counts.set(bucket, (tally = { checked_out: 0, checked_in: 0, transferred: 0 }));
      tally[move] += 1;
    }
    if (rows.length < PAGE) break;
    after = Number(rows.at(-1)!.idx);
  }
  return counts;
}
