import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startTestServer, type ServerFixture } from '../support/server';
import { boardClient } from '../support/board-client';
import { importCsv } from '../../server/domain/csv-import';
import { Alert, FileRecord } from '../../server/db/models';
import { decodeLeaf } from '../../server/custody-log/leaf';
import { QueryTypes } from 'sequelize';
import type { ApiClient } from '../support/auth-client';
import { binsOf, DisposalService } from '../../server/disposal/disposal-service';

/**
 * Scenario script, end to end: real MQTT reads from shred-1's boards as their firmware sends them
 * (the ESPHome board's Wiegand reader, the Safekeep-firmware scanner), the real writer, correlator
 * and database of a whole running office, and its real API for a signed-in manager and staff.
 */
describe('a shred bin, end to end', () => {
  let f: ServerFixture;
  let readerBoard: MqttClient;
  let scannerBoard: MqttClient;
  const answers: { deviceId: string; ok: boolean; message: string }[] = [];
  const commands: { deviceId: string; command: string }[] = [];
  const people: Record<string, string> = {};
  let seq = 0;
  const boot = `e2e${Date.now().toString(36)}`;

  const waitForLog = async (before: number) => {
    for (let i = 0; i < 250 && f.server.services.writer.size === before; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
  };
  /** ESPHome publishes a Wiegand-26 read as the decimal of its 24 bits (devices/simulator/firmware-payloads.ts). */
  const badge = async (uidHex: string) => {
    const before = f.server.services.writer.size;
    await readerBoard.publishAsync('safekeep/shred-1/wiegand', String(Number.parseInt(uidHex.slice(-6), 16)));
    await waitForLog(before);
  };
  const scan = async (barcode: string) => {
    const before = f.server.services.writer.size;
    await scannerBoard.publishAsync('safekeep/shred-1-scanner/read', JSON.stringify({ boot, seq: seq++, kind: 'barcode', data: barcode }), { qos: 1 });
    await waitForLog(before);
  };
  let disposal: DisposalService;
  let manager: ApiClient;
  let staff: ApiClient;
  const chain = async (barcode: string) => {
    const record = await FileRecord.findOne({ where: { barcode } });
    return (await f.server.services.store.entriesOfRecord(record!.id)).map((r) => decodeLeaf(r.leaf));
  };

  beforeAll(async () => {
    f = await startTestServer();
    const { writer, db, bus, clock, directory } = f.server.services;
    disposal = new DisposalService({ writer, bus, sequelize: db.sequelize, clock, dataDir: f.dataDir, findBin: binsOf(directory) });
    const csv = {
      people: 'name,email,role\nAda Staff,ada@example.com,staff\nMia Manager,mia@example.com,manager\nMax Admin,max@example.com,admin\nVic Vendor,vic@shredco.example,vendor\n',
      badges: 'person_email,badge,format\nada@example.com,0A11B201,hex\nmia@example.com,0A11B202,hex\nmax@example.com,0A11B203,hex\nvic@shredco.example,0A11B204,hex\n',
      records:
        'barcode,client,matter,title,home_cabinet,retention_class\nSK-800001,Acme,M1,Lease,cab-4,closed+7y\nSK-800002,Acme,M1,Correspondence,cab-4,closed+7y\nSK-800003,Acme,M9,Pleadings,cab-4,closed+7y\n',
    };
    for (const kind of ['people', 'badges', 'records'] as const) expect((await importCsv(writer, kind, csv[kind], 'system:test')).ok).toBe(true);
    await f.server.services.directory.refreshBadges(db.sequelize);
    for (const p of await db.sequelize.query<{ id: string; email: string }>('SELECT id, email FROM people', { type: QueryTypes.SELECT })) people[p.email.split('@')[0]!] = p.id;
    bus.on('station.answer', (a) => answers.push(a));
    bus.on('device.command', (c) => commands.push(c));
    // The manager's account is Mia's: holds she asks for name her.
    manager = await f.as('manager');
    staff = await f.as('staff');
    await db.sequelize.query("UPDATE users SET person_id = :mia WHERE username = 'test-manager'", { replacements: { mia: people.mia } });
    readerBoard = await boardClient(f, 'safekeep/shred-1', { clientId: `shred-1-board-${boot}` });
    scannerBoard = await boardClient(f, 'safekeep/shred-1-scanner', { clientId: `shred-1-scanner-${boot}` });
  });
  afterAll(async () => {
    await readerBoard?.endAsync();
    await scannerBoard?.endAsync();
    await f?.close();
  });

  it('a signed-in manager sets up retention: a class, a closed matter, a hold on one file approved by another manager', async () => {
    expect((await manager.json('POST', '/api/v1/retention-classes', { name: 'closed+7y', trigger: 'matter_closed', years: 7 })).status).toBe(201);
    expect((await staff.json('POST', '/api/v1/retention-classes', { name: 'closed+1y', trigger: 'matter_closed', years: 1 })).status).toBe(403);
    expect((await manager.json('PUT', '/api/v1/matters', { client: 'Acme', matter: 'M1', closed_at: '2010-06-30T00:00:00Z', parties: ['Acme Corp', 'John Doe'] })).status).toBe(200);
    const hold = { scope: 'record', barcode: 'SK-800002', reason: 'Pending audit' };
    const selfApproved = await manager.json<{ fields: { field: string }[] }>('POST', '/api/v1/holds', { ...hold, approved_by: people.mia });
    expect(selfApproved.status).toBe(409);
    expect(selfApproved.body.fields[0]!.field).toBe('body.approved_by');
    const placed = await manager.json('POST', '/api/v1/holds', { ...hold, approved_by: people.max });
    expect(placed).toMatchObject({ status: 201, body: { placed_by: people.mia, approved_by: people.max } });
    const eligible = await staff.json<{ records: { barcode: string }[] }>('GET', '/api/v1/disposal/eligible');
    expect(eligible.body.records.map((r) => r.barcode)).toEqual(['SK-800001']);
  });

  it('at the bin: a badge, then each file scanned; the eligible one goes in, the held and the early one are refused', async () => {
    await badge('0A11B201');
    await scan('SK-800001');
    await scan('SK-800002');
    await scan('SK-800003');
    expect(answers.map((a) => [a.deviceId, a.ok])).toEqual([
      ['shred-1-reader', true],
      ['shred-1-scanner', true],
      ['shred-1-scanner', false],
      ['shred-1-scanner', false],
    ]);
    expect(await FileRecord.findOne({ where: { barcode: 'SK-800001' } })).toMatchObject({ status: 'deposited', location_id: 'shred-1', custodian_person_id: null });
    expect(await FileRecord.findOne({ where: { barcode: 'SK-800002' } })).toMatchObject({ status: 'in', location_id: 'cab-4' });
    const refused = await Alert.findAll({ where: { type: 'disposal.refused' }, order: [['created_at', 'ASC']] });
    expect(refused.map((a) => a.severity)).toEqual(['critical', 'warning']);
    expect(refused[0]!.message).toMatch(/SK-800002.*legal hold/);
    // The demo bin has no seal: nothing to unlock, the refusal is the answer, the fact and the alert.
    expect(commands).toEqual([]);
    const held = await chain('SK-800002');
    expect(held.map((e) => e.type)).toEqual(['record.imported', 'hold.placed', 'disposal.refused', 'alert.raised']);
    expect(held[2]).toMatchObject({ reason: 'legal_hold', location: 'shred-1', device: 'shred-1-scanner' });
  });

  it("the vendor's badge at the reader starts the pickup of what the bin holds", async () => {
    await badge('0A11B204');
    const batches = await disposal.listBatches();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ bin: 'shred-1', started_via: 'badge', started_by: people.vic, files: 1, certified: 0 });
    expect(answers.at(-1)).toEqual({ deviceId: 'shred-1-reader', ok: true, message: 'Collect 1 file' });
    expect((await disposal.reconciliation())[0]).toMatchObject({ status: 'awaiting_certificate', missing: ['SK-800001'] });
  });

  it('the certificate, uploaded by the manager, marks the batch destroyed; its hash is logged, the file kept, the operator off the log', async () => {
    const [batch] = await disposal.listBatches();
    const pdf = Buffer.from('%PDF-1.4\n% Certificate of destruction SC-2026-118\n');
    const form = new FormData();
    const fields = { serial_number: 'SC-2026-118', destroyed_on: new Date().toISOString().slice(0, 10), place: 'ShredCo plant', method: 'pulping', operator_name: 'Walter Witness' };
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'sc-2026-118.pdf');
    const res = await manager.fetch(`/api/v1/disposal/batches/${batch!.id}/certificate/upload`, { method: 'POST', body: form });
    expect(res.status).toBe(201);
    const result = (await res.json()) as { certified: string[]; certificate: { id: string; file_sha256: string } };
    expect(result).toMatchObject({ certified: ['SK-800001'], refused: [], extra: [] });
    expect(await FileRecord.findOne({ where: { barcode: 'SK-800001' } })).toMatchObject({ status: 'destroyed', location_id: null });
    const download = await manager.fetch(`/api/v1/disposal/certificates/${result.certificate.id}/file`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
    const csv = await (await manager.fetch('/api/v1/disposal/reconciliation?format=csv')).text();
    expect(csv.trim().split('\r\n')[1]).toMatch(/,1,1,1,0,0,reconciled,,$/);

    const destroyed = await chain('SK-800001');
    expect(destroyed.map((e) => e.type)).toEqual(['record.imported', 'disposal.deposited', 'disposal.collected', 'disposal.certified']);
    expect(destroyed[1]).toMatchObject({ device: 'shred-1-scanner', location: 'shred-1', record_seq: 2 });
    expect(destroyed[1]!.evidence).toHaveLength(1);
    expect((await disposal.reconciliation())[0]).toMatchObject({ status: 'reconciled', deposited: 1, certified: 1, missing: [], extra: [] });

    // Nothing personal in the log: not the operator, not the parties, not the hold's reason.
    const leaves = await f.server.services.db.sequelize.query<{ leaf: Buffer }>('SELECT leaf FROM log_entries', { type: QueryTypes.SELECT });
    const text = JSON.stringify(leaves.map((l) => decodeLeaf(Buffer.from(l.leaf))));
    expect(text).toContain(result.certificate.file_sha256);
    expect(text).not.toMatch(/Walter|Witness|John Doe|Pending audit|Acme/);
  });
});
