import * as nodeCrypto from 'node:crypto';
import { LEAF_PREFIX } from './leaf';
import type { LogRow } from './log-store';
import { parseMicros } from '../ingest/timestamp-sequencer';

/**
 * The row-by-row part of `log verify` (see verify-log.ts): every stored row is re-hashed, its
 * fields read and checked, and the leaf hashes are folded into the tree roots the signed
 * checkpoints are compared with. It runs on whole pages of rows packed into a few flat arrays, so
 * the same code can run on the main thread (small logs) or in a worker (verify-worker.ts) that a
 * page is handed to without copying.
 *
 * Hot path on purpose: ~300,000 rows/s means ~3 us per row for everything here. Hashes are kept as
 * 32-character binary ("latin1") strings, not Buffers: a one-shot digest into a string costs a
 * fraction of one into a new Buffer, whose separate backing store costs more than SHA-256 itself.
 */

/** A page of log rows packed for hashing, and for transfer to a worker. */
export interface PackedPage {
  count: number;
  idx: Float64Array;
  /** NaN stands for NULL. */
  recordSeq: Float64Array;
  recordId: Array<string | null>;
  /**
   * Row i: bytes[offsets[2i], offsets[2i+1]) is 0x00 followed by the leaf bytes, exactly the
   * RFC 6962 leaf hash input; bytes[offsets[2i+1], offsets[2i+2]) is the stored leaf hash.
   */
  offsets: Uint32Array;
  bytes: Uint8Array;
}

/** Copies a page of rows into one PackedPage (one memcpy per value: far cheaper than hashing them). */
export function packPage(rows: readonly LogRow[]): PackedPage {
  const count = rows.length;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const row = rows[i]!;
    total += 1 + row.leaf.length + row.leaf_hash.length;
  }
  if (total > 0xffff_ffff) throw new RangeError('log page too large to pack: read smaller pages');
  // A fresh ArrayBuffer of its own, never Buffer's shared pool: it is transferred to the worker.
  const bytes = new Uint8Array(total);
  const offsets = new Uint32Array(2 * count + 1);
  const idx = new Float64Array(count);
  const recordSeq = new Float64Array(count);
  const recordId = new Array<string | null>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const row = rows[i]!;
    idx[i] = row.idx;
    recordSeq[i] = row.record_seq === null ? Number.NaN : row.record_seq;
    recordId[i] = row.record_id;
    offsets[2 * i] = at;
    at += 1; // bytes[at - 1] is already 0x00: the leaf hash prefix
    bytes.set(row.leaf, at);
    at += row.leaf.length;
    offsets[2 * i + 1] = at;
    bytes.set(row.leaf_hash, at);
    at += row.leaf_hash.length;
  }
  offsets[2 * count] = at;
  return { count, idx, recordSeq, recordId, offsets, bytes };
}

/** The buffers a worker can take over instead of copying. */
export function transferablesOf(page: PackedPage): ArrayBuffer[] {
  return [page.idx.buffer, page.recordSeq.buffer, page.offsets.buffer, page.bytes.buffer] as ArrayBuffer[];
}

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

/** SHA-256 as a 32-character binary string. One-shot crypto.hash exists from Node 20.12. */
const digest: (data: Uint8Array) => string =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data, 'binary')
    : (data) => nodeCrypto.createHash('sha256').update(data).digest('binary');

const nodeScratch = Buffer.alloc(65);
nodeScratch[0] = 0x01;

/** RFC 6962 interior node hash of two binary-string hashes. */
function hashChildren(left: string, right: string): string {
  nodeScratch.write(left, 1, 32, 'latin1');
  nodeScratch.write(right, 33, 32, 'latin1');
  return digest(nodeScratch);
}

/**
 * MerkleFrontier (frontier.ts) over binary-string hashes: the roots of the complete subtrees the
 * leaves so far split into, largest first, so any root costs O(log n) hashes.
 */
export class StringFrontier {
  readonly #nodes: string[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  append(leafHash: string): void {
    let node = leafHash;
    // Each trailing 1 bit of the old size is a complete subtree of the height being carried.
    for (let s = this.#size; s % 2 === 1; s = (s - 1) / 2) node = hashChildren(this.#nodes.pop()!, node);
    this.#nodes.push(node);
    this.#size += 1;
  }

  root(): Buffer {
    const nodes = this.#nodes;
    if (nodes.length === 0) return Buffer.from(digest(new Uint8Array(0)), 'latin1');
    let acc = nodes[nodes.length - 1]!;
    for (let i = nodes.length - 2; i >= 0; i--) acc = hashChildren(nodes[i]!, acc);
    return Buffer.from(acc, 'latin1');
  }
}

const PREFIX = Buffer.from(LEAF_PREFIX, 'ascii');
const PREFIX_LENGTH = PREFIX.length;
const HEX_HASH = /^[0-9a-f]{64}$/;
const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexOf(binary: string): string {
  let hex = '';
  for (let i = 0; i < binary.length; i++) hex += HEX_DIGITS[binary.charCodeAt(i)]!;
  return hex;
}

/** What verification reads from a leaf. */
interface LeafFields {
  type: string;
  ts_server?: unknown;
  record?: string;
  record_seq?: number;
  record_prev?: string;
}

/**
 * The event of the leaf in page.bytes[start, end) (prefix line included), with a cheap structural
 * check. Unlike decodeLeaf this does not re-encode the event to prove it canonical: the leaf hash
 * is taken over the stored bytes and the signed roots cover every leaf hash, so a change of bytes
 * is caught there; re-encoding cost more than everything else verification does.
 */
function readLeaf(bytes: Uint8Array, text: Buffer, start: number, end: number): LeafFields {
  let prefixOk = end - start >= PREFIX_LENGTH;
  for (let i = 0; prefixOk && i < PREFIX_LENGTH; i++) prefixOk = bytes[start + i] === PREFIX[i];
  if (!prefixOk) throw new Error('leaf: missing the "safekeep/event/v1" prefix line');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.toString('utf8', start + PREFIX_LENGTH, end));
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
class MicrosReader {
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
  readonly #frontier = new StringFrontier();
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

  /** Checks the next page of rows. Throws a LogProblem at the first bad one. */
  check(page: PackedPage): void {
    const { count, idx, recordSeq, recordId, offsets, bytes } = page;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const signed = this.#signed;
    for (let i = 0; i < count; i++) {
      const expected = this.#expected;
      if (idx[i] !== expected) throw new LogProblem(expected, `entry ${expected} is missing (next stored entry is ${idx[i]})`);
      const start = offsets[2 * i]!;
      const hashStart = offsets[2 * i + 1]!;
      const hashEnd = offsets[2 * i + 2]!;
      const leafHash = digest(bytes.subarray(start, hashStart));
      this.#frontier.append(leafHash);
      let same = hashEnd - hashStart === 32;
      for (let k = 0; same && k < 32; k++) same = leafHash.charCodeAt(k) === bytes[hashStart + k];
      if (!same) throw new LogProblem(expected, 'leaf bytes do not match the stored leaf hash');
      let event: LeafFields;
      try {
        event = readLeaf(bytes, text, start + 1, hashStart);
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
      const seq = recordSeq[i]!;
      this.#checkRecordChain(expected, recordId[i]!, Number.isNaN(seq) ? null : seq, event, leafHash);
      this.#expected = expected + 1;
      while (this.#nextCheckpoint < signed.length && signed[this.#nextCheckpoint]!.size === this.#expected) this.#checkRoot(signed[this.#nextCheckpoint]!);
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

  #checkRoot(cp: SignedRoot): void {
    if (!this.#frontier.root().equals(cp.root)) {
      throw new LogProblem(
        undefined,
        `the first ${cp.size} entries do not match the signed checkpoint of that size: an entry in ${this.#lastGoodCheckpointSize}..${cp.size - 1} was changed`,
        [this.#lastGoodCheckpointSize, cp.size - 1],
      );
    }
    this.#lastGoodCheckpointSize = cp.size;
    this.#nextCheckpoint++;
  }

  #checkRecordChain(index: number, rowRecord: string | null, rowSeq: number | null, event: LeafFields, leafHash: string): void {
    const record = typeof event.record === 'string' ? event.record : null;
    if (record !== rowRecord || (event.record_seq ?? null) !== rowSeq) {
      throw new LogProblem(index, 'stored record columns do not match the leaf');
    }
    if (!record) return;
    const head = this.#heads.get(record);
    const wantSeq = (head?.seq ?? 0) + 1;
    if (event.record_seq !== wantSeq) throw new LogProblem(index, `record chain broken: record_seq ${event.record_seq}, expected ${wantSeq}`);
    if ((event.record_prev ?? null) !== (head?.hash ?? null)) throw new LogProblem(index, 'record chain broken: record_prev does not match');
    this.#heads.set(record, { seq: wantSeq, hash: hexOf(leafHash) });
  }
}

/** The outcome of checking a whole log, or up to its first problem. */
export interface CheckOutcome {
  size: number;
  checkpointsVerified: number;
  problem?: { index?: number; message: string; range?: [number, number] };
}

/** Main thread to verify-worker.ts. */
export type HostMessage = { type: 'page'; page: PackedPage } | { type: 'end' };

/** verify-worker.ts to the main thread. */
export type CheckerMessage = { type: 'checked' } | ({ type: 'done' } & CheckOutcome) | { type: 'error'; message: string; stack?: string };
