import sqlite3 from 'sqlite3';
import type { Logger } from '../shared/logger';

/**
 * Copies the SQLite write-ahead log back into the database file from a connection of its own.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold, so under a
 * steady stream of reads the writer stalled for a checkpoint (tens to hundreds of ms, fsync of the
 * database file included) about once a second, and every read behind it waited. With the writer's
 * automatic checkpoint turned off, this connection does the same work beside it: a PASSIVE
 * checkpoint never waits for the writer or for readers, and durability is untouched (a commit is
 * durable once its WAL frames are synced, before any checkpoint).
 */
export class WalCheckpointer {
  private db: sqlite3.Database | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: { path: string; intervalMs: number; logger: Logger },
  ) {}

  async start(): Promise<void> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(this.deps.path, (err) => (err ? reject(err) : resolve(opened)));
    });
    this.db = db;
    await this.run('PRAGMA busy_timeout=10000');
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

  private run(sql: string): Promise<void> {
    const db = this.db;
    if (!db) return Promise.resolve();
    return new Promise((resolve, reject) => db.run(sql, (err) => (err ? reject(err) : resolve())));
  }
}
