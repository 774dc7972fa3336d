import { Op, QueryTypes } from 'sequelize';
import { z } from 'zod';
import { FileRecord, Person } from '../db/models';
import { decodeLeaf } from '../custody-log/leaf';
import type { Services } from '../services';
import { when, type Report } from './report';
import { checkedPeriod, periodFields } from './period';
import { DomainError } from '../domain/records-service';
import { outsideWalls, wallsOf } from '../domain/ethical-walls';

/** Pseudonyms to names for people allowed to read a report; the log itself never holds names. */
async function namesOf(pseudonyms: Iterable<string>): Promise<Map<string, string>> {
  const list = [...new Set(pseudonyms)].filter((p) => p.startsWith('p_'));
  if (list.length === 0) return new Map();
  return new Map((await Person.findAll({ where: { pseudonym: { [Op.in]: list } } })).map((p) => [p.pseudonym, p.name]));
}

export const custodyQuery = z.strictObject({
  barcode: z.string().trim().min(1).max(64).optional(),
  client: z.string().trim().min(1).max(200).optional(),
  matter: z.string().trim().min(1).max(200).optional(),
});

/** Custody of one file or of every file of a matter, from the custody log itself. */
export async function custodyReport(s: Services, q: z.infer<typeof custodyQuery>, viewer: { personId: string | null }): Promise<Report & { records: string[] }> {
  if (!q.barcode && !(q.client && q.matter)) throw new DomainError('barcode', 'give a barcode, or a client and a matter');
  const walls = outsideWalls(await wallsOf(s.db.sequelize, viewer.personId));
  const records = q.barcode
    ? await FileRecord.findAll({ where: { barcode: q.barcode, ...walls } })
    : await FileRecord.findAll({ where: { client: q.client!, matter: q.matter!, ...walls } });
  const entries = [];
  for (const record of records) {
    for (const row of await s.store.entriesOfRecord(record.id)) entries.push({ record, index: row.idx, event: decodeLeaf(row.leaf) });
  }
  entries.sort((a, b) => a.index - b.index);
  const names = await namesOf(entries.flatMap((e) => [e.event.actor, e.event.from].filter((x): x is string => typeof x === 'string')));
  return {
    title: q.barcode ? `Custody of file ${q.barcode}` : `Custody of matter ${q.client} / ${q.matter}`,
    subtitle: [`${records.length} file(s), ${entries.length} custody-log entries`, `Made ${when(s.clock.now())} from the verifiable custody log of ${s.origin}`],
    columns: [
      { key: 'time', label: 'Time' },
      { key: 'file', label: 'File' },
      { key: 'event', label: 'Event' },
      { key: 'person', label: 'Person' },
      { key: 'place', label: 'Place' },
      { key: 'entry', label: 'Log entry' },
    ],
    rows: entries.map((e) => ({
      time: when(e.event.ts_server),
      file: e.record.barcode,
      event: e.event.type + (typeof e.event.reason === 'string' ? ` (${e.event.reason})` : ''),
      person: typeof e.event.actor === 'string' ? (names.get(e.event.actor) ?? e.event.actor) : '',
      place: typeof e.event.location === 'string' ? e.event.location : '',
      entry: e.index,
    })),
    records: records.map((r) => r.id),
  };
}

export const cabinetAccessQuery = checkedPeriod(
  z.strictObject({
    ...periodFields,
    cabinet: z.string().trim().min(1).max(64).optional(),
  }),
);

/** Who opened which cabinet and when, and who was refused. */
export async function cabinetAccessReport(s: Services, q: z.infer<typeof cabinetAccessQuery>): Promise<Report> {
  const from = q.from ?? '1970-01-01';
  const to = q.to ? `${q.to}T23:59:59.999Z` : '9999-12-31';
  const visits = await s.db.sequelize.query<{ cabinet_id: string; name: string; started_at: string; ended_at: string | null; end_reason: string | null }>(
    `SELECT v.cabinet_id, p.name, v.started_at, v.ended_at, v.end_reason FROM cabinet_visits v JOIN people p ON p.id = v.person_id
     WHERE v.started_at >= :from AND v.started_at <= :to ${q.cabinet ? 'AND v.cabinet_id = :cabinet' : ''} ORDER BY v.started_at`,
    { type: QueryTypes.SELECT, replacements: { from, to, cabinet: q.cabinet ?? null } },
  );
  const denials = await s.db.sequelize.query<{ device_id: string; created_at: string; message: string }>(
    `SELECT device_id, created_at, message FROM alerts WHERE type IN ('cabinet.access_denied', 'cabinet.visitor_badge', 'cabinet.forced')
     AND created_at >= :from AND created_at <= :to ORDER BY created_at`,
    { type: QueryTypes.SELECT, replacements: { from, to } },
  );
  const placeOf = (device: string) => s.directory.device(device)?.place ?? device;
  const rows = [
    ...visits.map((v) => ({ time: when(v.started_at), cabinet: v.cabinet_id, what: 'opened', person: v.name, until: when(v.ended_at), detail: v.end_reason ?? 'still open' })),
    ...denials
      .filter((d) => !q.cabinet || placeOf(d.device_id) === q.cabinet)
      .map((d) => ({ time: when(d.created_at), cabinet: placeOf(d.device_id), what: 'refused', person: '', until: '', detail: d.message })),
  ].sort((a, b) => a.time.localeCompare(b.time));
  return {
    title: `Cabinet access${q.cabinet ? `: ${q.cabinet}` : ''}`,
    subtitle: [`From ${from} to ${q.to ?? 'now'}`, `Made ${when(s.clock.now())}`],
    columns: [
      { key: 'time', label: 'Time' },
      { key: 'cabinet', label: 'Cabinet' },
      { key: 'what', label: 'What' },
      { key: 'person', label: 'Person' },
      { key: 'until', label: 'Until' },
      { key: 'detail', label: 'Detail' },
    ],
    rows,
  };
}

/** Files out past their due time, with who has them. */
export async function overdueReport(s: Services): Promise<Report> {
  const now = s.clock.now();
  const files = await FileRecord.findAll({ where: { status: 'out', due_at: { [Op.lt]: now } }, order: [['due_at', 'ASC']] });
  const people = new Map((await Person.findAll({ where: { id: { [Op.in]: files.map((f) => f.custodian_person_id).filter((x): x is string => !!x) } } })).map((p) => [p.id, p.name]));
  return {
    title: 'Overdue files',
    subtitle: [`${files.length} file(s) overdue at ${when(now)}`],
    columns: [
      { key: 'file', label: 'File' },
      { key: 'client', label: 'Client' },
      { key: 'matter', label: 'Matter' },
      { key: 'holder', label: 'Held by' },
      { key: 'due', label: 'Due' },
      { key: 'days', label: 'Days overdue' },
    ],
    rows: files.map((f) => ({
      file: f.barcode,
      client: f.client,
      matter: f.matter,
      holder: f.custodian_person_id ? (people.get(f.custodian_person_id) ?? '') : '',
      due: when(f.due_at),
      days: Math.floor((now.getTime() - (f.due_at?.getTime() ?? now.getTime())) / 86_400_000),
    })),
  };
}

/** Who has acknowledged which version of the confidentiality policy. */
export async function policyAcknowledgementReport(s: Services): Promise<Report> {
  const rows = await s.db.sequelize.query<{ name: string; role: string; version: number | null; acknowledged_at: string | null }>(
    `SELECT p.name, p.role, a.version, a.acknowledged_at FROM people p
     LEFT JOIN policy_acknowledgements a ON a.person_id = p.id
       AND a.version = (SELECT MAX(version) FROM policy_acknowledgements x WHERE x.person_id = p.id)
     WHERE p.active = :yes ORDER BY p.name`,
    { type: QueryTypes.SELECT, replacements: { yes: true } },
  );
  const [current] = await s.db.sequelize.query<{ v: number | null }>('SELECT MAX(version) AS v FROM policy_versions WHERE effective_at <= :now', {
    type: QueryTypes.SELECT,
    replacements: { now: s.clock.now().toISOString() },
  });
  const version = current?.v === null || current?.v === undefined ? null : Number(current.v);
  return {
    title: 'Confidentiality policy acknowledgements',
    subtitle: [version === null ? 'No policy version is in effect' : `Current version: ${version}`, `Made ${when(s.clock.now())}`],
    columns: [
      { key: 'person', label: 'Person' },
      { key: 'role', label: 'Role' },
      { key: 'version', label: 'Version acknowledged' },
      { key: 'at', label: 'When' },
      { key: 'current', label: 'Up to date' },
    ],
    rows: rows.map((r) => ({
      person: r.name,
      role: r.role,
      version: r.version,
      at: when(r.acknowledged_at),
      current: version === null || (r.version !== null && Number(r.version) >= version) ? 'yes' : 'NO',
    })),
  };
}
