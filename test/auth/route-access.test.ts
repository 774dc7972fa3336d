import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { ROUTES } from '../../server/api/route-table';
import { SOCKET_EVENTS } from '../../server/api/live-socket';
import type { RouteDef } from '../../server/api/route';
import { startTestServer, type ServerFixture } from '../support/server';
import { signIn, type ApiClient, type SignInRole } from '../support/auth-client';

const ROLES: SignInRole[] = ['reception', 'staff', 'manager', 'admin', 'kiosk'];
const ROLE_DENIED = 'your role does not allow this';

/** A request that reaches the route's gate: parameters filled in, an empty body. */
function requestFor(route: RouteDef): { path: string; init: RequestInit } {
  const path = route.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => (name === 'barcode' ? 'SK-000001' : name === 'version' ? '1' : 'no-such-id'));
  const init: RequestInit = { method: route.method.toUpperCase() };
  if (route.method !== 'get' && route.method !== 'delete') Object.assign(init, { body: '{}', headers: { 'content-type': 'application/json' } });
  return { path, init };
}

const label = (route: RouteDef) => `${route.method.toUpperCase()} ${route.path}`;

/**
 * Walks every route of the server for every role, and without a session. A route added without
 * the right rule, or a rule that stops holding, fails here.
 */
describe('access to every route, for every role', () => {
  let f: ServerFixture;
  const clients = new Map<SignInRole, ApiClient>();

  beforeAll(async () => {
    f = await startTestServer();
    for (const role of ROLES) clients.set(role, await f.as(role));
  }, 120_000);
  afterAll(async () => f?.close());

  it('declares a rule for every route: public, or at least one role', () => {
    for (const route of ROUTES) {
      const access = route.access;
      expect('public' in access || access.roles.length > 0, label(route)).toBe(true);
    }
    expect(ROUTES.length).toBeGreaterThan(40);
  });

  it('answers 401 to every non-public route without a session, and lets public ones through', async () => {
    for (const route of ROUTES) {
      const { path, init } = requestFor(route);
      const res = await fetch(`${f.url}${path}`, init);
      if ('public' in route.access) expect(res.status, label(route)).not.toBe(401);
      else expect(res.status, label(route)).toBe(401);
    }
  });

  it('admits exactly the roles each route names', async () => {
    const mismatches: string[] = [];
    for (const route of ROUTES) {
      if ('public' in route.access) continue;
      // Signing out would end the walking client's session: that route gets its own client below.
      if (route.path === '/api/v1/auth/logout') continue;
      for (const role of ROLES) {
        const { path, init } = requestFor(route);
        const res = await clients.get(role)!.fetch(path, init);
        const body = res.status === 403 ? ((await res.json()) as { error: string }) : null;
        const denied = body?.error === ROLE_DENIED;
        const allowed = route.access.roles.includes(role);
        if (res.status === 401 || denied === allowed) mismatches.push(`${label(route)} as ${role}: ${res.status} ${body?.error ?? ''}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 300_000);

  it('logs every role denial in the custody log under a pseudonym', async () => {
    const before = f.server.services.writer.size;
    const res = await clients.get('kiosk')!.fetch('/api/v1/people');
    expect(res.status).toBe(403);
    const { decodeLeaf } = await import('../../server/custody-log/leaf');
    const rows = [];
    for await (const page of f.server.services.store.pages()) rows.push(...page.filter((r) => r.idx >= before));
    const leaf = decodeLeaf(rows[0]!.leaf);
    expect(leaf).toMatchObject({ type: 'user.access_denied', reason: 'role', target: 'GET /api/v1/people' });
    expect(String(leaf.actor)).toMatch(/^[pu]_[0-9a-f]{24}$/);
  });

  it('refuses a state-changing request without the CSRF token, or from another site', async () => {
    const admin = clients.get('admin')!;
    const body = JSON.stringify({ name: 'Mallory' });
    const noToken = await fetch(`${f.url}/api/v1/access-groups`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body });
    expect(noToken.status).toBe(403);
    const crossSite = await admin.fetch('/api/v1/access-groups', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body });
    expect(crossSite.status).toBe(403);
    const fetchSite = await admin.fetch('/api/v1/access-groups', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, body });
    expect(fetchSite.status).toBe(403);
    const ok = await admin.fetch('/api/v1/access-groups', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(ok.status).toBe(201);
  });

  it('signing out ends the session', async () => {
    const client = await signIn(f.server, 'staff', 'leaving-staff');
    expect((await client.fetch('/api/v1/records')).status).toBe(200);
    expect((await client.fetch('/api/v1/auth/logout', { method: 'POST' })).status).toBe(200);
    expect((await client.fetch('/api/v1/records')).status).toBe(401);
  });
});

describe('live events over socket.io', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startTestServer();
  });
  afterAll(async () => f?.close());

  const connect = (client: ApiClient | null, origin?: string) =>
    new Promise<{ socket: Socket; ok: boolean }>((resolve) => {
      const headers: Record<string, string> = {};
      if (client) headers.cookie = client.cookie;
      headers.origin = origin ?? client?.origin ?? new URL(f.url).origin;
      const socket = connectSocket(f.url, { transports: ['websocket'], extraHeaders: headers, reconnection: false });
      socket.once('connect', () => resolve({ socket, ok: true }));
      socket.once('connect_error', () => resolve({ socket, ok: false }));
    });

  it('refuses a connection without a session or from another origin', async () => {
    expect((await connect(null)).ok).toBe(false);
    const staff = await f.as('staff');
    expect((await connect(staff, 'https://evil.example')).ok).toBe(false);
    const good = await connect(staff);
    expect(good.ok).toBe(true);
    good.socket.close();
  });

  it('sends each event only to the roles allowed to see it', async () => {
    const heard = new Map<string, string[]>();
    const sockets: Socket[] = [];
    // Sign everyone in first: signing in is itself logged, and would be heard.
    for (const role of ['kiosk', 'staff', 'manager'] as const) await f.as(role);
    for (const role of ['kiosk', 'staff', 'manager'] as const) {
      const { socket } = await connect(await f.as(role));
      sockets.push(socket);
      heard.set(role, []);
      for (const event of Object.keys(SOCKET_EVENTS)) socket.on(event, () => heard.get(role)!.push(event));
    }
    await f.server.services.writer.submit({ run: async (ctx) => ctx.append({ type: 'test.event' }) });
    f.server.services.bus.emit('alert.raised', { id: 'a', type: 't', severity: 'warning', message: 'm', logIndex: 0 });
    await expect.poll(() => heard.get('manager')!.length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => heard.get('staff')!.length, { timeout: 10_000 }).toBe(1);
    // What the kiosk must not hear would have come with the others'; a moment more for a late one.
    await new Promise((r) => setTimeout(r, 300));
    expect(heard.get('kiosk')).toEqual([]);
    expect(heard.get('staff')).toEqual(['custody']);
    expect(heard.get('manager')!.sort()).toEqual(['alert', 'custody']);
    for (const s of sockets) s.close();
  });

  it('drops and logs a client that sends any event, and disconnects a user who signs out', async () => {
    const client = await signIn(f.server, 'staff', 'socket-staff');
    const { socket } = await connect(client);
    const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    socket.emit('custody', { forged: true });
    await gone;
    const second = await connect(client);
    const closed = new Promise<void>((resolve) => second.socket.once('disconnect', () => resolve()));
    await client.fetch('/api/v1/auth/logout', { method: 'POST' });
    await closed;
  });
});
