import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { QueryTypes } from 'sequelize';
import { startTestServer, type ServerFixture } from '../support/server';
import { missingComponent } from '../support/requirements';
import { importCsv } from '../../server/domain/csv-import';
import { binsOf, DisposalService } from '../../server/disposal/disposal-service';
import { canonicalCredential } from '../../devices/credentials/canonical';
import type { DeviceEvent } from '../../server/ingest/device-event';
import type { IngestOutcome } from '../../server/ingest/event-bus';
import { decodeLeaf, type LeafEvent } from '../../server/custody-log/leaf';
import { visitorsOf } from '../../server/visitors/visitors-module';
import { findReportFonts } from '../../server/reports/pdf-fonts';
import { MIDNIGHT_MARGIN_MS, utcDayAfter, utcDayClearOfMidnight } from '../support/utc-day';

type Rows = { rows: Record<string, string | number | null>[]; subtitle: string[]; title: string };

/**
 * The shredding, visitor-log and legal-hold reports of a whole running office, seeded through the
 * real services: reads at the shred bin through device ingest, pickups and a certificate through
 * the disposal service, visits through the visitor service (one of them purged).
 */
describe('reports on shredding, visitors and holds', () => {
  let f: ServerFixture;
  let disposal: DisposalService;
  const people: Record<string, string> = {};
  let today = '';
  let tomorrow = '';
  let seq = 0;

  const read = (event: Record<string, unknown>) =>
    new Promise<IngestOutcome>((settle) =>
      f.server.services.bus.emit('device.event', { event: { idempotencyKey: `reports:${seq++}`, ...event } as DeviceEvent, receivedAt: new Date(), settle }),
    );
  const badge = (hex: string) => read({ kind: 'badge', deviceId: 'shred-1-reader', credential: canonicalCredential(hex, 'hex') });
  const scan = (barcode: string) => read({ kind: 'barcode', deviceId: 'shred-1-scanner', data: barcode });
  const get = async (path: string) => (await f.as('manager')).fetch(path);
  const json = async (path: string) => {
    const res = await get(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as Rows;
  };
  const pdfText = async (path: string): Promise<string | null> => {
    const res = await get(path);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = path.replace(/\W+/g, '-').slice(0, 60);
    const where = `${mkdtempSync(`${tmpdir()}/safekeep-report-`)}/${file}.pdf`;
    writeFileSync(where, Buffer.from(await res.arrayBuffer()));
    try {
      return execFileSync('pdftotext', [where, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    } catch (err) {
      missingComponent('pdftotext (poppler-utils)', String((err as Error).message).split('\n')[0]!);
      return null;
    }
  };
  const lastLeaf = async (): Promise<LeafEvent> => {
    const [row] = await f.server.services.db.sequelize.query<{ leaf: Buffer }>('SELECT leaf FROM log_entries ORDER BY idx DESC LIMIT 1', { type: QueryTypes.SELECT });
    return decodeLeaf(Buffer.from(row!.leaf));
  };

  beforeAll(async () => {
    today = await utcDayClearOfMidnight();
    tomorrow = utcDayAfter(today, 1);
    f = await startTestServer();
    await f.as('manager');
    const { writer, db, bus, clock, directory } = f.server.services;
    disposal = new DisposalService({ writer, bus, sequelize: db.sequelize, clock, dataDir: f.dataDir, findBin: binsOf(directory) });
    const csv = {
      people: 'name,email,role\nAda Staff,ada@example.com,staff\nMia Manager,mia@example.com,manager\nMax Admin,max@example.com,admin\nVic Vendor,vic@shredco.example,vendor\n',
      badges: 'person_email,badge,format\nada@example.com,0A11B201,hex\nvic@shredco.example,0A11B204,hex\n',
      records:
        'barcode,client,matter,title,home_cabinet,retention_class\nSK-810001,Acme,M1,Lease,cab-4,closed+7y\nSK-810002,Acme,M1,Deed,cab-4,closed+7y\nSK-810003,Acme,M1,Letters,cab-4,closed+7y\nSK-810004,Birch,M2,Will,cab-4,closed+7y\nSK-810005,Cedar,M3,Claim,cab-4,closed+7y\n',
    };
    for (const kind of ['people', 'badges', 'records'] as const) expect((await importCsv(writer, kind, csv[kind], 'system:test')).ok).toBe(true);
    await directory.refreshBadges(db.sequelize);
    for (const p of await db.sequelize.query<{ id: string; email: string }>('SELECT id, email FROM people', { type: QueryTypes.SELECT })) people[p.email.split('@')[0]!] = p.id;
    await disposal.createClass({ name: 'closed+7y', trigger: 'matter_closed', years: 7, return_to_client: false });
    await disposal.upsertMatter({ client: 'Acme', matter: 'M1', closed_at: '2010-06-30T00:00:00Z' });

    // Pickup 1, by the vendor's badge, certified; pickup 2, entered by hand, never certified.
    expect((await badge('0A11B201')).status).toBe('stored');
    await scan('SK-810001');
    await scan('SK-810002');
    await badge('0A11B204');
    const [first] = await disposal.listBatches();
    expect(first).toMatchObject({ started_via: 'badge', files: 2 });
    const certified = await disposal.recordCertificate(
      first!.id,
      { serial_number: 'SC-2026-118', destroyed_on: today, place: 'ShredCo plant', method: 'pulping', operator_name: 'Walter Wîtness' },
      { bytes: Buffer.from('%PDF-1.4\n% certificate\n'), name: 'sc.pdf', mediaType: 'application/pdf' },
    );
    expect(certified.certified).toEqual(['SK-810001', 'SK-810002']);
    await badge('0A11B201');
    await scan('SK-810003');
    await disposal.startBatch({ bin: 'shred-1', seal_number: 'S-0042', by: people.mia });

    const hold = await disposal.placeHold({ scope: 'matter', client: 'Birch', matter: 'M2', reason: 'Regulator inquiry', requested_by: people.mia!, approved_by: people.max! });
    expect(hold.records).toBe(1);
    const released = await disposal.placeHold({ scope: 'client', client: 'Cedar', reason: 'Dispute with landlord', requested_by: people.max!, approved_by: people.mia! });
    await disposal.releaseHold(released.id, { reason: 'Settled', released_by: people.mia!, approved_by: people.max! });
  }, 60_000 + MIDNIGHT_MARGIN_MS);
  afterAll(async () => f?.close());

  it('shredding: one row per certificate, a pickup without one flagged; as CSV and as a PDF that opens', async () => {
    const report = await json(`/api/v1/reports/shredding?from=${today}&to=${today}`);
    expect(report.rows).toHaveLength(2);
    expect(report.rows[0]).toMatchObject({
      bin: 'shred-1',
      collected_by: 'Vic Vendor (vendor badge)',
      collected: '2: SK-810001, SK-810002',
      certificate: 'SC-2026-118',
      destroyed_on: today,
      place: 'ShredCo plant',
      method: 'pulping',
      operator: 'Walter Wîtness',
      destroyed: '2: SK-810001, SK-810002',
      status: 'certified',
    });
    expect(report.rows[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.rows[1]).toMatchObject({ collected_by: 'Mia Manager (entered by hand)', seal: 'S-0042', collected: '1: SK-810003', certificate: '', destroyed: '0', status: 'NO CERTIFICATE' });
    expect(report.subtitle[1]).toBe('2 pickup(s), 1 certificate(s), 2 file(s) certified destroyed, 1 pickup(s) without a certificate');
    expect((await json(`/api/v1/reports/shredding?from=${tomorrow}`)).rows).toEqual([]);
    expect((await json(`/api/v1/reports/shredding?bin=shred-9`)).rows).toEqual([]);

    const csv = await (await get(`/api/v1/reports/shredding?to=${today}&format=csv`)).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('Pickup,Bin,Collected by,Seal,Files collected,Certificate,Destroyed on,Place,Method,Operator,Certificate file SHA-256,Files destroyed,Status');
    expect(lines[1]).toContain(`,"2: SK-810001, SK-810002",SC-2026-118,${today},ShredCo plant,pulping,Walter Wîtness,`);
    expect(lines[2]).toMatch(/,S-0042,1: SK-810003,,,,,,,0,NO CERTIFICATE$/);

    const text = await pdfText(`/api/v1/reports/shredding?format=pdf`);
    if (text !== null) {
      expect(text).toContain('Shredding and certificates of destruction');
      expect(text).toContain('SC-2026-118');
      expect(text).toContain('NO CERTIFICATE');
      expect(text).toContain(findReportFonts().unicode ? 'Wîtness' : 'Witness');
    }
    // The operator's name is shown to the manager, never logged.
    expect(JSON.stringify(await lastLeaf())).not.toMatch(/Walter|Witness|Wîtness/);
  });

  it('visitors: the log of a period with names opened for the manager, "(purged)" for an erased visitor, and no name in the custody log', async () => {
    const visitors = visitorsOf(f.server.services)!;
    const service = visitors.service;
    const nda = await service.publishNda('Everything here is confidential.', null, 'p_manager');
    const accept = (typedName: string) => ({ version: nda.version, sha256: nda.sha256, typedName });
    const come = (name: string, over: Record<string, unknown> = {}, company = 'Babbage Engines') =>
      service.signIn({ visitor: { person: { name }, company }, hostPersonId: people.ada!, nda: accept(name), badge: { kind: 'label' }, purpose: 'Estate planning', ...over }, 'u_kiosk');

    const erased = await come('Brian Gone');
    await service.signOut(erased.visitId, 'u_reception');
    expect((await visitors.purger.run(new Date(Date.now() + 400 * 86_400_000))).purged).toHaveLength(1);
    const zoe = await come('Zoë Dvořák', { escortRequired: true, purpose: 'Signing the will' });
    await service.signOut(zoe.visitId, 'u_reception');
    const late = await come('Carl Late', {}, 'Late, Sons & Co');
    expect(await service.signOutAtClosing([{ id: late.visitId }])).toBe(1);
    const staying = await come('Dana Here');

    const before = f.server.services.writer.size;
    const report = await json(`/api/v1/reports/visitors?from=${today}&to=${today}`);
    expect(f.server.services.writer.size).toBe(before + 1);
    expect(report.rows.map((r) => [r.visitor, r.company, r.host, r.purpose, r.nda, r.badge, r.escort, r.how_out])).toEqual([
      ['(purged)', 'Babbage Engines', 'Ada Staff', '(purged)', 'v1', 'printed label', 'no', 'at the desk'],
      ['Zoë Dvořák', 'Babbage Engines', 'Ada Staff', 'Signing the will', 'v1', 'printed label', 'yes', 'at the desk'],
      ['Carl Late', 'Late, Sons & Co', 'Ada Staff', 'Estate planning', 'v1', 'printed label', 'no', 'automatically at closing'],
      ['Dana Here', 'Babbage Engines', 'Ada Staff', 'Estate planning', 'v1', 'printed label', 'no', 'still on site'],
    ]);
    expect(report.rows[3]!.signed_out).toBe('');
    expect(report.rows[1]!.signed_in).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(await lastLeaf()).toMatchObject({ type: 'report.viewed', report: 'visitors', format: 'json', from: today, to: today, visits: 4 });
    expect((await json(`/api/v1/reports/visitors?from=${tomorrow}`)).rows).toEqual([]);
    const csv = await (await get(`/api/v1/reports/visitors?format=csv`)).text();
    expect(csv.split('\r\n')[0]).toBe('Signed in,Signed out,How signed out,Visitor,Company,Host,Purpose,NDA accepted,Badge,Escort');
    expect(csv).toContain(',Zoë Dvořák,Babbage Engines,Ada Staff,Signing the will,v1,printed label,yes');
    expect(csv).toContain(',Carl Late,"Late, Sons & Co",Ada Staff,');
    const text = await pdfText(`/api/v1/reports/visitors?format=pdf`);
    if (text !== null) {
      expect(text).toContain('Visitor log');
      expect(text).toContain('(purged)');
      expect(text).toContain(findReportFonts().unicode ? 'Dvořák' : 'Dvorák');
    }
    // Not in the report's entries, nor anywhere else in the log.
    const leaves = await f.server.services.db.sequelize.query<{ leaf: Buffer }>('SELECT leaf FROM log_entries', { type: QueryTypes.SELECT });
    const log = JSON.stringify(leaves.map((l) => decodeLeaf(Buffer.from(l.leaf))));
    expect(log).toContain('"report":"visitors"');
    expect(log).not.toMatch(/Zoë|Dvořák|Brian|Carl Late|Dana Here|Signing the will|Babbage|Sons/);
    expect(staying.visitId).toBeTruthy();
  });

  it('holds: scope, reason, who placed, approved and released them, the files covered; filtered by active', async () => {
    const all = await json('/api/v1/reports/holds');
    expect(all.rows).toEqual([
      expect.objectContaining({ scope: 'matter Birch / M2', reason: 'Regulator inquiry', placed_by: 'Mia Manager', approved_by: 'Max Admin', files: '1: SK-810004', status: 'ACTIVE', released: '', released_by: '' }),
      expect.objectContaining({ scope: 'client Cedar', placed_by: 'Max Admin', files: '1: SK-810005', status: 'released', released_by: 'Mia Manager, approved by Max Admin', release_reason: 'Settled' }),
    ]);
    expect((await json('/api/v1/reports/holds?active=true')).rows.map((r) => r.scope)).toEqual(['matter Birch / M2']);
    const released = await json('/api/v1/reports/holds?active=false');
    expect([released.title, released.rows.map((r) => r.scope)]).toEqual(['Released legal holds', ['client Cedar']]);
    expect((await get('/api/v1/reports/holds?active=maybe')).status).toBe(400);

    const csv = await (await get('/api/v1/reports/holds?format=csv')).text();
    expect(csv.split('\r\n')[0]).toBe('Scope,Reason,Placed by,Approved by,Placed,Files covered,Status,Released,Released by,Release reason');
    expect(csv).toContain('matter Birch / M2,Regulator inquiry,Mia Manager,Max Admin,');
    const text = await pdfText('/api/v1/reports/holds?format=pdf&active=true');
    if (text !== null) {
      expect(text).toContain('Active legal holds');
      expect(text).toContain('Regulator inquiry');
      expect(text).not.toContain('Cedar');
    }
    expect(await lastLeaf()).toMatchObject({ type: 'report.viewed', report: 'holds', format: 'pdf', active: true, holds: 1 });
    expect(JSON.stringify(await lastLeaf())).not.toMatch(/Regulator|Birch/);
  });

  it('refuses staff and reception, and a period that ends before it starts or is no date, writing nothing', async () => {
    for (const role of ['staff', 'reception'] as const) {
      for (const name of ['shredding', 'visitors', 'holds']) expect((await (await f.as(role)).fetch(`/api/v1/reports/${name}`)).status, `${role} ${name}`).toBe(403);
    }
    const before = f.server.services.writer.size;
    for (const name of ['shredding', 'visitors', 'cabinet-access']) {
      const backwards = await get(`/api/v1/reports/${name}?from=2026-03-02&to=2026-03-01`);
      expect(backwards.status).toBe(400);
      expect((await backwards.json()).fields.map((x: { field: string }) => x.field)).toEqual(['query.to']);
      const bad = await get(`/api/v1/reports/${name}?from=2026-02-30`);
      expect((await bad.json()).fields.map((x: { field: string }) => x.field)).toEqual(['query.from']);
    }
    expect(f.server.services.writer.size).toBe(before);
  });
});
