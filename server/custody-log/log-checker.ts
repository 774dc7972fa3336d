import { LEAF_PREFIX } from './leaf';
import type { HashedPage } from './leaf-hasher';
import type { LogRow } from './log-store';
import { parseMicros } from '../ingest/timestamp-sequencer';

/**
 * The row-by-row part of `log verify` (see verify-log.ts): every stored row's hash, fields and
 * place in the log are checked, and the tree root at every signed checkpoint size is compared.
 * The hashing itself (leaf hashes, roots) is done by LeafHasher in a worker thread; this runs on
 * the main thread. Hot path: at 200,000+ rows/s there are a few microseconds per row.
 */

/** Where and how the stored log differs from what was written. */
export class LogProblem extends Error {
  constructor(
    /** The first bad index, when a row-level check found it. */
    readonly index: number | undefined,
    message: string,
    /** When only a signed root failed: the range of entries that holds the change. */
    readonly range?: [number, number],
  ) {
    super(message);
  }
}

/** A checkpoint whose signature was already verified. */
export interface SignedRoot {
  size: number;
  root: Uint8Array;
}

const PREFIX = Buffer.from(LEAF_PREFIX, 'ascii');
const PREFIX_LENGTH = PREFIX.length;
const HEX_HASH = /^[0-9a-f]{64}$/;

/** What verification reads from a leaf. */
interface LeafFields {
  type: string;
  ts_server?: unknown;
  record?: string;
  record_seq?: number;
  record_prev?: string;
}

/**
 * The event in leaf bytes, with a cheap structural check. Unlike decodeLeaf this does not re-encode
 * the event to prove it canonical: the leaf hash is taken over the stored bytes and the signed
 * roots cover every leaf hash, so a change of bytes is caught there; re-encoding cost more than
 * everything else verification does.
 */
function readLeaf(leaf: Buffer): LeafFields {
  let prefixOk = leaf.length >= PREFIX_LENGTH;
  for (let i = 0; prefixOk && i < PREFIX_LENGTH; i++) prefixOk = leaf[i] === PREFIX[i];
  if (!prefixOk) throw new Error('leaf: missing the "safekeep/event/v1" prefix line');
  let parsed: unknown;
  try {
    parsed = JSON.parse(leaf.toString('utf8', PREFIX_LENGTH));
  } catch {
    throw new Error('leaf: event is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('leaf: an event must be a JSON object');
  const event = parsed as Record<string, unknown>;
  if (typeof event.type !== 'string' || event.type === '') throw new Error('leaf: $.type is required');
  if (event.ts_server !== undefined && typeof event.ts_server !== 'string') throw new Error('leaf: $.ts_server must be a string');
  if (event.record !== undefined && typeof event.record !== 'string') throw new Error('leaf: $.record must be a string');
  const seq = event.record_seq;
  if (seq !== undefined && !(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1)) {
    throw new Error('leaf: $.record_seq must be an integer >= 1');
  }
  const prev = event.record_prev;
  if (prev !== undefined && !(typeof prev === 'string' && HEX_HASH.test(prev))) throw new Error('leaf: $.record_prev must be 64 lowercase hex digits');
  return event as unknown as LeafFields;
}

/**
 * parseMicros, with the whole seconds of the previous call remembered: ts_server values come in
 * order, so most share their seconds with the one before and only the fraction changes. Returns
 * exactly what parseMicros returns for every input.
 */
export class MicrosReader {
  #second = '';
  #secondMicros = 0;

  read(text: string): number {
    // "YYYY-MM-DDTHH:MM:SS.ffffffZ", what the writer writes, within the second seen last.
    if (text.length === 27 && text.charCodeAt(19) === 46 && text.charCodeAt(26) === 90 && this.#second !== '' && text.startsWith(this.#second)) {
      let fraction = 0;
      for (let i = 20; i < 26; i++) {
        const digit = text.charCodeAt(i) - 48;
        if (digit < 0 || digit > 9) return parseMicros(text);
        fraction = fraction * 10 + digit;
      }
      return this.#secondMicros + fraction;
    }
    const micros = parseMicros(text);
    if (Number.isFinite(micros)) {
      // parseMicros matched: the first 19 characters are the whole seconds it parsed.
      this.#second = text.slice(0, 19);
      this.#secondMicros = Date.parse(`${this.#second}Z`) * 1000;
    }
    return micros;
  }
}

/**
 * Checks rows strictly in stored order and stops at the first problem: gaps in idx, stored leaf
 * hashes, the leaf's structure, strictly increasing ts_server (a moved row breaks it), each
 * record's chain (record_seq, record_prev), and the root at every signed checkpoint size.
 */
export class LogChecker {
  readonly #signed: readonly SignedRoot[];
  readonly #heads = new Map<string, { seq: number; hash: string }>();
  readonly #micros = new MicrosReader();
  #before = Number.NEGATIVE_INFINITY; // ts_server of entry expected-2
  #last = Number.NEGATIVE_INFINITY; // ts_server of entry expected-1
  #expected = 0;
  #nextCheckpoint = 0;
  #lastGoodCheckpointSize = 0;

  constructor(signed: readonly SignedRoot[]) {
    this.#signed = signed;
  }

  /** Rows checked and found good. */
  get size(): number {
    return this.#expected;
  }

  get checkpointsVerified(): number {
    return this.#nextCheckpoint;
  }

  /** Checks the next page of rows, hashed by LeafHasher. Throws a LogProblem at the first bad one. */
  check(rows: readonly LogRow[], { hashes, roots }: HashedPage): void {
    const signed = this.#signed;
    if (hashes.length !== 32 * rows.length) throw new Error('log verify: a page and its hashes differ in length');
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const expected = this.#expected;
      if (row.idx !== expected) throw new LogProblem(expected, `entry ${expected} is missing (next stored entry is ${row.idx})`);
      const at = 32 * i;
      const stored = row.leaf_hash;
      let same = stored.length === 32;
      for (let k = 0; same && k < 32; k++) same = hashes[at + k] === stored[k];
      if (!same) throw new LogProblem(expected, 'leaf bytes do not match the stored leaf hash');
      let event: LeafFields;
      try {
        event = readLeaf(row.leaf);
      } catch (err) {
        throw new LogProblem(expected, `not a canonical safekeep leaf: ${(err as Error).message}`);
      }
      const micros = this.#micros.read(typeof event.ts_server === 'string' ? event.ts_server : '');
      if (!Number.isFinite(micros)) throw new LogProblem(expected, 'ts_server is missing or malformed');
      if (!(micros > this.#last)) {
        // Either the previous row is too new (moved forward, or swapped with this one) or this row
        // is too old (slipped in from elsewhere): if this row still fits after the one before the
        // previous, the previous is the odd one out.
        const odd = micros > this.#before ? expected - 1 : expected;
        throw new LogProblem(odd, `entry ${odd} is out of order (ts_server does not increase)`);
      }
      this.#before = this.#last;
      this.#last = micros;
      this.#checkRecordChain(expected, row, event, hashes, at);
      this.#expected = expected + 1;
      while (this.#nextCheckpoint < signed.length && signed[this.#nextCheckpoint]!.size === this.#expected) {
        this.#checkRoot(signed[this.#nextCheckpoint]!, roots.get(this.#expected));
      }
    }
  }

  /** After the last page: a checkpoint signed for more entries than are stored means some are gone. */
  finish(): void {
    const cp = this.#signed[this.#nextCheckpoint];
    if (cp) {
      const n = this.#expected;
      throw new LogProblem(n, `the log ends at ${n} entries but a checkpoint was signed for ${cp.size}: entries from ${n} on are missing`);
    }
  }

  #checkRoot(cp: SignedRoot, root: Buffer | undefined): void {
    if (!root) throw new Error(`log verify: no tree root was computed for size ${cp.size}`);
    if (!root.equals(cp.root)) {
      throw new LogProblem(
        undefined,
        `the first ${cp.size} entries do not match the signed checkpoint of that size: an entry in ${this.#lastGoodCheckpointSize}..${cp.size - 1} was changed`,
        [this.#lastGoodCheckpointSize, cp.size - 1],
      );
    }
    this.#lastGoodCheckpointSize = cp.size;
    this.#nextCheckpoint++;
  }

  #checkRecordChain(index: number, row: LogRow, event: LeafFields, hashes: Buffer, at: number): void {
    const record = typeof event.record === 'string' ? event.record : null;
    if (record !== row.record_id || (event.record_seq ?? null) !== row.record_seq) {
      throw new LogProblem(index, 'stored record columns do not match the leaf');
    }
    if (!record) return;
    const head = this.#heads.get(record);
    const wantSeq = (head?.seq ?? 0) + 1;
    if (event.record_seq !== wantSeq) throw new LogProblem(index, `record chain broken: record_seq ${event.record_seq}, expected ${wantSeq}`);
    if ((event.record_prev ?? null) !== (head?.hash ?? null)) throw new LogProblem(index, 'record chain broken: record_prev does not match');
    this.#heads.set(record, { seq: wantSeq, hash: hashes.toString('hex', at, at + 32) });
  }
}
