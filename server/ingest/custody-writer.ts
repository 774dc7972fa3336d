import { performance } from 'node:perf_hooks';
import { beginBatch, readInBatch, type OpeningRead } from '../db/batch-transaction';
import type { Database } from '../db/connect';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { EventBus } from './event-bus';
import { parseMicros } from './timestamp-sequencer';
import { RecordHeads } from './record-heads';
import { isDiskFull } from './disk-full';
import { WriteQueue, type QueuedJob } from './write-queue';
import { WriteBatch, type CommittedLeaf, type WriteContext } from './write-batch';

export type { AppendInput, CommittedLeaf, WriteContext } from './write-batch';

export interface WriteJob<R> extends QueuedJob {
  /** Jobs with a key already committed are answered as duplicates and not run again. */
  idempotencyKey?: string;
  run(ctx: WriteContext): Promise<R>;
}

export type JobOutcome<R> = { duplicate: true } | { duplicate: false; value: R; leaves: CommittedLeaf[] };

export class WriterHaltedError extends Error {
  constructor(reason: string) {
    super(`writes are suspended: ${reason}`);
  }
}

/** The log's last row: where the next leaf's index and timestamp continue from. */
interface LogTail {
  idx: number | string;
  leaf: Buffer;
}

interface BatchLimits {
  /** The first this many jobs run whatever the budget says (at least one always does). */
  mustRun: number;
  /** No job starts once the batch's jobs have run this long (ms). */
  budgetMs: number;
  /** An urgent job queued meanwhile takes the place of the jobs not yet started. */
  yieldToUrgent: boolean;
}

const ALL_OF_IT: BatchLimits = { mustRun: Number.POSITIVE_INFINITY, budgetMs: Number.POSITIVE_INFINITY, yieldToUrgent: false };

interface Pending {
  job: WriteJob<unknown>;
  resolve(outcome: JobOutcome<unknown>): void;
  reject(err: unknown): void;
}

export interface CustodyWriterOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  bus: EventBus;
  /** Upper bound of jobs per transaction: bounds latency and memory under a flood. */
  maxBatch?: number;
  /**
   * A batch starts no job once its jobs have run this long (ms): a commit, and the commands and acks behind
   * it, is never held back by more than this much work. An urgent job waiting ends it sooner.
   * Under a flood, longer batches spread each commit's fixed costs (BEGIN, the tail and key
   * lookups, the fsync) over more reads: in the bench, 25 ms gave 4,400-4,800 reads/s and 100 ms
   * 5,300-5,700, while badge-to-unlock p99 stayed under 30 ms (badges are urgent).
   */
  maxBatchMs?: number;
  /**
   * How long normal jobs may run behind urgent ones in the same batch (ms): the badge's commit
   * waits for them, so this stays short, but a busy writer's commits are not spent on one badge
   * each.
   */
  urgentBatchMs?: number;
  /** How often to try again after the disk filled up. */
  resumeProbeMs?: number;
}

/**
 * The only writer of the custody log and the domain tables. Group commit: it takes whatever is
 * queued (up to maxBatch) into one transaction, so durable commits cost one fsync per batch.
 * A job that fails is retried alone, so one bad job never takes its batch-mates down with it.
 */
export class CustodyWriter {
  private readonly queue = new WriteQueue<Pending>();
  private lastMicros = 0;
  private started = false;
  private readonly heads: RecordHeads;
  private nextIndex = 0;
  private draining: Promise<void> | null = null;
  private halted: { reason: string; since: Date } | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;
  private readonly maxBatch: number;
  private readonly maxBatchMs: number;
  private readonly urgentBatchMs: number;

  constructor(private readonly options: CustodyWriterOptions) {
    this.log = options.logger.child({ component: 'writer' });
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxBatchMs = options.maxBatchMs ?? 100;
    this.urgentBatchMs = options.urgentBatchMs ?? 10;
    this.heads = new RecordHeads(options.db.sequelize);
  }

  async start(): Promise<void> {
    const { tx, rows } = await beginBatch<StartRow>(this.options.db, this.startRead([]));
    try {
      this.syncTail(startOf(rows).tail);
      await tx.commit([]);
    } catch (err) {
      await tx.rollback().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Where the log ends and which of `keys` are stored already, in one statement: under load each
   * statement waits its turn on this thread's event loop, so two would cost twice that wait.
   * Read under the write lock at the start of every batch: another process (a CLI import, a
   * second server by mistake) may have appended since, and the log's indexes, timestamps and
   * record chains must continue from what is really there.
   */
  private startRead(keys: readonly string[], withTail = true): OpeningRead {
    const tail = 'SELECT idx, leaf, NULL AS idempotency_key FROM (SELECT idx, leaf FROM log_entries ORDER BY idx DESC LIMIT 1) AS tail';
    const stored = (list: string) => `SELECT NULL, NULL, idempotency_key FROM device_events WHERE idempotency_key IN (${list})`;
    const union = (list: string) => [...(withTail ? [tail] : []), ...(keys.length > 0 ? [stored(list)] : [])].join(' UNION ALL ');
    return {
      // On SQLite the keys travel as one JSON text: binding or escaping hundreds of them one by one
      // cost more. PostgreSQL's jsonb refuses some strings a key may hold (NUL), so it gets the list.
      sqlite: { sql: union('SELECT value FROM json_each(?)'), params: keys.length > 0 ? [JSON.stringify(keys)] : [] },
      postgres: { sql: union(':keys'), ...(keys.length > 0 ? { replacements: { keys: [...keys] } } : {}) },
    };
  }

  private syncTail(last: LogTail | undefined): void {
    const size = last ? Number(last.idx) + 1 : 0;
    if (size === this.nextIndex && this.started) return;
    if (this.started) {
      this.log.warn({ expected: this.nextIndex, found: size }, 'another process appended to the log');
      // What it wrote (imports, new people and badges) is unknown here: caches must reload.
      this.options.bus.emit('writer.external_append', { from: this.nextIndex, to: size });
    }
    this.nextIndex = size;
    this.lastMicros = last ? parseMicros(lastTsServer(Buffer.from(last.leaf)) ?? '') || 0 : 0;
    this.heads.clear();
    this.started = true;
  }

  /** Leaves committed so far. */
  get size(): number {
    return this.nextIndex;
  }

  get haltedSince(): { reason: string; since: Date } | null {
    return this.halted;
  }

  submit<R>(job: WriteJob<R>): Promise<JobOutcome<R>> {
    if (this.halted) return Promise.reject(new WriterHaltedError(this.halted.reason));
    return new Promise<JobOutcome<R>>((resolve, reject) => {
      this.queue.push({ job, resolve, reject } as Pending);
      this.kick();
    });
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      // A job may have arrived after the loop's last look at the queue but before this callback.
      if (this.queue.length > 0 && !this.halted) this.kick();
    });
  }

  /** Waits for everything queued so far to be committed or refused. */
  async stop(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.halted) {
      const { items, urgent } = this.queue.take(this.maxBatch);
      // Urgent jobs always run whole: putting them back would cost their place. Normal jobs ride
      // behind them for a short while, so the commit's fixed costs carry some of the backlog too.
      const mustRun = urgent ? items.length : 0;
      if (urgent && items.length < this.maxBatch) items.push(...this.queue.take(this.maxBatch - items.length).items);
      const budgetMs = urgent ? this.urgentBatchMs : this.maxBatchMs;
      const ran = await this.commitBatch(items, { mustRun, budgetMs, yieldToUrgent: true });
      this.queue.done(items.slice(0, ran));
      this.queue.putBack(items.slice(ran));
      await this.upkeep();
    }
  }

  /** Commits the batch's jobs from the first until `limits` say stop; returns how many ran. */
  private async commitBatch(batch: Pending[], limits: BatchLimits): Promise<number> {
    let outcomes: JobOutcome<unknown>[];
    const progress = { started: 0 };
    try {
      outcomes = await this.runInTransaction(batch, limits, progress);
    } catch (err) {
      if (isDiskFull(err)) {
        this.halt(batch, 'the disk is full');
        return batch.length;
      }
      // Only the jobs the transaction started are retried; the rest go back to the queue.
      const tried = batch.slice(0, Math.max(1, progress.started));
      if (tried.length === 1) {
        tried[0]!.reject(err);
        return 1;
      }
      // Find the culprit: each job alone, in order, so the others still commit.
      for (const pending of tried) {
        if (this.halted) pending.reject(new WriterHaltedError(this.halted.reason));
        else await this.commitBatch([pending], ALL_OF_IT);
      }
      return tried.length;
    }
    const leaves: CommittedLeaf[] = [];
    outcomes.forEach((outcome, i) => {
      if (!outcome.duplicate) leaves.push(...outcome.leaves);
      batch[i]!.resolve(outcome);
    });
    if (leaves.length > 0) this.options.bus.emit('custody.committed', { leaves });
    return outcomes.length;
  }

  /**
   * Runs the batch's jobs in order within `limits`. An urgent job waiting ends the batch, but
   * inside it: the jobs not yet started go back to the queue and the urgent ones run in their
   * place, so the person at the door waits for this one commit instead of for it and then one of
   * their own. `batch` is changed in place to the jobs this transaction took.
   */
  private async runInTransaction(batch: Pending[], { mustRun, budgetMs, yieldToUrgent }: BatchLimits, progress: { started: number }): Promise<JobOutcome<unknown>[]> {
    const { db } = this.options;
    const { tx, rows } = await beginBatch<StartRow>(db, this.startRead(keysOf(batch)));
    let run: WriteBatch;
    const results: JobOutcome<unknown>[] = [];
    try {
      const { tail, existing } = startOf(rows);
      this.syncTail(tail);
      run = new WriteBatch(tx.transaction, this.heads, this.nextIndex, this.lastMicros);
      // The budget is for the jobs: the statements before them cost the same for any batch.
      const started = performance.now();
      let jumped = false;
      for (let i = 0; i < batch.length; i++) {
        if (i >= Math.max(mustRun, 1) && !jumped) {
          if (yieldToUrgent && this.queue.urgentWaiting) {
            jumped = true;
            const { items: urgent } = this.queue.take(Math.max(1, this.maxBatch - i));
            this.queue.putBack(batch.splice(i, batch.length - i, ...urgent));
            const keys = keysOf(urgent);
            if (keys.length > 0) for (const key of startOf(await readInBatch<StartRow>(db, tx, this.startRead(keys, false))).existing) existing.add(key);
          } else if (performance.now() - started > budgetMs) break;
        }
        const { job } = batch[i]!;
        progress.started = i + 1;
        if (job.idempotencyKey !== undefined && existing.has(job.idempotencyKey)) {
          results.push({ duplicate: true });
          continue;
        }
        if (job.idempotencyKey !== undefined) existing.add(job.idempotencyKey);
        const ctx = run.job(this.options.clock.now());
        const value = await job.run(ctx);
        results.push({ duplicate: false, value, leaves: ctx.leaves });
      }
      await tx.commit(await run.later.statements(db.sequelize, tx.transaction));
    } catch (err) {
      await tx.rollback().catch((rollbackErr: unknown) => this.log.warn({ err: String(rollbackErr) }, 'rollback failed'));
      throw err;
    }
    // Only now, after the commit, does the writer's view of the log move forward.
    this.nextIndex = run.nextIndex;
    this.lastMicros = run.lastMicros;
    this.heads.merge(run.heads);
    return results;
  }

  /** The database's upkeep between transactions (a long write-ahead log emptied); never fatal. */
  private async upkeep(): Promise<void> {
    try {
      await this.options.db.betweenTransactions();
    } catch (err) {
      this.log.warn({ err: String(err) }, 'database upkeep between transactions failed');
    }
  }

  /** Nothing in the failed batch was acknowledged; devices resend. We probe until writes succeed. */
  private halt(batch: Pending[], reason: string): void {
    const since = this.options.clock.now();
    this.halted = { reason, since };
    this.log.error({ reason }, 'writes suspended');
    const error = new WriterHaltedError(reason);
    for (const pending of [...batch, ...this.queue.takeAll()]) pending.reject(error);
    this.options.bus.emit('writer.halted', { reason, since });
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.probeTimer = setTimeout(() => void this.probe(), this.options.resumeProbeMs ?? 5000);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    try {
      await this.options.db.sequelize.transaction(async (transaction) => {
        // A real write to the main database that leaves nothing behind: proves pages can be allocated again.
        await this.options.db.sequelize.query('INSERT INTO writer_probe (filler) VALUES (:x)', {
          transaction,
          replacements: { x: Buffer.alloc(64 * 1024) },
        });
        await this.options.db.sequelize.query('DELETE FROM writer_probe', { transaction });
      });
    } catch (err) {
      this.log.warn({ err: String(err) }, 'writes still suspended');
      this.scheduleProbe();
      return;
    }
    this.halted = null;
    this.log.info('writes resumed');
    this.options.bus.emit('writer.resumed', { at: this.options.clock.now() });
  }
}

interface StartRow {
  idx: number | string | null;
  leaf: Buffer | null;
  idempotency_key: string | null;
}

/** The log's tail and the stored keys among the rows of startRead. */
function startOf(rows: readonly StartRow[]): { tail: LogTail | undefined; existing: Set<string> } {
  const existing = new Set<string>();
  let tail: LogTail | undefined;
  for (const row of rows) {
    if (row.idempotency_key !== null) existing.add(row.idempotency_key);
    else if (row.idx !== null && row.leaf !== null) tail = { idx: row.idx, leaf: row.leaf };
  }
  return { tail, existing };
}

function keysOf(batch: readonly Pending[]): string[] {
  const keys: string[] = [];
  for (const { job } of batch) if (job.idempotencyKey !== undefined) keys.push(job.idempotencyKey);
  return keys;
}

function lastTsServer(leaf: Buffer): string | undefined {
  const json = leaf.toString('utf8');
  const start = json.indexOf('\n');
  const parsed = JSON.parse(json.slice(start + 1)) as { ts_server?: string };
  return parsed.ts_server;
}
