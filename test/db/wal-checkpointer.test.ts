import { afterEach, describe, expect, it } from 'vitest';
import { QueryTypes, Transaction } from 'sequelize';
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import { openDatabase, sqlitePathOf, type Database } from '../../server/db/connect';
import { migrate } from '../../server/db/migrate';
import { silentLogger } from '../../server/shared/logger';
import { freshDatabase } from '../support/databases';

/** NOOP reports the log's frames and how many are already copied, without copying any itself. */
const walState = async (db: Database) => {
  const [row] = await db.sequelize.query<{ busy: number; log: number; checkpointed: number }>('PRAGMA wal_checkpoint(NOOP)', { type: QueryTypes.SELECT });
  return row!;
};

describe('write-ahead log checkpoints beside the writer (SQLite)', () => {
  let db: Database | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  async function writeSome(target: Database, rows: number): Promise<void> {
    await target.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
      for (let i = 0; i < rows; i++) await target.sequelize.query('INSERT INTO writer_probe (filler) VALUES (:x)', { replacements: { x: Buffer.alloc(2048, i) }, transaction });
    });
  }

  it("turns the writer's own checkpoints off and copies the log back from its own connection", async () => {
    const fresh = await freshDatabase('sqlite');
    db = await openDatabase({ url: fresh.url, walCheckpointMs: 50 }, silentLogger);
    await migrate(db.sequelize, silentLogger);
    const autocheckpoint = await db.sequelize.transaction(async (transaction) =>
      db!.sequelize.query<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint', { type: QueryTypes.SELECT, transaction }),
    );
    expect(autocheckpoint[0]!.wal_autocheckpoint).toBe(0);
    // Far below SQLite's automatic threshold (1,000 pages): only the background checkpointer copies these.
    await writeSome(db, 50);
    await expect.poll(async () => { const s = await walState(db!); return s.log > 0 && s.checkpointed === s.log; }, { timeout: 5000 }).toBe(true);
  });

  it('keeps the log short under a writer that never pauses: between its transactions, a long log is emptied', async () => {
    const fresh = await freshDatabase('sqlite');
    db = await openDatabase({ url: fresh.url, walCheckpointMs: 20, maxWalBytes: 1024 * 1024 }, silentLogger);
    await migrate(db.sequelize, silentLogger);
    const walBytes = () => statSync(`${sqlitePathOf(fresh.url)}-wal`).size;
    let largest = 0;
    // 6 MB through the log, back to back, as the writer does under a flood.
    for (let i = 0; i < 60; i++) {
      await writeSome(db, 50);
      await db.betweenTransactions();
      largest = Math.max(largest, walBytes());
    }
    // At most the limit plus one transaction's frames (50 rows of 2 KB, with their pages).
    expect(largest).toBeLessThan(1024 * 1024 + 400 * 1024);
    const [{ n }] = (await db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM writer_probe', { type: QueryTypes.SELECT })) as [{ n: number }];
    expect(Number(n)).toBe(60 * 50);
  });

  it('does not hold the writer up while a reader stays inside the log: it gives up at once and tries later', async () => {
    const fresh = await freshDatabase('sqlite');
    db = await openDatabase({ url: fresh.url, walCheckpointMs: 20, maxWalBytes: 256 * 1024 }, silentLogger);
    await migrate(db.sequelize, silentLogger);
    await writeSome(db, 200);
    // A long report or a backup: a read transaction on a connection of its own.
    const reader = new sqlite3.Database(sqlitePathOf(fresh.url));
    const all = (sql: string) => new Promise<unknown[]>((resolve, reject) => reader.all(sql, (err, rows) => (err ? reject(err) : resolve(rows))));
    try {
      await all('BEGIN');
      await all('SELECT COUNT(*) FROM writer_probe');
      await writeSome(db, 200);
      const started = performance.now();
      await db.betweenTransactions();
      expect(performance.now() - started).toBeLessThan(1000);
      // The writer goes on; the log is emptied once the reader has left (the next try, seconds later).
      await writeSome(db, 10);
    } finally {
      await all('COMMIT').catch(() => undefined);
      await new Promise<void>((resolve) => reader.close(() => resolve()));
    }
  });

  it('leaves SQLite\'s automatic checkpoints on when not asked', async () => {
    const fresh = await freshDatabase('sqlite');
    db = await openDatabase({ url: fresh.url }, silentLogger);
    await migrate(db.sequelize, silentLogger);
    const autocheckpoint = await db.sequelize.transaction(async (transaction) =>
      db!.sequelize.query<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint', { type: QueryTypes.SELECT, transaction }),
    );
    expect(autocheckpoint[0]!.wal_autocheckpoint).toBe(1000);
  });
});
