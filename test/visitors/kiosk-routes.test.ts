import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type LeafEvent } from '../../server/custody-log/leaf';
import { Visit } from '../../server/db/models';
import { startTestServer, type ServerFixture } from '../support/server';
import type { ApiClient } from '../support/auth-client';

/** The two endpoints the lobby kiosk needs: sign-out by badge QR code, and the list of hosts. */
describe('the kiosk endpoints', () => {
  let f: ServerFixture;
  let manager: ApiClient;
  let kiosk: ApiClient;
  let hostId: string;
  const people: Record<string, string> = {};

  const leavesSince = async (from: number): Promise<LeafEvent[]> => {
    const out: LeafEvent[] = [];
    for await (const page of f.server.services.store.pages()) for (const row of page) if (row.idx >= from) out.push(decodeLeaf(row.leaf));
    return out;
  };
  const walkIn = async (name: string) => {
    const r = await manager.json<{ visit_id: string; badge: { kind: 'label'; label: { token: string } } }>('POST', '/api/v1/visitors/sign-in', {
      visitor: { person: { name, email: 'visitor@example.com' }, company: 'Acme' },
      host_person_id: hostId,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { visitId: r.body.visit_id, token: r.body.badge.label.token };
  };

  beforeAll(async () => {
    f = await startTestServer();
    manager = await f.as('manager');
    kiosk = await f.as('kiosk');
    const admin = await f.as('admin');
    const add = async (name: string, role: string) => {
      const r = await admin.json<{ id: string }>('POST', '/api/v1/people', { name, email: `${name.split(' ')[0]!.toLowerCase()}@hartley-voss.example`, role });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      people[name] = r.body.id;
      return r.body.id;
    };
    hostId = await add('Margaret Hartley', 'staff');
    await add('Victor Vendor', 'vendor');
    const gone = await add('Gone Person', 'staff');
    expect((await admin.json('PATCH', `/api/v1/people/${gone}`, { active: false })).status).toBe(200);
  }, 60_000);
  afterAll(async () => f?.close());

  it('signs a visitor out by their badge token, as a custody-log entry without personal data', async () => {
    const { visitId, token } = await walkIn('Ada Lovelace');
    const before = f.server.services.writer.size;
    const r = await kiosk.json<{ visit_id: string; signed_out_at: string; first_name: string }>('POST', '/api/v1/visitors/sign-out', { token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ visit_id: visitId, first_name: 'Ada' });
    expect(await Visit.findByPk(visitId)).toMatchObject({ status: 'signed_out', sign_out_reason: 'badge_returned', badge_token_hash: null });
    const leaves = await leavesSince(before);
    const signedOut = leaves.find((l) => l.type === 'visitor.signed_out');
    expect(signedOut).toMatchObject({ visit: visitId, how: 'badge', location: 'reception' });
    expect(String(signedOut!.subject)).toMatch(/^v_/);
    const text = JSON.stringify(leaves);
    for (const secret of ['Ada', 'Lovelace', 'visitor@example.com', token]) expect(text).not.toContain(secret);
  });

  it('refuses the same badge twice, and writes nothing the second time', async () => {
    const { token } = await walkIn('Grace Hopper');
    const reception = await f.as('reception');
    expect((await reception.json('POST', '/api/v1/visitors/sign-out', { token })).status).toBe(200);
    const before = f.server.services.writer.size;
    const again = await kiosk.json<{ reason: string; error: string }>('POST', '/api/v1/visitors/sign-out', { token });
    expect(again.status).toBe(404);
    expect(again.body.reason).toBe('badge_unknown');
    expect(again.body.error).toMatch(/already signed out/);
    expect(f.server.services.writer.size).toBe(before);
  });

  it('refuses unknown and malformed tokens and invitation codes with a clear 4xx, writing nothing', async () => {
    const before = f.server.services.writer.size;
    const unknown = await kiosk.json<{ reason: string }>('POST', '/api/v1/visitors/sign-out', { token: 'SKV:0123456789ABCDEFGHJKMNPQRS' });
    expect([unknown.status, unknown.body.reason]).toEqual([404, 'badge_unknown']);
    const notAToken = await kiosk.json<{ reason: string }>('POST', '/api/v1/visitors/sign-out', { token: 'https://example.com/' });
    expect([notAToken.status, notAToken.body.reason]).toEqual([404, 'badge_unknown']);
    const missing = await kiosk.json<{ fields: { field: string }[] }>('POST', '/api/v1/visitors/sign-out', {});
    expect(missing.status).toBe(400);
    expect(missing.body.fields.map((x) => x.field)).toContain('body.token');
    const tooLong = await kiosk.json<{ fields: { field: string }[] }>('POST', '/api/v1/visitors/sign-out', { token: 'x'.repeat(65) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.fields.map((x) => x.field)).toContain('body.token');
    const extra = await kiosk.json('POST', '/api/v1/visitors/sign-out', { token: 'SKV:0123456789ABCDEFGHJKMNPQRS', visit_id: 'x' });
    expect(extra.status).toBe(400);
    expect(f.server.services.writer.size).toBe(before);

    const invited = await manager.json<{ token: string }>('POST', '/api/v1/visitors/preregistrations', {
      visitor: { person: { name: 'Alan Turing' } },
      host_person_id: hostId,
      expected_at: new Date().toISOString(),
    });
    expect(invited.status).toBe(201);
    const afterInvite = f.server.services.writer.size;
    const invitation = await kiosk.json<{ reason: string }>('POST', '/api/v1/visitors/sign-out', { token: invited.body.token });
    expect([invitation.status, invitation.body.reason]).toEqual([409, 'not_signed_in']);
    expect(f.server.services.writer.size).toBe(afterInvite);
  });

  it('lets only the kiosk and reception sign out by badge or list hosts', async () => {
    const { token } = await walkIn('Hedy Lamarr');
    for (const role of ['staff', 'manager', 'admin'] as const) {
      const client = await f.as(role);
      expect((await client.json('POST', '/api/v1/visitors/sign-out', { token })).status, role).toBe(403);
      expect((await client.json('GET', '/api/v1/visitors/hosts')).status, role).toBe(403);
    }
    const anonymous = await fetch(`${f.url}/api/v1/visitors/hosts`);
    expect(anonymous.status).toBe(401);
    expect((await kiosk.json('POST', '/api/v1/visitors/sign-out', { token })).status).toBe(200);
  });

  it('lists hosts by id and name only: current staff, no vendors, nobody inactive', async () => {
    for (const client of [kiosk, await f.as('reception')]) {
      const r = await client.json<{ hosts: Record<string, unknown>[] }>('GET', '/api/v1/visitors/hosts');
      expect(r.status).toBe(200);
      for (const h of r.body.hosts) expect(Object.keys(h).sort()).toEqual(['id', 'name']);
      const names = r.body.hosts.map((h) => h.name);
      expect(names).toContain('Margaret Hartley');
      expect(names).not.toContain('Victor Vendor');
      expect(names).not.toContain('Gone Person');
      expect(r.body.hosts.find((h) => h.name === 'Margaret Hartley')!.id).toBe(hostId);
      expect(JSON.stringify(r.body)).not.toMatch(/@|pseudonym|role|badge/);
    }
  });
});
