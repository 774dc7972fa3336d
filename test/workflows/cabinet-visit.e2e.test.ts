import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startTestServer, type ServerFixture } from '../support/server';
import { boardClient } from '../support/board-client';
import { importCsv } from '../../server/domain/csv-import';
import { FileRecord, Alert } from '../../server/db/models';
import { decodeLeaf } from '../../server/custody-log/leaf';

/** Scenario script: real MQTT reads from cabinet 4's board, real writer, real database. */
describe('a cabinet visit, end to end', () => {
  let f: ServerFixture;
  let board: MqttClient;
  const commands: { deviceId: string; command: string }[] = [];
  const lockMessages: { cmd: string; retained: boolean }[] = [];
  let seq = 0;
  const boot = `e2e${Date.now().toString(36)}`;

  const read = async (fields: Record<string, unknown>) => {
    const before = f.server.services.writer.size;
    await board.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot, seq: seq++, ...fields }), { qos: 1 });
    for (let i = 0; i < 250 && f.server.services.writer.size === before; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
  };

  beforeAll(async () => {
    // A scripted visit badges the same card within seconds: the real 3 s debounce would fold those reads.
    f = await startTestServer({ devicePolicy: { debounceMs: 0 } });
    const { writer, db } = f.server.services;
    const people = 'name,email,role\nAda Staff,ada@example.com,staff\nBob Nobody,bob@example.com,staff\n';
    const badges = 'person_email,badge,format\nada@example.com,AABBCC01,hex\nbob@example.com,AABBCC02,hex\n';
    const records = 'barcode,client,matter,title,home_cabinet\nSK-700001,Acme,M1,Lease,cab-4\nSK-700002,Birch,M2,Will,cab-4\n';
    for (const [kind, text] of [['people', people], ['badges', badges], ['records', records]] as const) {
      expect((await importCsv(writer, kind, text, 'system:test')).ok).toBe(true);
    }
    await f.server.services.directory.refreshBadges(db.sequelize);
    // Ada may open cabinet 4 every day, all day; Bob has no access group.
    await db.sequelize.query(`INSERT INTO access_groups (id, name, created_at, updated_at) VALUES ('g1', 'Litigation', '2026-01-01', '2026-01-01')`);
    await db.sequelize.query(`INSERT INTO access_group_members (group_id, person_id) SELECT 'g1', id FROM people WHERE email = 'ada@example.com'`);
    await db.sequelize.query(`INSERT INTO access_rules (id, group_id, cabinet_id, days) VALUES ('r1', 'g1', 'cab-4', 'mon,tue,wed,thu,fri,sat,sun')`);
    f.server.services.bus.on('device.command', (c) => commands.push(c));
    board = await boardClient(f, 'safekeep/cab-4', { clientId: `cab-4-board-${boot}` });
    await board.subscribeAsync('safekeep/cab-4/command', { qos: 1 });
    board.on('message', (topic, payload, packet) => {
      if (topic === 'safekeep/cab-4/command') lockMessages.push({ ...(JSON.parse(payload.toString()) as { cmd: string }), retained: packet.retain });
    });
  });
  afterAll(async () => {
    await board?.endAsync();
    await f?.close();
  });

  it('refuses a badge without access: logged with its reason, alerted, the lock stays shut', async () => {
    await read({ kind: 'badge', uid: 'AABBCC02', format: 'hex' });
    expect(commands).toEqual([]);
    const alert = await Alert.findOne({ where: { type: 'cabinet.access_denied' } });
    expect(alert?.message).toMatch(/without access to this cabinet/);
  });

  it('opens for an authorized badge, checks a scanned file out to her, and locks when the door closes', async () => {
    await read({ kind: 'badge', uid: 'AABBCC01', format: 'hex' });
    expect(commands).toEqual([{ deviceId: 'cab-4-lock', command: 'unlock' }]);
    // The board itself receives the unlock, never as a retained message.
    await expect.poll(() => lockMessages.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(lockMessages[0]).toMatchObject({ cmd: 'unlock', retained: false });
    await read({ kind: 'door', state: 'open' });
    await read({ kind: 'barcode', data: 'SK-700001' });
    const file = await FileRecord.findOne({ where: { barcode: 'SK-700001' } });
    expect(file?.status).toBe('out');
    expect(file?.location_id).toBeNull();
    await read({ kind: 'door', state: 'closed' });
    expect(commands.at(-1)).toEqual({ deviceId: 'cab-4-lock', command: 'lock' });
    const chain = (await f.server.services.store.entriesOfRecord(file!.id)).map((r) => decodeLeaf(r.leaf));
    expect(chain.map((e) => e.type)).toEqual(['record.imported', 'record.checked_out']);
    expect(chain[1]).toMatchObject({ location: 'cab-4', device: 'cab-4-scanner', record_seq: 2 });
    expect(chain[1]!.evidence).toHaveLength(1);
    expect(await Alert.count({ where: { type: 'cabinet.forced' } })).toBe(0);
  });

  it('raises a forced-door alert when the door opens with no visit', async () => {
    await read({ kind: 'door', state: 'open' });
    expect(await Alert.count({ where: { type: 'cabinet.forced' } })).toBe(1);
    await read({ kind: 'door', state: 'closed' });
  });

  it('checks the file back in on the next visit', async () => {
    await read({ kind: 'badge', uid: 'AABBCC01', format: 'hex' });
    await read({ kind: 'barcode', data: 'SK-700001' });
    const file = await FileRecord.findOne({ where: { barcode: 'SK-700001' } });
    expect(file).toMatchObject({ status: 'in', location_id: 'cab-4', custodian_person_id: null });
  });
});
