import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ServerFixture } from '../support/server';
import { TEST_PASSWORD } from '../support/auth-client';
import { importCsv } from '../../server/domain/csv-import';
import { User } from '../../server/auth/auth-models';
import { totp } from '../../server/auth/totp';
import { base32Decode } from '../../server/auth/base32';
import { verifyBundle } from '../../server/custody-log/bundle';
import { verifyLog } from '../../server/custody-log/verify-log';

interface Rotated {
  old_key: string;
  new_key: string;
  checkpoint: { size: number; note: string };
}
interface Keys {
  current: string;
  keys: { verifier_key: string; from_size: number; until_size: number | null }[];
  key_history: string;
}

/** Rotating the log key is an admin's act, confirmed with password and code again (issue 3). */
describe('POST /api/v1/log/key/rotate', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startTestServer();
    await importCsv(f.server.services.writer, 'records', 'barcode,client,matter,title,home_cabinet\nSK-300001,Acme,M1,Lease,cab-1\n', 'system:test');
  });
  afterAll(async () => f?.close());

  it('refuses a manager, and an admin who has not re-authenticated recently', async () => {
    const manager = await f.as('manager');
    expect((await manager.json('POST', '/api/v1/log/key/rotate')).status).toBe(403);
    const admin = await f.as('admin');
    await f.server.services.db.sequelize.query('UPDATE sessions SET reauth_at = NULL');
    const refused = await admin.json<{ fields?: { message: string }[] }>('POST', '/api/v1/log/key/rotate');
    expect(refused.status).toBe(403);
    expect(refused.body.fields?.[0]?.message).toBe('reauth_required');
    expect(f.server.services.key.history.history.rotations).toHaveLength(0);
  });

  it('rotates after re-authentication; old and new bundles verify offline with the key history', async () => {
    const admin = await f.as('admin');
    const manager = await f.as('manager');
    const before = await manager.fetch('/api/v1/records/SK-300001/bundle');
    expect(before.status).toBe(200);
    const oldBundle = await before.text();

    const user = (await User.findOne({ where: { username: 'test-admin' } }))!;
    const code = totp(base32Decode(user.totp_secret!), Date.now() + 30_000);
    expect((await admin.json('POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD, totp: code })).status).toBe(200);
    const rotated = await admin.json<Rotated>('POST', '/api/v1/log/key/rotate');
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.checkpoint.note.match(/^\u2014 /gm)).toHaveLength(2);

    const keys = (await manager.json<Keys>('GET', '/api/v1/log/keys')).body;
    expect(keys.current).toBe(rotated.body.new_key);
    expect(keys.keys.map((k) => [k.verifier_key, k.until_size])).toEqual([
      [rotated.body.old_key, rotated.body.checkpoint.size],
      [rotated.body.new_key, null],
    ]);

    const after = await (await manager.fetch('/api/v1/records/SK-300001/bundle')).text();
    expect(verifyBundle(after, { trustedKey: rotated.body.new_key })).toMatchObject({ ok: true });
    expect(verifyBundle(after, { trustedKey: rotated.body.old_key, keyHistory: keys.key_history })).toMatchObject({ ok: true });
    expect(verifyBundle(oldBundle, { trustedKey: rotated.body.new_key, keyHistory: keys.key_history })).toMatchObject({ ok: true });
    const entries = (verifyBundle(after) as { entries: { type: string }[] }).entries.map((e) => e.type);
    expect(entries.filter((t) => t === 'bundle.exported')).toHaveLength(2);
    expect(await verifyLog(f.server.services.store, f.server.services.key.history)).toMatchObject({ ok: true });
  });
});
