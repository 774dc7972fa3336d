import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import type { Database } from './connect';

/**
 * The writer's transaction: opened with a first read, ended with its last writes and COMMIT.
 *
 * On SQLite each round trip to SQLite's thread waits for a turn of the server thread's event
 * loop, and under a flood a turn of ingress work lasts milliseconds. Sequelize's transaction()
 * spends at least six (node-sqlite3 prepares each statement in a round trip of its own before
 * running it): BEGIN, the first read, the writes, COMMIT. Here BEGIN and the first read, a
 * statement kept prepared, go to SQLite together, and the writes and COMMIT go in one exec:
 * two round trips.
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
  const conn = sqliteConnectionOf(db.sequelize, tx.transaction);
  if (!conn) return db.sequelize.query<Row>(read.postgres.sql, { type: QueryTypes.SELECT, transaction: tx.transaction, ...(read.postgres.replacements ? { replacements: read.postgres.replacements } : {}) });
  return allRows<Row>(conn, read.sqlite.sql, read.sqlite.params);
}

/** The node-sqlite3 connection a transaction runs on; undefined on PostgreSQL. */
export function sqliteConnectionOf(sequelize: Sequelize, transaction: Transaction): RawConnection | undefined {
  return sequelize.getDialect() === 'sqlite' ? (transaction as unknown as { connection?: RawConnection }).connection : undefined;
}

interface RawStatement {
  all(params: unknown[], callback: (err: Error | null, rows: unknown[]) => void): void;
  finalize(callback: (err: Error | null) => void): void;
}

export interface RawConnection {
  prepare(sql: string): RawStatement;
  exec(sql: string, callback: (err: Error | null) => void): void;
  uuid?: string;
  /** Kept by the connection's owner, which finalizes them before closing it (connect.ts). */
  safekeepStatements?: Map<string, RawStatement>;
}

/**
 * The statement for `sql`, prepared once on the writer's connection: node-sqlite3 prepares a
 * statement in a round trip of its own before running it. The writer uses a handful of texts.
 */
function prepared(conn: RawConnection, sql: string): RawStatement {
  const cache = (conn.safekeepStatements ??= new Map());
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = conn.prepare(sql)));
  return statement;
}

function allRows<Row>(conn: RawConnection, sql: string, params: unknown[]): Promise<Row[]> {
  return new Promise<Row[]>((resolve, reject) => prepared(conn, sql).all(params, (err, rows) => (err ? reject(err) : resolve(rows as Row[]))));
}

/** What Sequelize's Transaction keeps that prepareEnvironment, commit and rollback would set. */
interface TransactionState {
  id: string;
  connection: RawConnection;
  finished?: 'commit' | 'rollback';
  cleanup(): void;
}

async function beginSqlite<Row extends object>(sequelize: Sequelize, first: { sql: string; params: unknown[] }): Promise<{ tx: BatchTransaction; rows: Row[] }> {
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
  // BEGIN and the read go to SQLite's threads together and both answer in one turn of this
  // thread's event loop; in node-sqlite3's serialized mode each waited for its own turn. So the
  // read may run just before BEGIN takes the write lock. Nothing it reads can change in between
  // but by another process appending to the log (only this writer stores device reads), and then
  // this batch's first leaf takes an index that process has taken (log_entries.idx is the primary
  // key): the batch fails, and each of its jobs is retried alone, reading the log's end again.
  // IMMEDIATE takes the write lock up front, so a second process (a CLI checkpoint) waits for it instead of failing.
  const begun = run('BEGIN IMMEDIATE');
  const read = allRows<Row>(conn, first.sql, first.params);
  const [began, rows] = await Promise.allSettled([begun, read]);
  if (began.status === 'rejected' || rows.status === 'rejected') {
    await tx.rollback().catch(() => undefined);
    throw began.status === 'rejected' ? began.reason : (rows as PromiseRejectedResult).reason;
  }
  return { tx, rows: rows.value };
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
