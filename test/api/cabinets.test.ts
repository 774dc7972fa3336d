import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestOutcome } from '../../server/ingest/event-bus';
import type { DeviceEvent } from '../../server/ingest/device-event';
import { DEMO_PEOPLE, seedDemoOffice } from '../../server/demo/seed';
import type { CabinetStatus } from '../../server/api/routes/cabinets';
import { startTestServer, type ServerFixture } from '../support/server';

/** A device event as a test writes it: the key is added for it (Omit over each member of the union). */
type Read = DeviceEvent extends infer E ? (E extends DeviceEvent ? Omit<E, 'idempotencyKey'> : never) : never;

/** GET /api/v1/cabinets: what the cabinets page shows, from the office structure, device reads and visits. */
describe('the cabinets overview', () => {
  let f: ServerFixture;
  let seq = 0;

  /** A device read through the bus, answered once it is committed (or refused). */
  const read = (event: Read) =>
    new Promise<IngestOutcome>((settle) => {
      f.server.services.bus.emit('device.event', { event: { ...event, idempotencyKey: `cabinets-test-${seq++}` } as DeviceEvent, receivedAt: new Date(), settle });
    });
  const overview = async () => {
    const r = await (await f.as('manager')).json<{ cabinets: CabinetStatus[] }>('GET', '/api/v1/cabinets');
    expect(r.status).toBe(200);
    return new Map(r.body.cabinets.map((c) => [c.id, c]));
  };

  beforeAll(async () => {
    f = await startTestServer({ devicePolicy: { debounceMs: 0 } });
    await seedDemoOffice(f.server.services.writer);
    await f.server.services.directory.refreshBadges(f.server.services.db.sequelize);
  }, 60_000);
  afterAll(async () => f?.close());

  it('lists every cabinet of the office with its room, unknown device states and its files before anything happened', async () => {
    const cabinets = await overview();
    expect([...cabinets.keys()]).toEqual(['cab-1', 'cab-2', 'cab-3', 'cab-4']);
    const cab4 = cabinets.get('cab-4')!;
    expect(cab4.room).toEqual({ id: 'file-room', name: expect.any(String) });
    expect(cab4.door).toEqual({ device: 'cab-4-door', state: 'unknown', since: null });
    expect(cab4.lock).toEqual({ device: 'cab-4-lock', state: 'unknown', since: null });
    expect(cab4.visit).toBeNull();
    const total = [...cabinets.values()].reduce((n, c) => n + c.files.in + c.files.out + c.files.other, 0);
    expect(total).toBe(500);
    expect(cab4.files.in).toBeGreaterThan(0);
  });

  it("shows who has a cabinet open and since when, the door's and lock's last reports, and each cabinet's open alerts", async () => {
    const badge = DEMO_PEOPLE[0].badge;
    expect(await read({ kind: 'badge', deviceId: 'cab-4-reader', credential: { canonical: badge, raw: badge, format: 'hex' } })).toMatchObject({ status: 'stored' });
    expect(await read({ kind: 'door', deviceId: 'cab-4-door', state: 'open' })).toMatchObject({ status: 'stored' });
    expect(await read({ kind: 'lock', deviceId: 'cab-4-lock', state: 'unlocked' })).toMatchObject({ status: 'stored' });
    // Cabinet A opened with no badge at all: forced.
    expect(await read({ kind: 'door', deviceId: 'cab-1-door', state: 'open' })).toMatchObject({ status: 'stored' });

    const cabinets = await overview();
    const cab4 = cabinets.get('cab-4')!;
    expect(cab4.visit).toMatchObject({ person_name: DEMO_PEOPLE[0].name, started_at: expect.stringMatching(/Z$/) });
    expect(cab4.door).toMatchObject({ device: 'cab-4-door', state: 'open', since: expect.stringMatching(/Z$/) });
    expect(cab4.lock).toMatchObject({ device: 'cab-4-lock', state: 'unlocked' });
    expect(cab4.alerts.map((a) => a.type)).not.toContain('cabinet.forced');

    const cab1 = cabinets.get('cab-1')!;
    expect(cab1.visit).toBeNull();
    expect(cab1.door.state).toBe('open');
    expect(cab1.alerts.map((a) => a.type)).toContain('cabinet.forced');
    for (const other of ['cab-2', 'cab-3']) expect(cabinets.get(other)!.alerts.map((a) => a.type), other).not.toContain('cabinet.forced');
  });

  it('follows the door when it closes', async () => {
    expect(await read({ kind: 'door', deviceId: 'cab-4-door', state: 'closed' })).toMatchObject({ status: 'stored' });
    const cab4 = (await overview()).get('cab-4')!;
    expect(cab4.door.state).toBe('closed');
  });

  it('is for managers and admins only', async () => {
    for (const role of ['kiosk', 'reception', 'staff'] as const) {
      expect((await (await f.as(role)).json('GET', '/api/v1/cabinets')).status, role).toBe(403);
    }
    expect((await (await f.as('admin')).json('GET', '/api/v1/cabinets')).status).toBe(200);
    expect((await fetch(`${f.url}/api/v1/cabinets`)).status).toBe(401);
  });
});
