import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import type { Logger } from '../shared/logger';

/** Past this the writer empties the log between two transactions: a few seconds of a flood. */
const DEFAULT_MAX_WAL_BYTES = 64 * 1024 * 1024;
const BUSY_TIMEOUT_MS = 10_000;
/** How long an emptying waits for readers to leave the log, and when it tries again if they don't. */
const TRUNCATE_BUSY_MS = 20;
const TRUNCATE_RETRY_MS = 5_000;

/**
 * Copies the SQLite write-ahead log back into the database file from a connection of its own.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold, so under a
 * steady stream of reads the writer stalled for a checkpoint (tens to hundreds of ms, fsync of the
 * database file included) about once a second, and every read behind it waited. With the writer's
 * automatic checkpoint turned off, this connection does the same work beside it: a PASSIVE
 * checkpoint never waits for the writer or for readers, and durability is untouched (a commit is
 * durable once its WAL frames are synced, before any checkpoint).
 *
 * A PASSIVE checkpoint never restarts the log, though: SQLite starts it over only when a write
 * begins after every frame was copied, and a writer that never pauses (a flood of reads) always
 * adds frames first. In the bench the log grew to 540 MB in 15 s and stayed that size. So between
 * two of its transactions the writer asks truncateIfLarge(): past `maxWalBytes`, a TRUNCATE
 * checkpoint copies what is left (little: the PASSIVE ones did the rest), empties the log and
 * shortens the file, while the writer waits for it instead of racing it.
 */
export class WalCheckpointer {
  private db: sqlite3.Database | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private truncateAgainAt = 0;

  constructor(
    private readonly deps: { path: string; intervalMs: number; logger: Logger; maxWalBytes?: number },
  ) {}

  /** Called by the writer between transactions. */
  async truncateIfLarge(): Promise<void> {
    if (!this.db || performance.now() < this.truncateAgainAt || this.walBytes() <= (this.deps.maxWalBytes ?? DEFAULT_MAX_WAL_BYTES)) return;
    while (this.running) await this.running;
    this.running = this.truncate().finally(() => (this.running = null));
    await this.running;
  }

  /**
   * A reader still inside the log (a long report, a backup) makes TRUNCATE wait for it, and the
   * writer waits behind: so it gives up almost at once and the next try is a while later. The
   * PASSIVE checkpoints go on meanwhile.
   */
  private async truncate(): Promise<void> {
    try {
      await this.run(`PRAGMA busy_timeout=${TRUNCATE_BUSY_MS}`);
      const row = await this.get<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)');
      if (row?.busy !== 0) this.truncateAgainAt = performance.now() + TRUNCATE_RETRY_MS;
    } catch (err) {
      this.deps.logger.warn({ err: String(err) }, 'emptying the write-ahead log failed; trying again later');
      this.truncateAgainAt = performance.now() + TRUNCATE_RETRY_MS;
    } finally {
      await this.run(`PRAGMA busy_timeout=${BUSY_TIMEOUT_MS}`).catch(() => undefined);
    }
  }

  private walBytes(): number {
    try {
      return statSync(`${this.deps.path}-wal`).size;
    } catch {
      return 0;
    }
  }

  async start(): Promise<void> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(this.deps.path, (err) => (err ? reject(err) : resolve(opened)));
    });
    this.db = db;
    await this.run(`PRAGMA busy_timeout=${BUSY_TIMEOUT_MS}`);
    // The checkpoint writes the database file: sync it as fully as the writer syncs the log.
    await this.run('PRAGMA synchronous=FULL');
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.checkpoint('PASSIVE').finally(() => (this.running = null));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer, then folds the whole log back into the database file once more. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    if (!this.db) return;
    await this.checkpoint('PASSIVE');
    const db = this.db;
    this.db = null;
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }

  private async checkpoint(mode: 'PASSIVE'): Promise<void> {
    try {
      await this.run(`PRAGMA wal_checkpoint(${mode})`);
    } catch (err) {
      this.deps.logger.warn({ err: String(err) }, 'wal checkpoint failed; retrying at the next interval');
    }
  }

  private get<T>(sql: string): Promise<T | undefined> {
    const db = this.db;
    if (!db) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => db.get(sql, (err: Error | null, row: T) => (err ? reject(err) : resolve(row))));
  }

  private run(sql: string): Promise<void> {
    const db = this.db;
    if (!db) return Promise.resolve();
    return new Promise((resolve, reject) => db.run(sql, (err) => (err ? reject(err) : resolve())));
  }
}
