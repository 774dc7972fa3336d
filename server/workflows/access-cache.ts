import { QueryTypes, type Sequelize } from 'sequelize';
import type { AccessPerson, AccessRule, ScreenedMatter } from './cabinet-access';

/** Log entry types after which the cached access facts may be out of date. */
const INVALIDATING = /^(person|badge|access_group|access_rule|wall|policy|record\.(imported|created)|disposal|retention|office|visitor)\./;

/** Everything a badge decision reads, for the whole office. */
interface AccessFacts {
  people: Map<string, AccessPerson>;
  rules: Map<string, AccessRule[]>;
  walls: Map<string, ScreenedMatter[]>;
  policies: { version: number; effectiveAt: Date }[];
  contents: Map<string, { client: string; matter: string }[]>;
  /** Signed-in visitors who must be escorted. */
  unescortedVisitors: number;
}

/**
 * The facts behind cabinet access decisions, held in memory so a badge read costs no queries on
 * the single writer. Any committed log entry that changes people, badges, groups, rules, walls,
 * policies or files marks them stale; the next decision reloads them at once (a few queries).
 */
export class AccessCache {
  private facts: AccessFacts | null = null;
  private loading: Promise<AccessFacts> | null = null;

  constructor(private readonly sequelize: Sequelize) {}

  /** Called with every committed leaf type (the bus's `custody.committed`). */
  noteCommitted(types: Iterable<string>): void {
    for (const type of types) {
      if (INVALIDATING.test(type)) {
        this.facts = null;
        return;
      }
    }
  }

  async person(actor: string): Promise<AccessPerson | null> {
    return (await this.load()).people.get(actor) ?? null;
  }

  async rulesOf(personId: string): Promise<AccessRule[]> {
    return (await this.load()).rules.get(personId) ?? [];
  }

  async wallsOf(personId: string): Promise<ScreenedMatter[]> {
    return (await this.load()).walls.get(personId) ?? [];
  }

  async currentPolicy(now: Date): Promise<number | null> {
    let current: number | null = null;
    for (const p of (await this.load()).policies) if (p.effectiveAt <= now && (current === null || p.version > current)) current = p.version;
    return current;
  }

  async cabinetContents(cabinetId: string): Promise<{ client: string; matter: string }[]> {
    return (await this.load()).contents.get(cabinetId) ?? [];
  }

  async unescortedVisitors(): Promise<number> {
    return (await this.load()).unescortedVisitors;
  }

  private async load(): Promise<AccessFacts> {
    if (this.facts) return this.facts;
    this.loading ??= this.read().finally(() => (this.loading = null));
    const facts = await this.loading;
    this.facts = facts;
    return facts;
  }

  private async read(): Promise<AccessFacts> {
    const q = <T extends object>(sql: string) => this.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
    const people = await q<{ id: string; pseudonym: string; role: string; active: boolean | number; valid_from: string | null; valid_until: string | null; ack: number | null }>(
      `SELECT p.id, p.pseudonym, p.role, p.active, p.valid_from, p.valid_until,
              (SELECT MAX(a.version) FROM policy_acknowledgements a WHERE a.person_id = p.id) AS ack FROM people p`,
    );
    const rules = await q<{ person_id: string; cabinet_id: string; days: string; from_time: string | null; to_time: string | null }>(
      'SELECT m.person_id, r.cabinet_id, r.days, r.from_time, r.to_time FROM access_rules r JOIN access_group_members m ON m.group_id = r.group_id',
    );
    const walls = await q<{ person_id: string; client: string; matter: string | null }>('SELECT person_id, client, matter FROM ethical_walls');
    const policies = await q<{ version: number; effective_at: string }>('SELECT version, effective_at FROM policy_versions');
    const contents = await q<{ home_cabinet_id: string; client: string; matter: string }>(
      `SELECT DISTINCT home_cabinet_id, client, matter FROM records WHERE home_cabinet_id IS NOT NULL AND status NOT IN ('deposited', 'destroyed', 'returned')`,
    );
    const [visitors] = await this.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM visits WHERE status = 'on_site' AND escort_required = :yes", {
      type: QueryTypes.SELECT,
      replacements: { yes: true },
    });
    const group = <T, V>(rows: T[], key: (r: T) => string, value: (r: T) => V) => {
      const map = new Map<string, V[]>();
      for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), value(r)]);
      return map;
    };
    return {
      people: new Map(
        people.map((p) => [
          p.pseudonym,
          {
            id: p.id,
            actor: p.pseudonym,
            role: p.role,
            active: Boolean(p.active),
            validFrom: p.valid_from ? new Date(p.valid_from) : null,
            validUntil: p.valid_until ? new Date(p.valid_until) : null,
            acknowledgedPolicy: p.ack === null ? null : Number(p.ack),
          },
        ]),
      ),
      rules: group(rules, (r) => r.person_id, (r) => ({ cabinetId: r.cabinet_id, days: r.days.split(','), from: r.from_time, to: r.to_time })),
      walls: group(walls, (w) => w.person_id, (w) => ({ client: w.client, matter: w.matter })),
      policies: policies.map((p) => ({ version: Number(p.version), effectiveAt: new Date(p.effective_at) })),
      contents: group(contents, (c) => c.home_cabinet_id, (c) => ({ client: c.client, matter: c.matter })),
      unescortedVisitors: Number(visitors?.n ?? 0),
    };
  }
}
