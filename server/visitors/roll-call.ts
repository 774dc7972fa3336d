import { QueryTypes, type Sequelize } from 'sequelize';
import { Person, Visit, Visitor } from '../db/models';
import { decodeLeaf } from '../custody-log/leaf';
import { localDateText, startOfLocalDay } from './office-clock';
import type { VisitorService } from './visitor-service';

export interface RollCallVisitor {
  visit_id: string;
  name: string | null;
  company: string | null;
  kind: string;
  host_name: string | null;
  signed_in_at: string | null;
  escort_required: boolean;
  badge: string | null;
}

export interface RollCallStaff {
  person_id: string;
  name: string;
  role: string;
  first_seen_at: string;
  last_seen_at: string;
  /** The cabinet, desk, bin or reception of the last badge read. */
  last_place: string | null;
}

export interface RollCall {
  generated_at: string;
  /** The office's local date the staff list covers. */
  date: string;
  visitors: RollCallVisitor[];
  staff: RollCallStaff[];
}

/**
 * Everyone who may be in the building now, for an evacuation: visitors signed in, and staff whose
 * badge was read anywhere today (office time zone). There is no exit reader, so staff who left
 * are still listed: the list errs on the side of looking for someone. It names people, so it is
 * shown and printed, never logged.
 */
export async function buildRollCall(deps: {
  sequelize: Sequelize;
  service: VisitorService;
  timeZone: string;
  /** Badge readers (and combos) from the office file: the reads that say someone was here. */
  readers: readonly string[];
  places: (deviceId: string) => string | undefined;
  now: Date;
}): Promise<RollCall> {
  const { now, timeZone } = deps;
  const visits = await Visit.findAll({ where: { status: 'on_site' }, order: [['signed_in_at', 'ASC']] });
  const visitors = await Visitor.findAll({ where: { id: [...new Set(visits.map((v) => v.visitor_id))] } });
  const names = await deps.service.namesOf(visitors);
  const byId = new Map(visitors.map((v) => [v.id, v]));
  const hostIds = [...new Set(visits.map((v) => v.host_person_id).filter((id): id is string => id !== null))];
  const hosts = new Map((await Person.findAll({ where: { id: hostIds } })).map((p) => [p.id, p.name]));

  const start = startOfLocalDay(now, timeZone);
  const seen = new Map<string, { first: string; last: string; place: string | null }>();
  if (deps.readers.length > 0) {
    // The (kind, ts_received) index serves this: today's badge reads.
    const rows = await deps.sequelize.query<{ ts_received: string; device_id: string; leaf: Buffer | Uint8Array }>(
      `SELECT e.ts_received, e.device_id, l.leaf FROM device_events e JOIN log_entries l ON l.idx = e.log_index
       WHERE e.device_id IN (:readers) AND e.ts_received >= :start AND e.kind = 'badge' ORDER BY e.ts_received ASC`,
      { type: QueryTypes.SELECT, replacements: { readers: [...deps.readers], start: start.toISOString() } },
    );
    for (const row of rows) {
      const actor = decodeLeaf(Buffer.from(row.leaf)).actor;
      if (!actor) continue;
      const prior = seen.get(actor);
      seen.set(actor, { first: prior?.first ?? row.ts_received, last: row.ts_received, place: deps.places(row.device_id) ?? null });
    }
  }
  const people = seen.size > 0 ? await Person.findAll({ where: { pseudonym: [...seen.keys()] } }) : [];
  const staff = people
    .map((p) => {
      const s = seen.get(p.pseudonym)!;
      return { person_id: p.id, name: p.name, role: p.role, first_seen_at: s.first, last_seen_at: s.last, last_place: s.place };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  return {
    generated_at: now.toISOString(),
    date: localDateText(now, timeZone),
    visitors: visits.map((v) => {
      const visitor = byId.get(v.visitor_id)!;
      return {
        visit_id: v.id,
        name: names.get(visitor.id) ?? null,
        company: v.company,
        kind: visitor.kind,
        host_name: v.host_person_id ? (hosts.get(v.host_person_id) ?? null) : null,
        signed_in_at: v.signed_in_at ? new Date(v.signed_in_at).toISOString() : null,
        escort_required: Boolean(v.escort_required),
        badge: v.badge_kind === 'card' ? `card ${v.loaner_card_id}` : (v.badge_kind ?? null),
      };
    }),
    staff,
  };
}

/** A cell a spreadsheet will not run: names are typed by visitors, so "=HYPERLINK(…)" is text. */
function csvCell(value: string | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function rollCallCsv(rc: RollCall): string {
  const header = ['who', 'name', 'company_or_role', 'host', 'since', 'last_seen', 'place', 'escort_required', 'badge'];
  const lines = [header.join(',')];
  for (const v of rc.visitors) {
    lines.push([v.kind, v.name, v.company, v.host_name, v.signed_in_at, null, 'reception', v.escort_required, v.badge].map(csvCell).join(','));
  }
  for (const s of rc.staff) {
    lines.push(['staff', s.name, s.role, null, s.first_seen_at, s.last_seen_at, s.last_place, null, null].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
