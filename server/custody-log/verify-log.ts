import { LEAF_PREFIX } from './leaf';
import { MerkleFrontier } from './frontier';
import { verifyCheckpoint } from './checkpoint';
import type { CheckpointRow, LogStore } from './log-store';
import { parseMicros } from '../ingest/timestamp-sequencer';

export interface VerifyReport {
  ok: boolean;
  /** Leaves read. */
  size: number;
  checkpointsVerified: number;
  /** The first index at which the stored log is not what was written. */
  firstBadIndex?: number;
  problem?: string;
  /** When a signed root fails and no row-level check found the cause: the range that holds it. */
  badRange?: [number, number];
  seconds: number;
}

class Tampered extends Error {
  constructor(
    readonly index: number | undefined,
    message: string,
    readonly range?: [number, number],
  ) {
    super(message);
  }
}

/**
 * Re-derives everything from the stored leaf bytes and checks it against what cannot be forged
 * without the key: every signed checkpoint. Row-level checks come first because they pinpoint
 * the first bad index: gaps, stored hashes, canonical form, strictly increasing ts_server (a moved
 * row breaks it), and each record's chain (record_seq, record_prev).
 */
export async function verifyLog(store: LogStore, verifierKey: string): Promise<VerifyReport> {
  const started = process.hrtime.bigint();
  const checkpoints = await store.checkpoints();
  const frontier = new MerkleFrontier();
  const heads = new Map<string, { seq: number; hash: string }>();
  let before = Number.NEGATIVE_INFINITY; // ts_server of entry expected-2
  let last = Number.NEGATIVE_INFINITY; // ts_server of entry expected-1
  let expected = 0;
  let nextCheckpoint = 0;
  let lastGoodCheckpointSize = 0;
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;

  try {
    const signed = checkpoints.map((cp) => checkSignature(cp, verifierKey));
    for await (const page of store.pages()) {
      for (const row of page) {
        if (row.idx !== expected) throw new Tampered(expected, `entry ${expected} is missing (next stored entry is ${row.idx})`);
        const leafHash = frontier.appendLeaf(row.leaf);
        if (!leafHash.equals(row.leaf_hash)) throw new Tampered(expected, 'leaf bytes do not match the stored leaf hash');
        let event: LeafFields;
        try {
          event = readLeaf(row.leaf);
        } catch (err) {
          throw new Tampered(expected, `not a canonical safekeep leaf: ${(err as Error).message}`);
        }
        const micros = parseMicros(event.ts_server);
        if (!Number.isFinite(micros)) throw new Tampered(expected, 'ts_server is missing or malformed');
        if (!(micros > last)) {
          // Either the previous row is too new (moved forward, or swapped with this one) or this row
          // is too old (slipped in from elsewhere): if this row still fits after the one before the
          // previous, the previous is the odd one out.
          const odd = micros > before ? expected - 1 : expected;
          throw new Tampered(odd, `entry ${odd} is out of order (ts_server does not increase)`);
        }
        before = last;
        last = micros;
        checkRecordChain(expected, row, event, leafHash, heads);
        expected++;
        while (nextCheckpoint < signed.length && signed[nextCheckpoint]!.size === expected) {
          const cp = signed[nextCheckpoint]!;
          if (!frontier.root().equals(cp.root)) {
            throw new Tampered(
              undefined,
              `the first ${cp.size} entries do not match the signed checkpoint of that size: an entry in ${lastGoodCheckpointSize}..${cp.size - 1} was changed`,
              [lastGoodCheckpointSize, cp.size - 1],
            );
          }
          lastGoodCheckpointSize = cp.size;
          nextCheckpoint++;
        }
      }
    }
    if (nextCheckpoint < signed.length) {
      const cp = signed[nextCheckpoint]!;
      throw new Tampered(expected, `the log ends at ${expected} entries but a checkpoint was signed for ${cp.size}: entries from ${expected} on are missing`);
    }
  } catch (err) {
    if (!(err instanceof Tampered)) throw err;
    return {
      ok: false,
      size: expected,
      checkpointsVerified: nextCheckpoint,
      ...(err.index !== undefined ? { firstBadIndex: err.index } : {}),
      problem: err.message,
      ...(err.range ? { badRange: err.range } : {}),
      seconds: seconds(),
    };
  }
  return { ok: true, size: expected, checkpointsVerified: nextCheckpoint, seconds: seconds() };
}

/** What verification reads from a leaf. */
interface LeafFields {
  type: string;
  ts_server: string;
  record?: string;
  record_seq?: number;
  record_prev?: string;
}

const PREFIX = Buffer.from(LEAF_PREFIX, 'ascii');
const PREFIX_LENGTH = PREFIX.length;

/**
 * The fields verification needs, from leaf bytes, with a cheap structural check. Unlike decodeLeaf
 * this does not re-encode the event to prove it canonical: the leaf hash is taken over the stored
 * bytes and the signed roots cover every leaf hash, so any change of bytes is caught there, and
 * re-encoding cost more than everything else verification does.
 */
function readLeaf(leaf: Buffer): LeafFields {
  if (leaf.length < PREFIX_LENGTH || leaf.compare(PREFIX, 0, PREFIX_LENGTH, 0, PREFIX_LENGTH) !== 0) {
    throw new Error('leaf: missing the "safekeep/event/v1" prefix line');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(leaf.toString('utf8', PREFIX_LENGTH));
  } catch {
    throw new Error('leaf: event is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('leaf: an event must be a JSON object');
  const event = parsed as Record<string, unknown>;
  if (typeof event.type !== 'string' || event.type === '') throw new Error('leaf: $.type is required');
  if (typeof event.ts_server !== 'string') throw new Error('leaf: $.ts_server must be a string');
  if (event.record !== undefined && typeof event.record !== 'string') throw new Error('leaf: $.record must be a string');
  if (event.record_seq !== undefined && !(Number.isSafeInteger(event.record_seq) && (event.record_seq as number) >= 1)) {
    throw new Error('leaf: $.record_seq must be an integer >= 1');
  }
  if (event.record_prev !== undefined && typeof event.record_prev !== 'string') throw new Error('leaf: $.record_prev must be a string');
  return event as unknown as LeafFields;
}

function checkSignature(cp: CheckpointRow, verifierKey: string): { size: number; root: Buffer } {
  let parsed: { size: number; root: Buffer };
  try {
    parsed = verifyCheckpoint(cp.note, verifierKey);
  } catch (err) {
    throw new Tampered(undefined, `checkpoint ${cp.tree_size} does not verify: ${(err as Error).message}`);
  }
  if (parsed.size !== cp.tree_size || !parsed.root.equals(cp.root_hash)) {
    throw new Tampered(undefined, `checkpoint ${cp.tree_size}: stored size or root differ from the signed note`);
  }
  return parsed;
}

function checkRecordChain(
  index: number,
  row: { record_id: string | null; record_seq: number | null },
  event: LeafFields,
  leafHash: Buffer,
  heads: Map<string, { seq: number; hash: string }>,
): void {
  const record = typeof event.record === 'string' ? event.record : null;
  if (record !== row.record_id || (event.record_seq ?? null) !== row.record_seq) {
    throw new Tampered(index, 'stored record columns do not match the leaf');
  }
  if (!record) return;
  const head = heads.get(record);
  const wantSeq = (head?.seq ?? 0) + 1;
  if (event.record_seq !== wantSeq) throw new Tampered(index, `record chain broken: record_seq ${event.record_seq}, expected ${wantSeq}`);
  if ((event.record_prev ?? null) !== (head?.hash ?? null)) throw new Tampered(index, 'record chain broken: record_prev does not match');
  heads.set(record, { seq: wantSeq, hash: leafHash.toString('hex') });
}
