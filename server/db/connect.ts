import { Sequelize } from 'sequelize';
import type { Logger } from '../shared/logger';
import { WalCheckpointer } from './wal-checkpointer';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  sequelize: Sequelize;
  dialect: Dialect;
  /** The single writer calls this between its transactions: upkeep that must not race it (wal-checkpointer.ts). */
  betweenTransactions(): Promise<void>;
  close(): Promise<void>;
}

/** Per-connection settings the custody log's durability depends on (see shared/reference/performance.md). */
const SQLITE_CONNECTION_PRAGMAS = [
  'PRAGMA synchronous=FULL',
  'PRAGMA foreign_keys=ON',
  'PRAGMA busy_timeout=10000',
  'PRAGMA cache_size=-32000',
  // Deleted rows (purged visitor data, expired sessions) are overwritten, not just unlinked.
  'PRAGMA secure_delete=ON',
];

interface RawSqliteConnection {
  run(sql: string, cb: (err: Error | null) => void): void;
  safekeepReady?: boolean;
  safekeepWriter?: boolean;
  /** Statements the writer keeps prepared on its connection (batch-transaction.ts); finalized before closing. */
  safekeepStatements?: Map<string, { finalize(cb: (err: Error | null) => void): void }>;
}

function runRaw(conn: RawSqliteConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => conn.run(sql, (err) => (err ? reject(err) : resolve())));
}

/**
 * Sequelize's sqlite dialect opens (and afterwards closes) a new connection for every transaction
 * and offers no hook. That costs 1-2 ms per commit, and PRAGMAs such as synchronous=FULL would
 * silently fall back to the library default there. So: every connection is set up before its first
 * statement, and transactions share one persistent connection. That is safe because only the
 * CustodyWriter opens transactions, strictly one after another (server/ARCHITECTURE.md).
 */
function setUpSqliteConnections(sequelize: Sequelize, writerPragmas: readonly string[]): { finalizeStatements(): Promise<void> } {
  const manager = sequelize.connectionManager as unknown as {
    getConnection(options?: { uuid?: string }): Promise<RawSqliteConnection>;
    releaseConnection(connection: RawSqliteConnection, force?: boolean): void;
    connections: Record<string, RawSqliteConnection>;
  };
  const open = manager.getConnection.bind(manager);
  const release = manager.releaseConnection.bind(manager);
  let writer: RawSqliteConnection | null = null;
  manager.getConnection = async (options?: { uuid?: string }) => {
    const inTransaction = options?.uuid !== undefined && options.uuid !== 'default';
    if (inTransaction && writer) return writer;
    const conn = await open(inTransaction ? { ...options, uuid: 'writer' } : options);
    if (!conn.safekeepReady) {
      for (const pragma of SQLITE_CONNECTION_PRAGMAS) await runRaw(conn, pragma);
      conn.safekeepReady = true;
    }
    if (inTransaction) {
      for (const pragma of writerPragmas) await runRaw(conn, pragma);
      conn.safekeepWriter = true;
      writer = conn;
    }
    return conn;
  };
  manager.releaseConnection = (connection, force) => {
    // The writer's connection outlives each transaction; it closes with the database.
    if (connection.safekeepWriter && force !== true) return;
    release(connection, force);
  };
  return {
    // SQLite refuses to close a connection with statements still prepared on it.
    async finalizeStatements() {
      const statements = [...(writer?.safekeepStatements?.values() ?? [])];
      writer?.safekeepStatements?.clear();
      await Promise.all(statements.map((statement) => new Promise<void>((resolve) => statement.finalize(() => resolve()))));
    },
  };
}

export function dialectOf(url: string): Dialect {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  throw new Error(`DATABASE_URL: unsupported database "${url.split(':')[0]}" (use sqlite: or postgres://)`);
}

/** Path of the SQLite file in a `sqlite:` URL (sqlite:/abs/path, sqlite:relative, sqlite:///abs/path). */
export function sqlitePathOf(url: string): string {
  const rest = url.slice('sqlite:'.length);
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

/**
 * `walCheckpointMs` (SQLite): the writer's commits no longer checkpoint the write-ahead log
 * themselves; a connection of its own does, this often (wal-checkpointer.ts). For long-running
 * servers; a short command keeps SQLite's automatic checkpoint.
 */
export async function openDatabase(config: { url: string; walCheckpointMs?: number; maxWalBytes?: number }, logger: Logger): Promise<Database> {
  const url = config.url;
  const dialect = dialectOf(url);
  const log = logger.child({ component: 'db' });
  const logging = (sql: string) => log.debug({ sql: sql.slice(0, 200) }, 'sql');
  const sequelize =
    dialect === 'sqlite'
      ? new Sequelize({ dialect: 'sqlite', storage: sqlitePathOf(url), logging, define: { underscored: true } })
      : new Sequelize(url, {
          dialect: 'postgres',
          logging,
          define: { underscored: true },
          pool: { max: 10 },
          // Durability must not depend on the server's default: every pooled connection commits synchronously.
          dialectOptions: { options: '-c synchronous_commit=on' },
        });
  const background = dialect === 'sqlite' && config.walCheckpointMs ? new WalCheckpointer({ path: sqlitePathOf(url), intervalMs: config.walCheckpointMs, logger: log, ...(config.maxWalBytes ? { maxWalBytes: config.maxWalBytes } : {}) }) : null;
  let statements: { finalizeStatements(): Promise<void> } | null = null;
  if (dialect === 'sqlite') {
    statements = setUpSqliteConnections(sequelize, background ? ['PRAGMA wal_autocheckpoint=0'] : []);
    // WAL is a property of the file, set once; it lets readers run beside the single writer.
    await sequelize.query('PRAGMA journal_mode=WAL');
  }
  await sequelize.authenticate();
  await background?.start();
  return {
    sequelize,
    dialect,
    betweenTransactions: async () => {
      await background?.truncateIfLarge();
    },
    close: async () => {
      await background?.stop();
      await statements?.finalizeStatements();
      await sequelize.close();
    },
  };
}
