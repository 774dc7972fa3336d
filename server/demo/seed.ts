import { createHash } from 'node:crypto';
import { timeOrderedId } from '../shared/time-ordered-id';
import { FileRecord, Person } from '../db/models';
import { importCsv } from '../domain/csv-import';
import type { CustodyWriter } from '../ingest/custody-writer';

/** Demo staff. Badge numbers are the EM4100-style ids the simulator presents at readers. */
export const DEMO_PEOPLE = [
  { name: 'Margaret Hartley', email: 'margaret.hartley@hartley-voss.example', role: 'manager', badge: '1A2B3C01' },
  { name: 'Daniel Voss', email: 'daniel.voss@hartley-voss.example', role: 'manager', badge: '1A2B3C02' },
  { name: 'Priya Raman', email: 'priya.raman@hartley-voss.example', role: 'staff', badge: '1A2B3C03' },
  { name: 'Tomás Ortega', email: 'tomas.ortega@hartley-voss.example', role: 'staff', badge: '1A2B3C04' },
  { name: 'Grace Liu', email: 'grace.liu@hartley-voss.example', role: 'staff', badge: '1A2B3C05' },
  { name: 'Samuel Okafor', email: 'samuel.okafor@hartley-voss.example', role: 'staff', badge: '1A2B3C06' },
  { name: 'Helen Brandt', email: 'helen.brandt@hartley-voss.example', role: 'reception', badge: '1A2B3C07' },
  { name: 'Owen Price', email: 'owen.price@hartley-voss.example', role: 'admin', badge: '1A2B3C08' },
] as const;

export const DEMO_CLIENTS = ['Abernathy Holdings', 'Birchwood Estate', 'Castellan Foods', 'Delacroix Family Trust', 'Everly Logistics', 'Fairmont Medical Group', 'Greyson & Daughters', 'Halvorsen Marine', 'Ibarra Construction', 'Juniper Lane HOA'];
const MATTER_KINDS = ['Contract dispute', 'Estate administration', 'Lease review', 'Employment claim', 'Acquisition', 'Zoning appeal'];
const CABINETS = ['cab-1', 'cab-2', 'cab-3', 'cab-4'];
const CONFIDENTIALITY = ['standard', 'confidential', 'confidential', 'restricted'];

export const DEMO_RECORD_COUNT = 500;
export const demoBarcode = (n: number) => `SK-${String(n).padStart(6, '0')}`;

const csv = (rows: (string | number)[][]) => rows.map((r) => r.map((c) => `"${String(c).replaceAll('"', '""')}"`).join(',')).join('\n');

/** Seeds the demo office once: people, their badges and 500 client files in the cabinets. */
export async function seedDemoOffice(writer: CustodyWriter): Promise<boolean> {
  if ((await FileRecord.count()) > 0) return false;
  const people = csv([['name', 'email', 'role'], ...DEMO_PEOPLE.map((p) => [p.name, p.email, p.role])]);
  const badges = csv([['person_email', 'badge', 'format'], ...DEMO_PEOPLE.map((p) => [p.email, p.badge, 'hex'])]);
  const records: (string | number)[][] = [['barcode', 'client', 'matter', 'volume', 'title', 'confidentiality', 'home_cabinet', 'retention_class']];
  for (let n = 1; n <= DEMO_RECORD_COUNT; n++) {
    const client = DEMO_CLIENTS[n % DEMO_CLIENTS.length]!;
    const matterNo = `${2020 + (n % 6)}-${String(100 + (n % 37)).padStart(4, '0')}`;
    records.push([
      demoBarcode(n),
      client,
      matterNo,
      1 + (n % 3),
      `${MATTER_KINDS[n % MATTER_KINDS.length]} — ${client}`,
      CONFIDENTIALITY[n % CONFIDENTIALITY.length]!,
      CABINETS[n % CABINETS.length]!,
      n % 5 === 0 ? 'closed+7y' : 'active',
    ]);
  }
  for (const [kind, text] of [['people', people], ['badges', badges], ['records', csv(records)]] as const) {
    const report = await importCsv(writer, kind, text, 'system:demo');
    if (!report.ok) throw new Error(`demo seed (${kind}) failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
  }
  await seedAccess(writer);
  return true;
}

const POLICY_TEXT = 'Client files stay in the office unless checked out; confidential matters are discussed only with people on the matter.';

/**
 * Who may open what in the demo: everyone but reception opens every cabinet at any hour (a demo
 * runs whenever someone tries it), version 1 of the confidentiality policy is acknowledged by all,
 * and one associate is screened from one client, so the ethical-wall rules have something to do.
 */
async function seedAccess(writer: CustodyWriter): Promise<void> {
  const people = await Person.findAll();
  await writer.submit({
    run: async (ctx) => {
      const q = (sql: string, replacements: Record<string, unknown>) => FileRecord.sequelize!.query(sql, { replacements, transaction: ctx.transaction });
      const now = ctx.now.toISOString();
      await q('INSERT INTO access_groups (id, name, created_at, updated_at) VALUES (:id, :name, :now, :now)', { id: 'all-staff', name: 'All staff', now });
      for (const cabinet of CABINETS) {
        await q('INSERT INTO access_rules (id, group_id, cabinet_id, days) VALUES (:id, :g, :c, :days)', { id: timeOrderedId(), g: 'all-staff', c: cabinet, days: 'mon,tue,wed,thu,fri,sat,sun' });
      }
      await q('INSERT INTO policy_versions (version, title, text_sha256, effective_at) VALUES (1, :title, :hash, :now)', {
        title: 'Confidentiality policy',
        hash: createHash('sha256').update(POLICY_TEXT).digest('hex'),
        now,
      });
      await ctx.append({ type: 'policy.published', version: 1, actor: 'system:demo' });
      for (const person of people) {
        await q('INSERT INTO policy_acknowledgements (id, person_id, version, acknowledged_at) VALUES (:id, :p, 1, :now)', { id: timeOrderedId(), p: person.id, now });
        await ctx.append({ type: 'policy.acknowledged', version: 1, actor: person.pseudonym });
        if (person.role === 'reception') continue;
        await q('INSERT INTO access_group_members (group_id, person_id) VALUES (:g, :p)', { g: 'all-staff', p: person.id });
      }
      const screened = people.find((p) => p.email === DEMO_PEOPLE[5].email);
      if (screened) {
        await q('INSERT INTO ethical_walls (id, person_id, client, matter, reason, created_at) VALUES (:id, :p, :client, NULL, :reason, :now)', {
          id: timeOrderedId(),
          p: screened.id,
          client: DEMO_CLIENTS[3],
          reason: 'Previously represented the opposing party',
          now,
        });
        await ctx.append({ type: 'wall.placed', subject: screened.pseudonym, actor: 'system:demo' });
      }
    },
  });
}
