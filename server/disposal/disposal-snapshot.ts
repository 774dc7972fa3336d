import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { RecordStatus } from '../db/models';
import type { BinRecord, PendingDeposit } from './bin-decisions';
import type { BatchItem } from './certification';
import type { HoldableRecord, HoldPerson, HoldScope } from './holds';
import { resolveRetentionClass, type RetentionClassDef, type RetentionFacts } from './retention';

/** Dates come back as Date (PostgreSQL) or text (SQLite, in Sequelize's or ISO form). */
export function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function asDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : asDate(value);
}

/** Booleans come back as boolean (PostgreSQL) or 0/1 (SQLite). */
export function asBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

/**
 * Whether an active hold covers the file aliased `r`: the flag, or a hold row. Reading the rows as
 * well as the flag means a file added to a held matter later is held from its first day.
 */
export const HELD_SQL = `(r.legal_hold = :yes OR EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL AND (
  (h.scope = 'record' AND h.record_id = r.id) OR
  (h.scope = 'matter' AND h.client = r.client AND h.matter = r.matter) OR
  (h.scope = 'client' AND h.client = r.client))))`;

interface RecordRow {
  id: string;
  barcode: string;
  client: string;
  matter: string;
  status: RecordStatus;
  custodian_person_id: string | null;
  custodian_actor: string | null;
  location_id: string | null;
  home_cabinet_id: string | null;
  legal_hold: unknown;
  created_at: unknown;
  retention_class: string | null;
  return_to_client: unknown;
  closed_at: unknown;
  held: unknown;
}

const RECORD_SELECT = `SELECT r.id, r.barcode, r.client, r.matter, r.status, r.custodian_person_id, p.pseudonym AS custodian_actor,
    r.location_id, r.home_cabinet_id, r.legal_hold, r.created_at, r.retention_class, r.return_to_client, m.closed_at,
    ${HELD_SQL} AS held
  FROM records r
  LEFT JOIN people p ON p.id = r.custodian_person_id
  LEFT JOIN matters m ON m.client = r.client AND m.matter = r.matter`;

/**
 * What disposal decisions need, read in the writer's transaction when there is one (so a decision
 * sees what the jobs before it in the batch wrote), or outside it for read-only queries.
 */
export class DisposalSnapshot {
  private classes: RetentionClassDef[] | null = null;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly transaction: Transaction | null = null,
  ) {}

  rows<T extends object>(sql: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
    return this.sequelize.query<T>(sql, {
      type: QueryTypes.SELECT,
      replacements: { yes: true, ...replacements },
      ...(this.transaction ? { transaction: this.transaction } : {}),
    });
  }

  async retentionClasses(): Promise<RetentionClassDef[]> {
    this.classes ??= (
      await this.rows<{ id: string; name: string; trigger: 'matter_closed' | 'created'; years: number; return_to_client: unknown }>(
        'SELECT id, name, trigger, years, return_to_client FROM retention_classes ORDER BY name',
      )
    ).map((c) => ({ id: c.id, name: c.name, trigger: c.trigger, years: Number(c.years), returnToClient: asBool(c.return_to_client) }));
    return this.classes;
  }

  private async toBinRecord(r: RecordRow): Promise<BinRecord> {
    const classes = await this.retentionClasses();
    const retention: RetentionFacts = {
      status: r.status,
      createdAt: asDate(r.created_at),
      classRef: r.retention_class,
      retentionClass: resolveRetentionClass(classes, r.retention_class),
      matterClosedAt: asDateOrNull(r.closed_at),
      returnToClient: r.return_to_client === null || r.return_to_client === undefined ? null : asBool(r.return_to_client),
      held: asBool(r.held),
    };
    return {
      record: {
        id: r.id,
        barcode: r.barcode,
        client: r.client,
        matter: r.matter,
        status: r.status,
        custodianId: r.custodian_person_id,
        custodianActor: r.custodian_actor,
        location: r.location_id,
        homeCabinetId: r.home_cabinet_id,
        legalHold: asBool(r.legal_hold),
      },
      retention,
    };
  }

  async recordByBarcode(barcode: string): Promise<BinRecord | null> {
    const [r] = await this.rows<RecordRow>(`${RECORD_SELECT} WHERE r.barcode = :barcode`, { barcode });
    return r ? this.toBinRecord(r) : null;
  }

  async recordById(id: string): Promise<BinRecord | null> {
    const [r] = await this.rows<RecordRow>(`${RECORD_SELECT} WHERE r.id = :id`, { id });
    return r ? this.toBinRecord(r) : null;
  }

  /** Files that might be eligible: in a cabinet and not held (retention is decided in code). */
  async eligibilityCandidates(): Promise<BinRecord[]> {
    const rows = await this.rows<RecordRow>(`${RECORD_SELECT} WHERE r.status = 'in' AND r.retention_class IS NOT NULL AND NOT ${HELD_SQL} ORDER BY r.barcode`);
    const out: BinRecord[] = [];
    for (const r of rows) out.push(await this.toBinRecord(r));
    return out;
  }

  /** What the vendor would take from the bin now: deposited there, not yet collected or taken back. */
  async pendingDeposits(binId: string): Promise<PendingDeposit[]> {
    const rows = await this.rows<{ record_id: string; barcode: string; held: unknown }>(
      `SELECT d.record_id, r.barcode, ${HELD_SQL} AS held FROM disposal_deposits d JOIN records r ON r.id = d.record_id
       WHERE d.bin_id = :binId AND d.batch_id IS NULL AND d.retrieved_at IS NULL AND r.status = 'deposited' ORDER BY d.deposited_at, r.barcode`,
      { binId },
    );
    return rows.map((r) => ({ recordId: r.record_id, barcode: r.barcode, held: asBool(r.held) }));
  }

  async batchItems(batchId: string): Promise<BatchItem[]> {
    const rows = await this.rows<{ record_id: string; barcode: string; status: RecordStatus; held: unknown; certificate_id: string | null }>(
      `SELECT d.record_id, r.barcode, r.status, d.certificate_id, ${HELD_SQL} AS held FROM disposal_deposits d JOIN records r ON r.id = d.record_id
       WHERE d.batch_id = :batchId AND d.retrieved_at IS NULL ORDER BY r.barcode`,
      { batchId },
    );
    return rows.map((r) => ({ recordId: r.record_id, barcode: r.barcode, status: r.status, held: asBool(r.held), certified: r.certificate_id !== null }));
  }

  async person(id: string): Promise<HoldPerson | null> {
    const [p] = await this.rows<{ id: string; pseudonym: string; role: string; active: unknown }>('SELECT id, pseudonym, role, active FROM people WHERE id = :id', { id });
    return p ? { id: p.id, actor: p.pseudonym, role: p.role, active: asBool(p.active) } : null;
  }

  /** The files a hold of this scope could cover. */
  async holdable(scope: HoldScope): Promise<HoldableRecord[]> {
    const base = 'SELECT r.id, r.barcode, r.client, r.matter, r.status FROM records r';
    switch (scope.kind) {
      case 'record':
        return this.rows<HoldableRecord>(`${base} WHERE r.id = :id`, { id: scope.recordId });
      case 'matter':
        return this.rows<HoldableRecord>(`${base} WHERE r.client = :client AND r.matter = :matter ORDER BY r.barcode`, { client: scope.client, matter: scope.matter });
      case 'client':
        return this.rows<HoldableRecord>(`${base} WHERE r.client = :client ORDER BY r.barcode`, { client: scope.client });
    }
  }

  /** Of these files, the ones an active hold other than `exceptHold` covers. */
  async heldByOtherHolds(recordIds: readonly string[], exceptHold: string): Promise<Set<string>> {
    if (recordIds.length === 0) return new Set();
    const rows = await this.rows<{ id: string }>(
      `SELECT r.id FROM records r WHERE r.id IN (:ids) AND EXISTS (SELECT 1 FROM legal_holds h WHERE h.released_at IS NULL AND h.id <> :except AND (
         (h.scope = 'record' AND h.record_id = r.id) OR
         (h.scope = 'matter' AND h.client = r.client AND h.matter = r.matter) OR
         (h.scope = 'client' AND h.client = r.client)))`,
      { ids: [...recordIds], except: exceptHold },
    );
    return new Set(rows.map((r) => r.id));
  }
}

export function scopeOfHold(row: { scope: string; record_id: string | null; client: string | null; matter: string | null }): HoldScope {
  if (row.scope === 'record') return { kind: 'record', recordId: row.record_id ?? '' };
  if (row.scope === 'matter') return { kind: 'matter', client: row.client ?? '', matter: row.matter ?? '' };
  return { kind: 'client', client: row.client ?? '' };
}
