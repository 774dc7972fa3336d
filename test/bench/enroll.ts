import { importCsv } from '../../server/domain/csv-import';
import type { Services } from '../../server/services';
import type { OfficeConfig } from '../../server/config/office-schema';
import { BADGES } from './load/reads';

/**
 * The staff behind the bench's badge reads, enrolled the way an office is (CSV imports through
 * the writer) plus an access group for cab-4, as test/workflows/cabinet-visit.e2e.test.ts does.
 * With them a badge read is what it is most of the time in a real office: access.granted, a visit
 * started, an unlock command; the door then opens (cabinet.opened) and closes (cabinet.closed,
 * visit ended, lock command). Unknown badges would instead turn every read into a denial with an
 * alert, and every door opening into a forced-door alert: a different, alarm-storm workload.
 */
export async function enrollStaff(services: Services): Promise<void> {
  const { writer, db, directory } = services;
  const people = ['name,email,role', ...BADGES.map((_, i) => `Staff ${i + 1},staff${i + 1}@bench.example,staff`)].join('\n');
  const badges = ['person_email,badge,format', ...BADGES.map((uid, i) => `staff${i + 1}@bench.example,${uid},hex`)].join('\n');
  const records = ['barcode,client,matter,title,home_cabinet', ...Array.from({ length: 200 }, (_, i) => `SK-9${String(i).padStart(5, '0')},Client ${i % 37},M${i % 11},Closed matter ${i},cab-4`)].join('\n');
  for (const [kind, text] of [['people', people], ['badges', badges], ['records', records]] as const) {
    const report = await importCsv(writer, kind, text, 'system:bench');
    if (!report.ok) throw new Error(`bench enrollment: ${kind} import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
  }
  await directory.refreshBadges(db.sequelize);
  const now = new Date().toISOString();
  await db.sequelize.query(`INSERT INTO access_groups (id, name, created_at, updated_at) VALUES ('bench-g', 'Bench staff', :now, :now)`, { replacements: { now } });
  await db.sequelize.query(`INSERT INTO access_group_members (group_id, person_id) SELECT 'bench-g', id FROM people WHERE email LIKE '%@bench.example'`);
  await db.sequelize.query(`INSERT INTO access_rules (id, group_id, cabinet_id, days) VALUES ('bench-r', 'bench-g', 'cab-4', 'mon,tue,wed,thu,fri,sat,sun')`);
}

/**
 * The demo office, open around the clock: granted badges outside office hours raise an
 * after-hours alert each, which would make the figures depend on when the bench runs.
 * ('24:00' is past every "HH:MM", so the window never closes.)
 */
export function openAroundTheClock(office: OfficeConfig): OfficeConfig {
  return { ...office, office: { ...office.office, hours: { open: '00:00', close: '24:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } } };
}
