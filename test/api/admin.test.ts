import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startTestServer, type ServerFixture } from '../support/server';
import { boardClient } from '../support/board-client';
import { importCsv } from '../../server/domain/csv-import';
import { Alert } from '../../server/db/models';

/** Administration drives the cabinet rules: each change below changes what a badge at cabinet 4 does. */
describe('administration', () => {
  let f: ServerFixture;
  let board: MqttClient;
  const commands: string[] = [];
  let seq = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (method: string, path: string, body?: unknown) => (await f.as('admin')).json<any>(method, path, body);
  const badgeAtCabinet4 = async () => {
    const before = f.server.services.writer.size;
    await board.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: 'admin-test', seq: seq++, kind: 'badge', uid: '0A0B0C0D', format: 'hex' }), { qos: 1 });
    for (let i = 0; i < 200 && f.server.services.writer.size === before; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
  };
  const lastDenial = async () => (await Alert.findAll({ where: { type: 'cabinet.access_denied' }, order: [['created_at', 'DESC']] }))[0]?.message ?? '';

  beforeAll(async () => {
    f = await startTestServer({ devicePolicy: { debounceMs: 0 } });
    await importCsv(f.server.services.writer, 'records', 'barcode,client,matter,title,home_cabinet\nSK-600001,Delta,M1,Lease,cab-4\n', 'system:test');
    f.server.services.bus.on('device.command', (c) => commands.push(c.command));
    board = await boardClient(f, 'safekeep/cab-4', { clientId: `admin-test-${Date.now()}` });
  });
  afterAll(async () => {
    await board?.endAsync();
    await f?.close();
  });

  it('takes a person from unknown badge to an open cabinet, step by step', async () => {
    const person = await call('POST', '/api/v1/people', { name: 'Erin Example', email: 'erin@example.com', role: 'staff' });
    expect(person.status).toBe(201);
    const pid = person.body.id as string;
    expect((await call('POST', `/api/v1/people/${pid}/badges`, { badge: '0A0B0C0D' })).status).toBe(201);
    expect((await call('POST', `/api/v1/people/${pid}/badges`, { badge: '0a-0b-0c-0d' })).status).toBe(409);

    await badgeAtCabinet4();
    expect(await lastDenial()).toMatch(/without access to this cabinet/);

    const group = (await call('POST', '/api/v1/access-groups', { name: 'Real estate' })).body.id as string;
    expect((await call('PUT', `/api/v1/access-groups/${group}/members/${pid}`)).status).toBe(200);
    expect((await call('POST', `/api/v1/access-groups/${group}/rules`, { cabinet: 'cab-4', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] })).status).toBe(201);
    expect((await call('POST', `/api/v1/access-groups/${group}/rules`, { cabinet: 'cab-4', days: ['mon'], from: '09:00' })).status).toBe(400);

    const version = (await call('POST', '/api/v1/policy-versions', { title: 'Confidentiality', text: 'Keep files safe.' })).body.version;
    await badgeAtCabinet4();
    expect(await lastDenial()).toMatch(/confidentiality policy/);

    await call('POST', `/api/v1/policy-versions/${version}/acknowledgements`, { person_id: pid });
    await badgeAtCabinet4();
    expect(commands).toEqual(['unlock']);

    expect((await call('POST', '/api/v1/ethical-walls', { person_id: pid, client: 'Delta', reason: 'Conflict' })).status).toBe(201);
    await badgeAtCabinet4();
    expect(await lastDenial()).toMatch(/screened/);
    expect(commands).toEqual(['unlock']);
  });

  it('refuses bad administration input with the field named', async () => {
    const res = await call('PATCH', '/api/v1/people/nobody', {});
    expect(res.status).toBe(400);
    expect((await call('PATCH', '/api/v1/people/nobody', { active: false })).status).toBe(404);
    expect((await call('POST', '/api/v1/people', { name: 'X', role: 'wizard' })).body.fields[0].field).toBe('body.role');
  });
});
