import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { Person, Visit } from '../../server/db/models';
import { visitorsOf, type VisitorsModule } from '../../server/visitors/visitors-module';
import { MASTER_KEY_FILE } from '../../server/visitors/settings';
import { startTestServer, type ServerFixture } from '../support/server';

/** The module as the office server runs it: master key in the data dir, reception devices through the bus. */
describe('visitors in a running office', () => {
  let f: ServerFixture;
  let visitors: VisitorsModule;
  let seq = 0;

  beforeAll(async () => {
    f = await startTestServer();
    visitors = visitorsOf(f.server.services)!;
  });
  afterAll(async () => f?.close());

  const readAtReception = async (data: string) => {
    const { bus, writer } = f.server.services;
    const before = writer.size;
    const answers: { ok: boolean; message: string }[] = [];
    const off = bus.on('station.answer', (a) => void (a.deviceId === 'reception-scanner' && answers.push(a)));
    bus.emit('device.event', { event: { kind: 'barcode', deviceId: 'reception-scanner', idempotencyKey: `wiring-${seq++}`, data }, receivedAt: new Date() });
    for (let i = 0; i < 250 && (writer.size === before || answers.length === 0); i++) await new Promise((r) => setTimeout(r, 20));
    off();
    return answers;
  };

  it('is attached to the services, with its master key created 0600 in the data directory', () => {
    expect(visitors).toBeDefined();
    const file = path.join(f.dataDir, MASTER_KEY_FILE);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('signs a visitor out when their badge is scanned at the reception scanner, and tells the scanner', async () => {
    const host = await Person.create({ id: uuidv7(), pseudonym: 'p_wiringhost000000000000', name: 'Daniel Voss', email: null, role: 'staff' });
    const arrived: string[] = [];
    f.server.services.bus.on('visitor.arrived', (a) => void arrived.push(a.hostPersonId));
    const visit = await visitors.service.signIn({ visitor: { person: { name: 'Grace Hopper' }, company: null }, hostPersonId: host.id, badge: { kind: 'label' } }, 'u_kiosk');
    expect(arrived).toEqual([host.id]);
    const token = visit.badge.kind === 'label' ? visit.badge.label.token : '';
    const answers = await readAtReception(token);
    expect(answers).toEqual([expect.objectContaining({ ok: true })]);
    expect(await Visit.findByPk(visit.visitId)).toMatchObject({ status: 'signed_out', sign_out_reason: 'badge_returned' });
  });
});
