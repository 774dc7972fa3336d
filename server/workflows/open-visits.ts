import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { OpenVisit } from './outcomes';

/**
 * Which cabinet has an open visit, in memory: door and lock events ask this for every read. The
 * database stays the record; jobs change an overlay of their transaction, which joins the committed
 * view only when that transaction commits, so a rolled-back job leaves no trace here.
 */
export class OpenVisits {
  private committed: Map<string, OpenVisit> | null = null;
  private loading: Promise<Map<string, OpenVisit>> | null = null;
  private readonly overlays = new WeakMap<Transaction, Map<string, OpenVisit | null>>();

  constructor(private readonly sequelize: Sequelize) {}

  async get(cabinetId: string, transaction: Transaction): Promise<OpenVisit | null> {
    const overlay = this.overlays.get(transaction);
    if (overlay?.has(cabinetId)) return overlay.get(cabinetId) ?? null;
    return (await this.load()).get(cabinetId) ?? null;
  }

  /** Every open visit as this transaction sees it. */
  async all(transaction: Transaction): Promise<Map<string, OpenVisit>> {
    const view = new Map(await this.load());
    for (const [cabinetId, visit] of this.overlays.get(transaction) ?? []) {
      if (visit) view.set(cabinetId, visit);
      else view.delete(cabinetId);
    }
    return view;
  }

  set(transaction: Transaction, cabinetId: string, visit: OpenVisit | null): void {
    const overlay = this.overlays.get(transaction) ?? new Map<string, OpenVisit | null>();
    overlay.set(cabinetId, visit);
    this.overlays.set(transaction, overlay);
  }

  /** After the transaction committed: its changes are now what everyone sees. */
  committedIn(transaction: Transaction): void {
    const overlay = this.overlays.get(transaction);
    if (!overlay || !this.committed) return;
    for (const [cabinetId, visit] of overlay) {
      if (visit) this.committed.set(cabinetId, visit);
      else this.committed.delete(cabinetId);
    }
    this.overlays.delete(transaction);
  }

  private async load(): Promise<Map<string, OpenVisit>> {
    if (this.committed) return this.committed;
    this.loading ??= this.read();
    this.committed = await this.loading;
    return this.committed;
  }

  private async read(): Promise<Map<string, OpenVisit>> {
    const rows = await this.sequelize.query<{ id: string; cabinet_id: string; person_id: string; pseudonym: string; started_at: string; last_activity_at: string }>(
      `SELECT v.id, v.cabinet_id, v.person_id, p.pseudonym, v.started_at, v.last_activity_at FROM cabinet_visits v
       JOIN people p ON p.id = v.person_id WHERE v.ended_at IS NULL ORDER BY v.started_at`,
      { type: QueryTypes.SELECT },
    );
    return new Map(
      rows.map((v) => [
        v.cabinet_id,
        { id: v.id, cabinetId: v.cabinet_id, personId: v.person_id, actor: v.pseudonym, startedAt: new Date(v.started_at), lastActivityAt: new Date(v.last_activity_at) },
      ]),
    );
  }
}
