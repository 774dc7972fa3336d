import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { startTestServer, type ServerFixture } from '../support/server';
import { dialectsUnderTest } from '../support/databases';
import { importCsv } from '../../server/domain/csv-import';
import { binsOf, DisposalService } from '../../server/disposal/disposal-service';
import { canonicalCredential } from '../../devices/credentials/canonical';
import type { DeviceEvent } from '../../server/ingest/device-event';
import type { IngestOutcome } from '../../server/ingest/event-bus';
import { decodeLeaf, type LeafEvent } from '../../server/custody-log/leaf';
import { visitorsOf } from '../../server/visitors/visitors-module';
import { Alert } from '../../server/db/models';
import { firstIndexAtOrAfter } from '../../server/reports/activity-log';
import { ACCESS_DENIED_ALERTS, type ActivityReport } from '../../server/reports/activity-report';
import { MIDNIGHT_MARGIN_MS, utcDayAfter, utcDayClearOfMidnight } from '../support/utc-day';

const dialects = await dialectsUnderTest();

/**
 * GET /api/v1/reports/activity on a whole running office, with activity made through the device
 * path (reads on the bus: badges, scans, a forced door, shred-bin deposits) and the visitor service.
 */
describe.each(dialects)('the activity report on %s', (dialect) => {
  let f: ServerFixture;
  let seq = 0;
  let stored = 0;
  let today = '';
  const day = (offset: number) => utcDayAfter(today, offset);

  const read = async (event: Record<string, unknown>) => {
    const outcome = await new Promise<IngestOutcome>((settle) =>
      f.server.services.bus.emit('device.event', { event: { idempotencyKey: `activity:${seq++}`, ...event } as DeviceEvent, receivedAt: new Date(), settle }),
    );
    if (outcome.status === 'stored') stored += 1;
    return outcome;
  };
  const badge = (deviceId: string, hex: string) => read({ kind: 'badge', deviceId, credential: canonicalCredential(hex, 'hex') });
  const scan = (deviceId: string, data: string) => read({ kind: 'barcode', deviceId, data });
  const get = async (path: string) => (await f.as('manager')).fetch(path);
  const report = async (query: string) => {
    const res = await get(`/api/v1/reports/activity?${query}`);
    expect(res.status, query).toBe(200);
    return (await res.json()) as ActivityReport;
  };
  const lastLeaf = async (): Promise<LeafEvent> => {
    const [row] = await f.server.services.db.sequelize.query<{ leaf: Buffer }>('SELECT leaf FROM log_entries ORDER BY idx DESC LIMIT 1', { type: QueryTypes.SELECT });
    return decodeLeaf(Buffer.from(row!.leaf));
  };

  beforeAll(async () => {
    today = await utcDayClearOfMidnight();
    f = await startTestServer({ dialect, devicePolicy: { debounceMs: 0 } });
    await f.as('manager');
    const { writer, db, bus, clock, directory } = f.server.services;
    const csv = {
      people: 'name,email,role\nAda Staff,ada@example.com,staff\nBob Staff,bob@example.com,staff\n',
      badges: 'person_email,badge,format\nada@example.com,0A11B201,hex\nbob@example.com,0A11B202,hex\n',
      records:
        'barcode,client,matter,title,home_cabinet,retention_class\nSK-820001,Acme,M1,Lease,cab-4,\nSK-820002,Acme,M1,Deed,cab-4,\nSK-820003,Old,M9,Letters,cab-4,closed+7y\nSK-820004,Old,M9,Notes,cab-4,closed+7y\n',
    };
    for (const kind of ['people', 'badges', 'records'] as const) expect((await importCsv(writer, kind, csv[kind], 'system:test')).ok).toBe(true);
    await directory.refreshBadges(db.sequelize);
    // Ada may open cabinet 4 at any time; Bob may not.
    await db.sequelize.query(`INSERT INTO access_groups (id, name, created_at, updated_at) VALUES ('g1', 'Litigation', '2026-01-01', '2026-01-01')`);
    await db.sequelize.query(`INSERT INTO access_group_members (group_id, person_id) SELECT 'g1', id FROM people WHERE email = 'ada@example.com'`);
    await db.sequelize.query(`INSERT INTO access_rules (id, group_id, cabinet_id, days) VALUES ('r1', 'g1', 'cab-4', 'mon,tue,wed,thu,fri,sat,sun')`);
    const disposal = new DisposalService({ writer, bus, sequelize: db.sequelize, clock, dataDir: f.dataDir, findBin: binsOf(directory) });
    await disposal.createClass({ name: 'closed+7y', trigger: 'matter_closed', years: 7, return_to_client: false });
    await disposal.upsertMatter({ client: 'Old', matter: 'M9', closed_at: '2010-06-30T00:00:00Z' });

    await badge('cab-4-reader', '0A11B202'); // refused: an access-denied alert
    await badge('cab-4-reader', '0A11B201'); // a cabinet opening
    expect(await scan('cab-4-scanner', 'SK-820001')).toMatchObject({ status: 'stored' }); // check-out
    await scan('cab-4-scanner', 'SK-820002'); // check-out
    await scan('cab-4-scanner', 'SK-820002'); // check-in
    await badge('desk-1-reader', '0A11B202');
    await scan('desk-1-scanner', 'SK-820001'); // transferred to Bob
    await read({ kind: 'door', deviceId: 'cab-1-door', state: 'open' }); // forced: another alert
    await badge('shred-1-reader', '0A11B201');
    await scan('shred-1-scanner', 'SK-820003'); // two deposits
    await scan('shred-1-scanner', 'SK-820004');

    const visitors = visitorsOf(f.server.services)!.service;
    const nda = await visitors.publishNda('Everything here is confidential.', null, 'p_manager');
    const person = (await db.sequelize.query<{ id: string }>(`SELECT id FROM people WHERE email = 'ada@example.com'`, { type: QueryTypes.SELECT }))[0]!.id;
    for (const name of ['Vera Visitor', 'Walt Walkin']) {
      await visitors.signIn({ visitor: { person: { name }, company: 'Guests Ltd' }, hostPersonId: person, nda: { version: nda.version, sha256: nda.sha256, typedName: name }, badge: { kind: 'label' }, purpose: 'Meeting' }, 'u_kiosk');
    }
  }, 60_000 + MIDNIGHT_MARGIN_MS);
  afterAll(async () => f?.close());

  it('counts each kind of activity of the day, from the custody log and the tables, and logs the viewing', async () => {
    const denied = await Alert.count({ where: { type: ACCESS_DENIED_ALERTS } });
    const alerts = await Alert.count();
    const r = await report(`from=${today}&to=${today}`);
    expect(r).toMatchObject({ from: today, to: today, bucket: 'day', time_zone: 'UTC' });
    expect(r.categories.map((c) => c.key)).toEqual(['checked_out', 'checked_in', 'transferred', 'cabinet_opened', 'access_denied', 'other_alerts', 'visitor_sign_ins', 'shred_deposits', 'device_reads']);
    expect(r.buckets).toHaveLength(1);
    expect(r.buckets[0]).toMatchObject({ key: today, start: `${today}T00:00:00.000Z` });
    expect(denied).toBe(1);
    expect(alerts - denied).toBeGreaterThanOrEqual(1);
    expect(r.buckets[0]!.counts).toEqual({
      checked_out: 2,
      checked_in: 1,
      transferred: 1,
      cabinet_opened: 1,
      access_denied: 1,
      other_alerts: alerts - denied,
      visitor_sign_ins: 2,
      shred_deposits: 2,
      device_reads: stored,
    });
    expect(r.totals).toEqual(r.buckets[0]!.counts);
    expect(r.buckets[0]!.total).toBe(Object.values(r.totals).reduce((a, b) => a + b, 0));
    expect(await lastLeaf()).toMatchObject({ type: 'report.viewed', report: 'activity', format: 'json', from: today, to: today, bucket: 'day', events: r.buckets[0]!.total });
  });

  it('puts nothing in the days around it, and spreads the day over its UTC hours', async () => {
    const week = await report(`from=${day(-3)}&to=${day(1)}`);
    expect(week.buckets.map((b) => b.key)).toEqual([day(-3), day(-2), day(-1), today, day(1)]);
    expect(week.buckets.map((b) => b.total > 0)).toEqual([false, false, false, true, false]);
    const whole = (await report(`from=${today}&to=${today}`)).totals;

    const hours = await report(`from=${today}&to=${today}&bucket=hour`);
    expect(hours.buckets).toHaveLength(24);
    expect(hours.buckets[0]!.key).toBe(`${today}T00`);
    expect(hours.buckets[23]!.start).toBe(`${today}T23:00:00.000Z`);
    const sum = Object.fromEntries(hours.categories.map((c) => [c.key, hours.buckets.reduce((n, b) => n + b.counts[c.key], 0)]));
    expect(sum).toEqual(whole);
    const busy = hours.buckets.filter((b) => b.total > 0).map((b) => b.key);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    expect(busy.every((k) => k <= new Date().toISOString().slice(0, 13))).toBe(true);
  });

  it('finds a period in the log by binary search on ts_server', async () => {
    const { sequelize } = f.server.services.db;
    const rows = await sequelize.query<{ idx: number | string; leaf: Buffer }>('SELECT idx, leaf FROM log_entries ORDER BY idx', { type: QueryTypes.SELECT });
    const times = rows.map((r) => decodeLeaf(Buffer.from(r.leaf)).ts_server!);
    const size = rows.length;
    for (let i = 0; i < size; i += Math.max(1, Math.floor(size / 25))) {
      const at = new Date(times[i]!.slice(0, 23) + 'Z');
      // The first leaf at or after the millisecond: possibly an earlier one in the same millisecond.
      const expected = times.findIndex((t) => t.slice(0, 23) >= times[i]!.slice(0, 23));
      expect(await firstIndexAtOrAfter(sequelize, size, at)).toBe(expected);
    }
    expect(await firstIndexAtOrAfter(sequelize, size, new Date(Date.now() + 3_600_000))).toBe(size);
    expect(await firstIndexAtOrAfter(sequelize, size, new Date('2000-01-01T00:00:00Z'))).toBe(0);
  });

  it('downloads the same numbers as CSV', async () => {
    const res = await get(`/api/v1/reports/activity?from=${day(-1)}&to=${today}&format=csv`);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('Day (UTC),File check-outs,File check-ins,File transfers,Cabinet openings,Access denied,Other alerts,Visitor sign-ins,Shred-bin deposits,Device reads,Total');
    expect(lines[1]).toBe(`${day(-1)},0,0,0,0,0,0,0,0,0,0`);
    expect(lines[2]).toMatch(new RegExp(`^${today},2,1,1,1,1,\\d+,2,2,\\d+,\\d+$`));
    const hours = (await (await get(`/api/v1/reports/activity?from=${today}&to=${today}&bucket=hour&format=csv`)).text()).trim().split('\r\n');
    expect(hours).toHaveLength(25);
    expect(hours[1]).toMatch(new RegExp(`^${today} 00:00,`));
    const pdf = await get(`/api/v1/reports/activity?from=${day(-1)}&to=${today}&format=pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('is for managers and admins only, and refuses a period that is too long, backwards or missing, writing nothing', async () => {
    for (const role of ['staff', 'reception'] as const) expect((await (await f.as(role)).fetch(`/api/v1/reports/activity?from=${today}&to=${today}`)).status, role).toBe(403);
    expect((await (await f.as('admin')).fetch(`/api/v1/reports/activity?from=${today}&to=${today}`)).status).toBe(200);
    const before = f.server.services.writer.size;
    const fieldsOf = async (query: string) => {
      const res = await get(`/api/v1/reports/activity?${query}`);
      expect(res.status, query).toBe(400);
      return ((await res.json()) as { fields: { field: string; message: string }[] }).fields;
    };
    expect(await fieldsOf('from=2026-01-01&to=2026-04-03')).toEqual([{ field: 'query.to', message: expect.stringMatching(/at most 92 days/) }]);
    expect((await fieldsOf('from=2026-01-01&to=2026-01-08&bucket=hour'))[0]).toMatchObject({ field: 'query.to', message: expect.stringMatching(/7 days with bucket=hour/) });
    expect(await fieldsOf('from=2026-03-02&to=2026-03-01')).toEqual([{ field: 'query.to', message: 'must not be before from' }]);
    expect((await fieldsOf('from=2026-03-02')).map((x) => x.field)).toEqual(['query.to']);
    expect((await fieldsOf(`from=${today}&to=${today}&bucket=week`)).map((x) => x.field)).toEqual(['query.bucket']);
    expect((await fieldsOf('from=0000-01-01&to=0000-01-02')).map((x) => x.field)).toEqual(['query.from', 'query.to']);
    expect((await fieldsOf('from=9999-12-31&to=9999-12-31')).map((x) => x.field)).toEqual(['query.from', 'query.to']);
    expect(f.server.services.writer.size).toBe(before);
    // 92 days is still fine.
    expect((await get('/api/v1/reports/activity?from=2026-01-01&to=2026-04-02')).status).toBe(200);
  });
});
