import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ServerFixture } from '../support/server';
import { TEST_PASSWORD } from '../support/auth-client';
import { importCsv } from '../../server/domain/csv-import';
import { User } from '../../server/auth/auth-models';
import { totp } from '../../server/auth/totp';
import { base32Decode } from '../../server/auth/base32';

/** Placing a legal hold, erasing visitors' data and administering users ask for the password again. */
describe('re-authentication before sensitive actions', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startTestServer();
    await importCsv(f.server.services.writer, 'records', 'barcode,client,matter,title,home_cabinet\nSK-300001,Acme,M1,Lease,cab-1\n', 'system:test');
  });
  afterAll(async () => f?.close());

  it('refuses a legal hold until the manager confirms password and code, then accepts it', async () => {
    const manager = await f.as('manager');
    // Signing in counts as a fresh confirmation; a session some minutes old has none.
    await f.server.services.db.sequelize.query('UPDATE sessions SET reauth_at = NULL');
    const hold = { scope: 'record', barcode: 'SK-300001', reason: 'Litigation expected' };
    const first = await manager.json<{ fields?: { message: string }[] }>('POST', '/api/v1/holds', hold);
    expect(first.status).toBe(403);
    expect(first.body.fields?.[0]?.message).toBe('reauth_required');
    const user = (await User.findOne({ where: { username: 'test-manager' } }))!;
    // The next 30-second step: the sign-in already used this one, and a code works only once.
    const code = totp(base32Decode(user.totp_secret!), Date.now() + 30_000);
    const wrong = await manager.json('POST', '/api/v1/auth/reauth', { password: 'not the password', totp: code });
    expect(wrong.status).toBe(401);
    const reauth = await manager.json('POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD, totp: code });
    expect(reauth.status).toBe(200);
    const second = await manager.json('POST', '/api/v1/holds', hold);
    expect(second.status, JSON.stringify(second.body)).not.toBe(403);
  });
});
