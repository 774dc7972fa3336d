import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
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
 * One page of pages(), read as a single row: every entry's leaf_hash || leaf concatenated into one
 * value, and the per-entry columns (with both lengths) as one JSON array. Row by row, each BLOB
 * would cost the driver a Buffer of its own and each row an object: that was more than half the
 * CPU time of `log verify`. || and the aggregates join BLOB/BYTEA values byte for byte (SQLite
 * yields TEXT of the same bytes, hence the casts). Neither database promises that an aggregate
 * sees the subquery's rows in its order, so the rows are sorted by idx afterwards when they are not.
 */
function pageQuery(dialect: string): string {
  const page = 'SELECT idx, leaf, leaf_hash, record_id, record_seq FROM log_entries WHERE idx > :after ORDER BY idx LIMIT :limit';
  if (dialect === 'postgres') {
    return `SELECT count(*) AS n, string_agg(leaf_hash || leaf, ''::bytea) AS bytes,
      json_agg(json_build_array(idx, length(leaf_hash), length(leaf), record_id, record_seq))::text AS entries
      FROM (${page}) AS page`;
  }
  return `SELECT count(*) AS n, CAST(group_concat(CAST(leaf_hash || leaf AS BLOB), '') AS BLOB) AS bytes,
    json_group_array(json_array(idx, length(CAST(leaf_hash AS BLOB)), length(CAST(leaf AS BLOB)), record_id, record_seq)) AS entries
    FROM (${page})`;
}

type PageEntry = [idx: number, hashLength: number | null, leafLength: number | null, recordId: string | null, recordSeq: number | string | null];

/** Bytes of leaves (and hashes) per page, roughly: the pages stay far below the 1 GB a value may hold. */
const PAGE_BYTES = 16 * 1024 * 1024;

/** The rows of a pageQuery() result. leaf and leaf_hash are views into the one value read, not copies. */
function pageRows(result: Record<string, unknown> | undefined): { rows: LogRow[]; bytes: number } {
  if (!result || Number(result.n) === 0) return { rows: [], bytes: 0 };
  const raw = result.bytes as Uint8Array | null;
  const bytes = raw === null ? Buffer.alloc(0) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const entries = JSON.parse(String(result.entries)) as PageEntry[];
  const rows = new Array<LogRow>(entries.length);
  let at = 0;
  let ordered = true;
  for (let i = 0; i < entries.length; i++) {
    const [idx, hashLength, leafLength, recordId, recordSeq] = entries[i]!;
    // A NULL column (only possible if the schema was altered) makes the concatenation NULL, which
    // the aggregate skips: the row then reads as empty and fails its hash check.
    const hashEnd = hashLength === null || leafLength === null ? at : at + hashLength;
    const leafEnd = hashLength === null || leafLength === null ? at : hashEnd + leafLength;
    rows[i] = {
      idx: Number(idx),
      leaf: bytes.subarray(hashEnd, leafEnd),
      leaf_hash: bytes.subarray(at, hashEnd),
      record_id: recordId ?? null,
      record_seq: recordSeq === null ? null : Number(recordSeq),
    };
    at = leafEnd;
    if (i > 0 && !(rows[i]!.idx > rows[i - 1]!.idx)) ordered = false;
  }
  if (at !== bytes.length) throw new Error('custody log: a page of entries did not come back byte for byte');
  if (!ordered) rows.sort((a, b) => a.idx - b.idx);
  return { rows, bytes: at };
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
   * spends CPU on each page (verifyLog) overlaps it with the database's own work. The leaf and
   * leaf_hash Buffers of a page are views into one buffer: copy the few you keep for long.
   */
  async *pages(pageSize = 10_000): AsyncGenerator<LogRow[]> {
    const sql = pageQuery(this.sequelize.getDialect());
    const read = async (after: number, limit: number) =>
      pageRows((await this.sequelize.query<Record<string, unknown>>(sql, { type: QueryTypes.SELECT, replacements: { after, limit } }))[0]);
    // A short first page sizes the rest: as many rows as fit in PAGE_BYTES, at most pageSize.
    let next: Promise<{ rows: LogRow[]; bytes: number }> | null = read(-1, Math.min(pageSize, 1_000));
    try {
      while (next) {
        const { rows: page, bytes } = await next;
        next = null;
        if (page.length === 0) return;
        const limit = Math.max(1, Math.min(pageSize, Math.floor(PAGE_BYTES / Math.max(1, bytes / page.length))));
        next = read(page[page.length - 1]!.idx, limit);
        // Sequelize sends a query only after a few event-loop turns: give it one now, or a caller
        // that works on this page without awaiting anything holds the read back until it is done.
        await new Promise<void>((resolve) => setImmediate(resolve));
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

  /**
   * Stores a checkpoint only if the latest stored one is still `previousSize` (null: none), the one
   * its consistency proof started from; returns whether `note` is now the checkpoint of `size`.
   * A checkpoint signed by another process meanwhile (say a key rotation's transition) must not be
   * followed by one that never checked against it: one statement, so the check and the insert
   * cannot be split by another writer.
   */
  async insertCheckpointAfter(previousSize: number | null, size: number, root: Buffer, note: string, at: Date, transaction?: Transaction): Promise<boolean> {
    const pg = this.sequelize.getDialect() === 'postgres';
    // PostgreSQL types a SELECT list's bare parameters as text; SQLite would give BYTEA numeric affinity.
    const values = pg ? 'CAST(:size AS BIGINT), CAST(:root AS BYTEA), CAST(:note AS TEXT), CAST(:at AS TIMESTAMPTZ)' : ':size, :root, :note, :at';
    await this.sequelize.query(
      `INSERT INTO checkpoints (tree_size, root_hash, note, created_at)
       SELECT ${values} WHERE COALESCE((SELECT MAX(tree_size) FROM checkpoints), -1) = :previous
       ON CONFLICT (tree_size) DO NOTHING`,
      { replacements: { size, root, note, at: at.toISOString(), previous: previousSize ?? -1 }, ...(transaction ? { transaction } : {}) },
    );
    const [row] = await this.sequelize.query<{ note: string }>('SELECT note FROM checkpoints WHERE tree_size = :size', {
      type: QueryTypes.SELECT,
      replacements: { size },
      ...(transaction ? { transaction } : {}),
    });
    return row?.note === note;
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
