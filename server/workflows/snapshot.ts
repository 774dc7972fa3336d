import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { AccessPerson, AccessRule, ScreenedMatter } from './cabinet-access';
import type { RecordState } from './file-scan';
import type { OpenVisit } from './outcomes';
import type { RecordStatus } from '../db/models';

/**
 * The state a decision needs, read inside the writer's transaction, so it sees every change the
 * jobs before it in the same batch made.
 */
export class SnapshotReader {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly transaction: Transaction,
  ) {}

  private rows<T extends object>(sql: string, replacements: Record<string, unknown>): Promise<T[]> {
    return this.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements, transaction: this.transaction });
  }

  async personByActor(actor: string): Promise<AccessPerson | null> {
    const [p] = await this.rows<{ id: string; role: string; active: boolean | number; valid_from: string | null; valid_until: string | null; ack: number | null }>(
      `SELECT p.id, p.role, p.active, p.valid_from, p.valid_until,
              (SELECT MAX(a.version) FROM policy_acknowledgements a WHERE a.person_id = p.id) AS ack
       FROM people p WHERE p.pseudonym = :actor`,
      { actor },
    );
    if (!p) return null;
    return {
      id: p.id,
      actor,
      role: p.role,
      active: Boolean(p.active),
      validFrom: p.valid_from ? new Date(p.valid_from) : null,
      validUntil: p.valid_until ? new Date(p.valid_until) : null,
      acknowledgedPolicy: p.ack === null ? null : Number(p.ack),
    };
  }

  async currentPolicy(now: Date): Promise<number | null> {
    const [row] = await this.rows<{ v: number | null }>('SELECT MAX(version) AS v FROM policy_versions WHERE effective_at <= :now', { now: now.toISOString() });
    return row?.v === null || row?.v === undefined ? null : Number(row.v);
  }

  async rulesOf(personId: string): Promise<AccessRule[]> {
    const rows = await this.rows<{ cabinet_id: string; days: string; from_time: string | null; to_time: string | null }>(
      `SELECT r.cabinet_id, r.days, r.from_time, r.to_time FROM access_rules r
       JOIN access_group_members m ON m.group_id = r.group_id WHERE m.person_id = :personId`,
      { personId },
    );
    return rows.map((r) => ({ cabinetId: r.cabinet_id, days: r.days.split(','), from: r.from_time, to: r.to_time }));
  }

  async wallsOf(personId: string): Promise<ScreenedMatter[]> {
    return this.rows<ScreenedMatter>('SELECT client, matter FROM ethical_walls WHERE person_id = :personId', { personId });
  }

  async cabinetContents(cabinetId: string): Promise<{ client: string; matter: string }[]> {
    return this.rows(
      `SELECT DISTINCT client, matter FROM records WHERE home_cabinet_id = :cabinetId AND status NOT IN ('deposited', 'destroyed', 'returned')`,
      { cabinetId },
    );
  }

  async openVisit(cabinetId: string): Promise<OpenVisit | null> {
    const [v] = await this.rows<{ id: string; person_id: string; pseudonym: string; started_at: string; last_activity_at: string }>(
      `SELECT v.id, v.person_id, p.pseudonym, v.started_at, v.last_activity_at FROM cabinet_visits v
       JOIN people p ON p.id = v.person_id WHERE v.cabinet_id = :cabinetId AND v.ended_at IS NULL ORDER BY v.started_at DESC LIMIT 1`,
      { cabinetId },
    );
    return v
      ? { id: v.id, cabinetId, personId: v.person_id, actor: v.pseudonym, startedAt: new Date(v.started_at), lastActivityAt: new Date(v.last_activity_at) }
      : null;
  }

  /** Every open visit, by cabinet: one query for the periodic check of all cabinets. */
  async openVisits(): Promise<Map<string, OpenVisit>> {
    const rows = await this.rows<{ id: string; cabinet_id: string; person_id: string; pseudonym: string; started_at: string; last_activity_at: string }>(
      `SELECT v.id, v.cabinet_id, v.person_id, p.pseudonym, v.started_at, v.last_activity_at FROM cabinet_visits v
       JOIN people p ON p.id = v.person_id WHERE v.ended_at IS NULL ORDER BY v.started_at`,
      {},
    );
    return new Map(
      rows.map((v) => [
        v.cabinet_id,
        { id: v.id, cabinetId: v.cabinet_id, personId: v.person_id, actor: v.pseudonym, startedAt: new Date(v.started_at), lastActivityAt: new Date(v.last_activity_at) },
      ]),
    );
  }

  async recordByBarcode(barcode: string): Promise<RecordState | null> {
    const [r] = await this.rows<{
      id: string;
      barcode: string;
      client: string;
      matter: string;
      status: RecordStatus;
      custodian_person_id: string | null;
      custodian_actor: string | null;
      location_id: string | null;
      home_cabinet_id: string | null;
      legal_hold: boolean | number;
    }>(
      `SELECT r.id, r.barcode, r.client, r.matter, r.status, r.custodian_person_id, p.pseudonym AS custodian_actor,
              r.location_id, r.home_cabinet_id, r.legal_hold
       FROM records r LEFT JOIN people p ON p.id = r.custodian_person_id WHERE r.barcode = :barcode`,
      { barcode },
    );
    if (!r) return null;
    return {
      id: r.id,
      barcode: r.barcode,
      client: r.client,
      matter: r.matter,
      status: r.status,
      custodianId: r.custodian_person_id,
      custodianActor: r.custodian_actor,
      location: r.location_id,
      homeCabinetId: r.home_cabinet_id,
      legalHold: Boolean(r.legal_hold),
    };
  }
}
