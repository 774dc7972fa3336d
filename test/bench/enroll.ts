import { importCsv } from '../../server/domain/csv-import';
import type { Services } from '../../server/services';
import { BADGES, boardId } from './load/reads';

/**
 * The staff behind the bench's badge reads, enrolled the way an office is (CSV imports through
 * the writer) plus an access group for the bench cabinets, as test/workflows/cabinet-visit.e2e
 * does. With them a badge read is what it is most of the time in a real office: access.granted,
 * a visit started, an unlock command; the door then opens (cabinet.opened) and closes
 * (cabinet.closed, visit ended, lock command). Unknown badges would instead turn every badge into
 * a denial with an alert and every door opening into a forced-door alert: an alarm storm, not
 * the workload an office's throughput is about.
 */
export async function enrollStaff(services: Services, boards: number): Promise<void> {
  const { writer, db, directory } = services;
  const people = ['name,email,role', ...BADGES.map((_, i) => `Staff ${i + 1},staff${i + 1}@bench.example,staff`)].join('\n');
  const badges = ['person_email,badge,format', ...BADGES.map((uid, i) => `staff${i + 1}@bench.example,${uid},hex`)].join('\n');
  // A few files homed in each cabinet, so the access decision reads real cabinet contents.
  const records = ['barcode,client,matter,title,home_cabinet'];
  for (let b = 0; b < boards; b++) for (let i = 0; i < 3; i++) records.push(`SK-B${b}-${i},Client ${(b * 3 + i) % 97},M${i},Closed matter ${b}-${i},${boardId(b)}`);
  for (const [kind, text] of [['people', people], ['badges', badges], ['records', records.join('\n')]] as const) {
    const report = await importCsv(writer, kind, text, 'system:bench');
    if (!report.ok) throw new Error(`bench enrollment: ${kind} import failed: ${JSON.stringify(report.problems.slice(0, 3))}`);
  }
  await directory.refreshBadges(db.sequelize);
  const now = new Date().toISOString();
  const q = (sql: string, replacements: Record<string, unknown> = {}) => db.sequelize.query(sql, { replacements });
  await q(`INSERT INTO access_groups (id, name, created_at, updated_at) VALUES ('bench-g', 'Bench staff', :now, :now)`, { now });
  await q(`INSERT INTO access_group_members (group_id, person_id) SELECT 'bench-g', id FROM people WHERE email LIKE '%@bench.example'`);
  for (let b = 0; b < boards; b++) {
    await q(`INSERT INTO access_rules (id, group_id, cabinet_id, days) VALUES (:id, 'bench-g', :cabinet, 'mon,tue,wed,thu,fri,sat,sun')`, { id: `bench-r${b}`, cabinet: boardId(b) });
  }
}
