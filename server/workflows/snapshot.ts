import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { AccessPerson, ScreenedMatter } from './cabinet-access';
import type { RecordState } from './file-scan';
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

  async wallsOf(personId: string): Promise<ScreenedMatter[]> {
    return this.rows<ScreenedMatter>('SELECT client, matter FROM ethical_walls WHERE person_id = :personId', { personId });
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
