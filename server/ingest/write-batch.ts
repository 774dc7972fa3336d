import type { Transaction } from 'sequelize';
import { encodeLeafText, type LeafEvent } from '../custody-log/leaf';
import { hashLeafText } from '../custody-log/merkle';
import { DeferredWrites, Utf8Bytes } from './deferred-writes';
import type { RecordHead, RecordHeads } from './record-heads';
import { nextTimestamp } from './timestamp-sequencer';

/** What a job asks to append. The writer sets ts_server, record_seq and record_prev itself. */
export type AppendInput = LeafEvent;

export interface CommittedLeaf {
  index: number;
  leafHash: Buffer;
  event: LeafEvent;
  /** The leaf as stored: the prefix line and the event's canonical JSON (leaf.ts). */
  text: string;
}

export interface WriteContext {
  readonly transaction: Transaction;
  readonly now: Date;
  /** Appends one leaf in this transaction. Await each call before the next: order is the log's order. */
  append(input: AppendInput): Promise<CommittedLeaf>;
  /** Queues a row for one multi-row INSERT at the end of the batch (rows no later job reads back from the database). */
  insertLater(table: string, row: Record<string, unknown>): void;
  /** Queues an update of the row with this id for the end of the batch (deferred-writes.ts). */
  updateLater(table: string, id: string, changes: Record<string, unknown>): void;
  /** Queues an insert-or-overwrite by `keys` for the end of the batch: latest-value tables. */
  upsertLater(table: string, keys: readonly string[], row: Record<string, unknown>): void;
}

/**
 * One transaction's view of the log's end while its jobs run: the next index and timestamp, the
 * record chains it extends, and the rows it writes at its end. Nothing here is the writer's own
 * until the commit (CustodyWriter takes `nextIndex`, `lastMicros` and `heads` only then).
 */
export class WriteBatch {
  readonly later = new DeferredWrites(['log_entries']);
  /** Record chains this batch extends, ahead of the committed heads. */
  readonly heads = new Map<string, RecordHead>();

  constructor(
    readonly transaction: Transaction,
    private readonly committedHeads: RecordHeads,
    public nextIndex: number,
    public lastMicros: number,
  ) {}

  /** The context of one job; its leaves are collected in `leaves`. */
  job(now: Date): JobContext {
    return new JobContext(this, now);
  }

  async append(input: AppendInput, now: Date): Promise<CommittedLeaf> {
    const recordId = typeof input.record === 'string' ? input.record : undefined;
    const head = recordId ? (this.heads.get(recordId) ?? (await this.committedHeads.get(recordId, this.transaction))) : undefined;
    const ts = nextTimestamp(now, this.lastMicros);
    this.lastMicros = ts.micros;
    const event = withWriterFields(input, ts.text, recordId ? (head?.seq ?? 0) + 1 : undefined, head?.hash);
    const leaf = encodeLeafText(event);
    const leafHash = hashLeafText(leaf);
    const index = this.nextIndex++;
    if (recordId) this.heads.set(recordId, { seq: event.record_seq!, hash: leafHash.toString('hex') });
    this.later.insert('log_entries', { idx: index, leaf: new Utf8Bytes(leaf), leaf_hash: leafHash, record_id: recordId ?? null, record_seq: event.record_seq ?? null });
    return { index, leafHash, event, text: leaf };
  }
}

/** The fields only the writer sets, in key order. */
const WRITER_FIELDS = ['record_prev', 'record_seq', 'ts_server'] as const;
type WriterValues = Record<(typeof WRITER_FIELDS)[number], string | number | undefined>;

/**
 * The job's event with the fields only the writer sets (ts_server, and a record's record_seq and
 * record_prev), whatever the job put there, each in its place among the job's fields: when
 * those are in canonical order, so is the result, and its leaf needs no sorted copy (leaf.ts).
 */
function withWriterFields(input: AppendInput, tsServer: string, recordSeq: number | undefined, recordPrev: string | undefined): LeafEvent {
  const values: WriterValues = { record_prev: recordPrev, record_seq: recordSeq, ts_server: tsServer };
  const event: Record<string, unknown> = {};
  let next = 0;
  for (const key in input) {
    if (!Object.hasOwn(input, key) || Object.hasOwn(values, key)) continue;
    next = placeWriterFields(event, values, next, key);
    event[key] = input[key];
  }
  placeWriterFields(event, values, next, null);
  return event as LeafEvent;
}

/** Sets the writer's fields from `next` on that sort before `key` (all of them for null); returns the next one. */
function placeWriterFields(event: Record<string, unknown>, values: WriterValues, next: number, key: string | null): number {
  for (; next < WRITER_FIELDS.length && (key === null || key > WRITER_FIELDS[next]!); next++) {
    const field = WRITER_FIELDS[next]!;
    if (values[field] !== undefined) event[field] = values[field];
  }
  return next;
}

/** A class, not an object of closures: one is made per job, so per read under a flood. */
class JobContext implements WriteContext {
  readonly leaves: CommittedLeaf[] = [];

  constructor(
    private readonly batch: WriteBatch,
    readonly now: Date,
  ) {}

  get transaction(): Transaction {
    return this.batch.transaction;
  }

  async append(input: AppendInput): Promise<CommittedLeaf> {
    const committed = await this.batch.append(input, this.now);
    this.leaves.push(committed);
    return committed;
  }

  insertLater(table: string, row: Record<string, unknown>): void {
    this.batch.later.insert(table, row);
  }

  updateLater(table: string, id: string, changes: Record<string, unknown>): void {
    this.batch.later.update(table, id, changes);
  }

  upsertLater(table: string, keys: readonly string[], row: Record<string, unknown>): void {
    this.batch.later.upsert(table, keys, row);
  }
}
