import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ServerFixture } from '../support/server';
import { TEST_PASSWORD } from '../support/auth-client';
import { decodeLeaf } from '../../server/custody-log/leaf';

interface Account {
  id: string;
  username: string;
  role: string;
  kind: string;
  person_id: string | null;
  second_factor: boolean;
  disabled: boolean;
  created_at: string;
}

/** Administrators list the sign-in accounts and disable or enable them, audited (issue 3, 6). */
describe('sign-in accounts for administrators', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startTestServer();
  });
  afterAll(async () => f?.close());

  const list = async () => {
    const admin = await f.as('admin');
    const res = await admin.json<{ users: Account[] }>('GET', '/api/v1/users');
    expect(res.status).toBe(200);
    return res.body.users;
  };
  const logTypes = async () => {
    const types: string[] = [];
    for await (const page of f.server.services.store.pages()) types.push(...page.map((row) => decodeLeaf(row.leaf).type));
    return types;
  };

  it('lists every account with its role, second factor and state, and nothing secret; only to admins', async () => {
    await f.as('staff');
    await f.as('manager');
    const users = await list();
    expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(['test-admin', 'test-manager', 'test-staff']));
    expect(users.find((u) => u.username === 'test-manager')).toMatchObject({ role: 'manager', kind: 'person', second_factor: true, disabled: false });
    expect(users.find((u) => u.username === 'test-staff')).toMatchObject({ role: 'staff', second_factor: false, disabled: false });
    expect(JSON.stringify(users)).not.toMatch(/password|totp|\$argon|\$scrypt/i);
    for (const role of ['staff', 'manager'] as const) expect((await (await f.as(role)).json('GET', '/api/v1/users')).status).toBe(403);
  });

  it('disables an account, ending its session at once, and enables it again; both audited', async () => {
    const admin = await f.as('admin');
    const staff = await f.as('staff');
    const id = (await list()).find((u) => u.username === 'test-staff')!.id;
    expect((await admin.json('POST', `/api/v1/users/${id}/disable`)).status).toBe(200);
    expect((await staff.json<{ signed_in: boolean }>('GET', '/api/v1/auth/session')).body.signed_in).toBe(false);
    expect((await staff.json('GET', '/api/v1/records')).status).toBe(401);
    expect((await list()).find((u) => u.id === id)?.disabled).toBe(true);

    expect((await admin.json('POST', `/api/v1/users/${id}/enable`)).status).toBe(200);
    expect((await list()).find((u) => u.id === id)?.disabled).toBe(false);
    const login = await fetch(`${f.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(f.url).origin },
      body: JSON.stringify({ username: 'test-staff', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const types = await logTypes();
    expect(types.lastIndexOf('user.enabled')).toBeGreaterThan(types.lastIndexOf('user.disabled'));
  });

  it("refuses to disable the administrator's own account or an unknown one, writing nothing", async () => {
    const admin = await f.as('admin');
    const own = (await list()).find((u) => u.username === 'test-admin')!.id;
    const size = f.server.services.writer.size;
    const refused = await admin.json<{ error: string }>('POST', `/api/v1/users/${own}/disable`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/your own account/);
    expect((await admin.json('POST', '/api/v1/users/no-such-user/disable')).status).toBe(404);
    expect(f.server.services.writer.size).toBe(size);
    expect((await list()).find((u) => u.id === own)?.disabled).toBe(false);
  });
});
