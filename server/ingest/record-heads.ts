import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/** The last entry of one record's chain: its record_seq and hex leaf hash. */
export interface RecordHead {
  seq: number;
  hash: string;
}

/**
 * Where each record's chain ends, so the writer can fill in record_seq and record_prev. Committed
 * heads are cached (bounded); a miss reads the log itself, which is the only source of truth.
 */
export class RecordHeads {
  private readonly cache = new Map<string, RecordHead>();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly capacity = 50_000,
  ) {}

  async get(recordId: string, transaction: Transaction): Promise<RecordHead | undefined> {
    const cached = this.cache.get(recordId);
    if (cached) return cached;
    const [row] = await this.sequelize.query<{ record_seq: number; leaf_hash: Buffer }>(
      'SELECT record_seq, leaf_hash FROM log_entries WHERE record_id = :recordId ORDER BY record_seq DESC LIMIT 1',
      { type: QueryTypes.SELECT, replacements: { recordId }, transaction },
    );
    return row ? { seq: Number(row.record_seq), hash: Buffer.from(row.leaf_hash).toString('hex') } : undefined;
  }

  clear(): void {
    this.cache.clear();
  }

  /** Called only after a commit: a rolled-back batch must leave no trace here. */
  merge(committed: Map<string, RecordHead>): void {
    for (const [recordId, head] of committed) {
      this.cache.delete(recordId);
      this.cache.set(recordId, head);
    }
    // Maps iterate in insertion order, so the first keys are the least recently written.
    for (const key of this.cache.keys()) {
      if (this.cache.size <= this.capacity) break;
      this.cache.delete(key);
    }
  }
}
