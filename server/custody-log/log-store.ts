import { QueryTypes, type Sequelize } from 'sequelize';
import type { LeafHashSource } from './tree';

export interface LogRow {
  idx: number;
  leaf: Buffer;
  leaf_hash: Buffer;
  record_id: string | null;
  record_seq: number | null;
}

export interface CheckpointRow {
  tree_size: number;
  root_hash: Buffer;
  note: string;
  created_at: Date;
}

/** PostgreSQL returns BIGINT as text and BYTEA as Buffer; SQLite returns numbers and Buffers. */
function toRow(r: Record<string, unknown>): LogRow {
  return {
    idx: Number(r.idx),
    leaf: Buffer.from(r.leaf as Uint8Array),
    leaf_hash: Buffer.from(r.leaf_hash as Uint8Array),
    record_id: (r.record_id as string | null) ?? null,
    record_seq: r.record_seq === null || r.record_seq === undefined ? null : Number(r.record_seq),
  };
}

/**
 * The same bytes as a Buffer without copying them: both drivers already hand out a fresh Buffer
 * per value (sqlite3 copies each BLOB out of SQLite, pg decodes each BYTEA into a new one), so
 * nothing else holds on to it.
 */
function bufferView(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const bytes = value as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** toRow without the copies: for pages(), whose consumers read millions of rows. */
function toPageRow(r: Record<string, unknown>): LogRow {
  const idx = r.idx;
  const seq = r.record_seq;
  return {
    idx: typeof idx === 'number' ? idx : Number(idx),
    leaf: bufferView(r.leaf),
    leaf_hash: bufferView(r.leaf_hash),
    record_id: (r.record_id as string | null) ?? null,
    record_seq: seq === null || seq === undefined ? null : Number(seq),
  };
}

/** Read access to the stored custody log. Writes go only through the CustodyWriter. */
export class LogStore implements LeafHashSource {
  constructor(private readonly sequelize: Sequelize) {}

  async size(): Promise<number> {
    const [row] = await this.sequelize.query<{ n: number | string | null }>('SELECT MAX(idx) AS n FROM log_entries', {
      type: QueryTypes.SELECT,
    });
    return row?.n === null || row?.n === undefined ? 0 : Number(row.n) + 1;
  }

  async leafHashes(start: number, end: number): Promise<Buffer[]> {
    const rows = await this.sequelize.query<{ idx: number | string; leaf_hash: Uint8Array }>(
      'SELECT idx, leaf_hash FROM log_entries WHERE idx >= :start AND idx < :end ORDER BY idx',
      { type: QueryTypes.SELECT, replacements: { start, end } },
    );
    if (rows.length !== end - start || rows.some((r, i) => Number(r.idx) !== start + i)) {
      throw new Error(`custody log entries ${start}..${end - 1} are not all present`);
    }
    return rows.map((r) => Buffer.from(r.leaf_hash));
  }

  /**
   * Every row in stored order, a page at a time, without trusting idx to be gapless. The next
   * page is already being read while the caller works on the current one, so a consumer that
   * spends CPU on each page (verifyLog) overlaps it with the database's own work.
   */
  async *pages(pageSize = 10_000): AsyncGenerator<LogRow[]> {
    const read = (after: number) =>
      this.sequelize.query<Record<string, unknown>>(
        `SELECT idx, leaf, leaf_hash, record_id, record_seq FROM log_entries WHERE idx > :after ORDER BY idx LIMIT ${pageSize}`,
        { type: QueryTypes.SELECT, replacements: { after } },
      );
    let next: Promise<Record<string, unknown>[]> | null = read(-1);
    try {
      while (next) {
        const rows: Record<string, unknown>[] = await next;
        next = null;
        if (rows.length === 0) return;
        const page = rows.map(toPageRow);
        next = read(page[page.length - 1]!.idx);
        yield page;
      }
    } finally {
      // The consumer stopped early (a tampered entry, an error): let the read in flight finish
      // rather than leave it running into a closing database; its outcome no longer matters.
      if (next) await next.catch(() => undefined);
    }
  }

  async entriesOfRecord(recordId: string): Promise<LogRow[]> {
    const rows = await this.sequelize.query<Record<string, unknown>>(
      'SELECT idx, leaf, leaf_hash, record_id, record_seq FROM log_entries WHERE record_id = :recordId ORDER BY idx',
      { type: QueryTypes.SELECT, replacements: { recordId } },
    );
    return rows.map(toRow);
  }

  async checkpoints(): Promise<CheckpointRow[]> {
    const rows = await this.sequelize.query<Record<string, unknown>>(
      'SELECT tree_size, root_hash, note, created_at FROM checkpoints ORDER BY tree_size',
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => ({
      tree_size: Number(r.tree_size),
      root_hash: Buffer.from(r.root_hash as Uint8Array),
      note: String(r.note),
      created_at: new Date(r.created_at as string),
    }));
  }

  async latestCheckpoint(): Promise<CheckpointRow | null> {
    const rows = await this.sequelize.query<Record<string, unknown>>(
      'SELECT tree_size, root_hash, note, created_at FROM checkpoints ORDER BY tree_size DESC LIMIT 1',
      { type: QueryTypes.SELECT },
    );
    const r = rows[0];
    if (!r) return null;
    return {
      tree_size: Number(r.tree_size),
      root_hash: Buffer.from(r.root_hash as Uint8Array),
      note: String(r.note),
      created_at: new Date(r.created_at as string),
    };
  }

  async insertCheckpoint(size: number, root: Buffer, note: string, at: Date): Promise<void> {
    // Ed25519 signatures are deterministic: the same size always yields the same note, so a
    // checkpoint signed twice (server and CLI at once) is the same row and the second is dropped.
    await this.sequelize.query(
      'INSERT INTO checkpoints (tree_size, root_hash, note, created_at) VALUES (:size, :root, :note, :at) ON CONFLICT (tree_size) DO NOTHING',
      { replacements: { size, root, note, at: at.toISOString() } },
    );
  }
}
