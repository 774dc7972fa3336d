import { QueryTypes } from 'sequelize';
import { Person } from '../db/models';
import { DisposalService, binsOf } from '../disposal/disposal-service';
import { visitorsOf } from '../visitors/visitors-module';
import type { Services } from '../services';

const VISITORS = [
  { name: 'Jordan Blake', company: 'Northwind Couriers', purpose: 'Document pickup' },
  { name: 'Amira Haddad', company: 'Castellan Foods', purpose: 'Meeting about the lease' },
  { name: 'Leo Fischer', company: 'Secure Shred Co.', purpose: 'Shredding collection' },
  { name: 'Yuki Tanaka', company: 'Tanaka Consulting', purpose: 'IT maintenance' },
];

const NDA_TEXT = 'I will keep confidential anything I see or hear about the firm’s clients during my visit.';

/**
 * What the demo needs besides people and files: retention rules with some matters long closed (so
 * some files may be shredded), a matter under legal hold (so the bin refuses its files), and an NDA.
 */
export async function seedDemoWorkflows(s: Services, clients: readonly string[]): Promise<void> {
  const disposal = new DisposalService({ writer: s.writer, bus: s.bus, sequelize: s.db.sequelize, clock: s.clock, dataDir: s.dataDir, actor: 'system:demo', findBin: binsOf(s.directory) });
  await disposal.createClass({ name: 'closed+7y', trigger: 'matter_closed', years: 7, return_to_client: false });
  await disposal.createClass({ name: 'active', trigger: 'matter_closed', years: 10, return_to_client: false });
  const [manager, partner] = await Person.findAll({ where: { role: 'manager' }, order: [['name', 'ASC']] });
  const closed = '2016-06-30T17:00:00Z';
  for (const client of clients.slice(0, 5)) {
    const matters = await s.db.sequelize.query<{ matter: string }>('SELECT DISTINCT matter FROM records WHERE client = :client', { replacements: { client }, type: QueryTypes.SELECT });
    for (const { matter } of matters.slice(0, 8)) await disposal.upsertMatter({ client, matter, closed_at: closed });
  }
  const [held] = await s.db.sequelize.query<{ client: string; matter: string }>("SELECT client, matter FROM records WHERE retention_class = 'closed+7y' LIMIT 1", { type: QueryTypes.SELECT });
  if (held && manager && partner) {
    await disposal.placeHold({ scope: 'matter', client: held.client, matter: held.matter, reason: 'Litigation hold: demo', requested_by: manager.id, approved_by: partner.id });
  }
  await visitorsOf(s)?.service.publishNda(NDA_TEXT, null, 'system:demo');
}

/** Walk-in visitors arrive every so often and leave a few minutes later, through the real visitor service. */
export class DemoVisitors {
  private timers = new Set<NodeJS.Timeout>();
  private next = 0;

  constructor(private readonly s: Services) {}

  start(everyMs = 45_000, stayMs = 120_000): void {
    const arrive = async () => {
      const visitors = visitorsOf(this.s);
      const hosts = await Person.findAll({ where: { role: 'staff' } });
      const nda = await visitors?.service.currentNda();
      if (!visitors || hosts.length === 0 || !nda) return;
      const who = VISITORS[this.next++ % VISITORS.length]!;
      const host = hosts[this.next % hosts.length]!;
      const visit = await visitors.service.signIn(
        {
          visitor: { person: { name: who.name }, company: who.company },
          hostPersonId: host.id,
          company: who.company,
          purpose: who.purpose,
          nda: { version: nda.version, sha256: nda.sha256, typedName: who.name },
          badge: { kind: 'label' },
        },
        'system:demo',
      );
      this.later(stayMs, () => void visitors.service.signOut(visit.visitId, 'system:demo').catch(() => undefined));
    };
    const loop = () => this.later(everyMs, () => void arrive().catch(() => undefined).finally(loop));
    this.later(5_000, () => void arrive().catch(() => undefined));
    loop();
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, act: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      act();
    }, ms);
    t.unref();
    this.timers.add(t);
  }
}
