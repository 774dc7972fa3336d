import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import type { Database } from './connect';

/**
 * The writer's transaction: opened with a first read, ended with its last writes and COMMIT.
 *
 * On SQLite each round trip to SQLite's thread waits for a turn of the server thread's event
 * loop, and under a flood a turn of ingress work lasts milliseconds. Sequelize's transaction()
 * spends four: BEGIN, the first read, the writes, COMMIT. Here BEGIN and the first read are
 * queued together on the connection, and the writes and COMMIT go in one exec: two round trips.
 * The Transaction given to the jobs is Sequelize's own, bound to the writer's connection the
 * way Sequelize binds it, so models' queries with `{ transaction }` run inside it.
 */
export interface BatchTransaction {
  readonly transaction: Transaction;
  /** Runs `statements` (SQL without results) and commits; on SQLite all in one exec. */
  commit(statements: readonly string[]): Promise<void>;
  /** Undoes everything; also when the database has already rolled back by itself. */
  rollback(): Promise<void>;
}

/** The opening read in both dialects' forms: SQLite binds `?` parameters, PostgreSQL takes Sequelize replacements. */
export interface OpeningRead {
  sqlite: { sql: string; params: unknown[] };
  postgres: { sql: string; replacements?: Record<string, unknown> };
}

export async function beginBatch<Row extends object>(db: Database, read: OpeningRead): Promise<{ tx: BatchTransaction; rows: Row[] }> {
  return db.dialect === 'sqlite' ? beginSqlite<Row>(db.sequelize, read.sqlite) : beginPostgres<Row>(db.sequelize, read.postgres);
}

/** A second read inside the transaction, in the dialect's form. */
export async function readInBatch<Row extends object>(db: Database, tx: BatchTransaction, read: OpeningRead): Promise<Row[]> {
  if (db.dialect !== 'sqlite') return db.sequelize.query<Row>(read.postgres.sql, { type: QueryTypes.SELECT, transaction: tx.transaction, ...(read.postgres.replacements ? { replacements: read.postgres.replacements } : {}) });
  const conn = (tx.transaction as unknown as { connection: RawConnection }).connection;
  return new Promise<Row[]>((resolve, reject) => conn.all(read.sqlite.sql, read.sqlite.params, (err, rows) => (err ? reject(err) : resolve(rows as Row[]))));
}

interface RawConnection {
  serialize(fn: () => void): void;
  run(sql: string, callback: (err: Error | null) => void): void;
  all(sql: string, params: unknown[], callback: (err: Error | null, rows: unknown[]) => void): void;
  exec(sql: string, callback: (err: Error | null) => void): void;
  uuid?: string;
}

/** What Sequelize's Transaction keeps that prepareEnvironment, commit and rollback would set. */
interface TransactionState {
  id: string;
  connection: RawConnection;
  finished?: 'commit' | 'rollback';
  cleanup(): void;
}

async function beginSqlite<Row extends object>(sequelize: Sequelize, read: { sql: string; params: unknown[] }): Promise<{ tx: BatchTransaction; rows: Row[] }> {
  const transaction = new Transaction(sequelize, { type: Transaction.TYPES.IMMEDIATE });
  const state = transaction as unknown as TransactionState;
  // The writer's persistent connection (connect.ts), bound as Transaction.prepareEnvironment binds it.
  const manager = sequelize.connectionManager as unknown as { getConnection(options: { uuid: string }): Promise<RawConnection> };
  const conn = await manager.getConnection({ uuid: state.id });
  state.connection = conn;
  conn.uuid = state.id;
  const run = (sql: string) => new Promise<void>((resolve, reject) => conn.exec(sql, (err) => (err ? reject(err) : resolve())));
  const end = (how: 'commit' | 'rollback') => {
    state.finished = how;
    state.cleanup();
  };
  const tx: BatchTransaction = {
    transaction,
    async commit(statements) {
      // exec stops at the first failing statement, before COMMIT: the caller rolls back.
      await run([...statements, 'COMMIT'].join(';\n'));
      end('commit');
    },
    async rollback() {
      if (state.finished) return;
      try {
        await run('ROLLBACK');
      } catch (err) {
        // SQLite rolls back by itself after some errors (a full disk among them).
        if (!/no transaction is active/.test((err as Error).message)) throw err;
      } finally {
        end('rollback');
      }
    },
  };
  // Serialized, so the read runs after BEGIN on SQLite's thread; both answers come back in one turn.
  const rows = await new Promise<Row[]>((resolve, reject) => {
    let beginError: Error | null = null;
    conn.serialize(() => {
      conn.run('BEGIN IMMEDIATE', (err) => (beginError = err));
      conn.all(read.sql, read.params, (err, found) => {
        if (beginError ?? err) reject(beginError ?? err);
        else resolve(found as Row[]);
      });
    });
  }).catch(async (err: unknown) => {
    await tx.rollback().catch(() => undefined);
    throw err;
  });
  return { tx, rows };
}

async function beginPostgres<Row extends object>(sequelize: Sequelize, read: { sql: string; replacements?: Record<string, unknown> }): Promise<{ tx: BatchTransaction; rows: Row[] }> {
  const transaction = await sequelize.transaction();
  const tx: BatchTransaction = {
    transaction,
    async commit(statements) {
      for (const sql of statements) await sequelize.query(sql, { transaction });
      await transaction.commit();
    },
    async rollback() {
      if (!(transaction as unknown as TransactionState).finished) await transaction.rollback();
    },
  };
  try {
    // Appends wait for each other here; readers are never blocked.
    await sequelize.query('LOCK TABLE log_entries IN SHARE ROW EXCLUSIVE MODE', { transaction });
    const rows = await sequelize.query<Row>(read.sql, { type: QueryTypes.SELECT, transaction, ...(read.replacements ? { replacements: read.replacements } : {}) });
    return { tx, rows };
  } catch (err) {
    await tx.rollback().catch(() => undefined);
    throw err;
  }
}
