import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ServerFixture } from '../support/server';
import { seedDemoOffice } from '../../server/demo/seed';

/** The read side of administration the dashboard's forms need: badges, access groups, walls, policy versions, bins. */
describe('administration lists', () => {
  let f: ServerFixture;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (role: 'admin' | 'manager' | 'staff', method: string, path: string, body?: unknown) => (await f.as(role)).json<any>(method, path, body);

  beforeAll(async () => {
    f = await startTestServer();
    await seedDemoOffice(f.server.services.writer);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('lists access groups with members and rules, and the cabinets a rule may name', async () => {
    const { body } = await call('manager', 'GET', '/api/v1/access-groups');
    const group = body.groups.find((g: { id: string }) => g.id === 'all-staff');
    expect(group.members).toHaveLength(7);
    expect(group.rules.map((r: { cabinet: string }) => r.cabinet)).toEqual(['cab-1', 'cab-2', 'cab-3', 'cab-4']);
    expect(group.rules[0]).toMatchObject({ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: null, to: null });
    expect(body.cabinets.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['cab-1', 'cab-4']));
  });

  it('lists ethical walls and policy versions with their acknowledgements', async () => {
    const walls = (await call('manager', 'GET', '/api/v1/ethical-walls')).body.walls;
    expect(walls).toHaveLength(1);
    expect(walls[0]).toMatchObject({ client: 'Delacroix Family Trust', matter: null, reason: expect.any(String) });
    expect(Number.isNaN(Date.parse(walls[0].created_at))).toBe(false);
    const versions = (await call('manager', 'GET', '/api/v1/policy-versions')).body.versions;
    expect(versions).toEqual([expect.objectContaining({ version: 1, title: 'Confidentiality policy', acknowledged: 8 })]);
  });

  it("lists a person's badges, revoked ones included, to admins only", async () => {
    const people = (await call('admin', 'GET', '/api/v1/people')).body.people as { id: string; name: string }[];
    const owen = people.find((p) => p.name === 'Owen Price')!;
    const before = (await call('admin', 'GET', `/api/v1/badges?person=${owen.id}`)).body.badges;
    expect(before).toEqual([expect.objectContaining({ person_id: owen.id, canonical: expect.any(String), active: true })]);
    expect((await call('admin', 'POST', `/api/v1/badges/${before[0].id}/revoke`)).status).toBe(200);
    expect((await call('admin', 'GET', `/api/v1/badges?person=${owen.id}`)).body.badges[0].active).toBe(false);
    expect((await call('manager', 'GET', '/api/v1/badges')).status).toBe(403);
  });

  it('lists shred bins with what awaits the next pickup, to managers', async () => {
    const { body } = await call('manager', 'GET', '/api/v1/disposal/bins');
    expect(body.bins).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'shred-1', awaiting_pickup: 0, held: 0 })]));
  });

  it('keeps every list from staff', async () => {
    for (const path of ['/api/v1/access-groups', '/api/v1/ethical-walls', '/api/v1/policy-versions', '/api/v1/badges', '/api/v1/disposal/bins']) {
      expect((await call('staff', 'GET', path)).status, path).toBe(403);
    }
  });
});
