import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dialectsUnderTest } from '../support/databases';
import { authFixture, FAKE_HASH, type AuthFixture } from './auth-fixture';
import { Session } from '../../server/auth/auth-models';
import { hashToken } from '../../server/auth/secret-tokens';
import { REAUTH_WINDOW_MS, SESSION_TIMEOUTS, TOUCH_INTERVAL_MS } from '../../server/auth/sessions';
import type { User } from '../../server/auth/auth-models';

const dialects = await dialectsUnderTest();
const MIN = 60_000;
const HOUR = 60 * MIN;

describe.each(dialects)('sessions on %s', (dialect) => {
  let f: AuthFixture;
  let staff: User;
  let kiosk: User;

  beforeEach(async () => {
    f = await authFixture(dialect);
    staff = await f.users.create({ kind: 'person', username: 'j.smith', passwordHash: FAKE_HASH, role: 'staff' });
    kiosk = await f.users.create({ kind: 'kiosk', username: 'reception-kiosk', passwordHash: FAKE_HASH });
  });
  afterEach(async () => f.close());

  it('applies migration 0002-auth after 0001-initial', async () => {
    const rows = await f.db.sequelize.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', { type: QueryTypes.SELECT });
    expect(rows.map((r) => r.name).slice(0, 2)).toEqual(['0001-initial', '0002-auth']);
  });

  it('stores only the SHA-256 of the session token', async () => {
    const { token, session } = await f.sessions.create(staff);
    expect(session.id).toBe(hashToken(token));
    const rows = await f.db.sequelize.query<Record<string, unknown>>('SELECT * FROM sessions', { type: QueryTypes.SELECT });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('gives a new id at every login', async () => {
    const a = await f.sessions.create(staff);
    const b = await f.sessions.create(staff);
    expect(a.token).not.toBe(b.token);
    expect((await f.sessions.validate(a.token)).ok).toBe(true);
    expect((await f.sessions.validate(b.token)).ok).toBe(true);
  });

  it('validates a live session and returns its user', async () => {
    const { token, session } = await f.sessions.create(staff);
    const lookup = await f.sessions.validate(token);
    expect(lookup.ok).toBe(true);
    if (!lookup.ok) return;
    expect(lookup.session).toEqual(session);
    expect(lookup.user.id).toBe(staff.id);
  });

  it('refuses malformed and unknown tokens', async () => {
    expect(await f.sessions.validate('nope')).toEqual({ ok: false, reason: 'malformed' });
    expect(await f.sessions.validate(undefined)).toEqual({ ok: false, reason: 'malformed' });
    expect(await f.sessions.validate('A'.repeat(43))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('ends a person session after 30 minutes idle', async () => {
    const { token } = await f.sessions.create(staff);
    f.clock.advance(30 * MIN - 1);
    expect((await f.sessions.validate(token)).ok).toBe(true);
    f.clock.advance(1);
    expect(await f.sessions.validate(token)).toEqual({ ok: false, reason: 'expired' });
    expect(await Session.count()).toBe(0);
  });

  it('keeps an active person session alive until the 12-hour absolute limit', async () => {
    const { token } = await f.sessions.create(staff);
    for (let elapsed = 0; elapsed < 12 * HOUR - 20 * MIN; elapsed += 20 * MIN) {
      f.clock.advance(20 * MIN);
      const lookup = await f.sessions.validate(token);
      expect(lookup.ok, `after ${elapsed / MIN + 20} min`).toBe(true);
      if (lookup.ok) await f.sessions.touch(lookup.session);
    }
    f.clock.set(new Date(new Date('2026-01-05T09:00:00Z').getTime() + 12 * HOUR));
    expect(await f.sessions.validate(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('gives the kiosk 5 minutes idle and 24 hours absolute', async () => {
    expect(SESSION_TIMEOUTS.kiosk).toEqual({ idleMs: 5 * MIN, absoluteMs: 24 * HOUR });
    expect(SESSION_TIMEOUTS.person).toEqual({ idleMs: 30 * MIN, absoluteMs: 12 * HOUR });
    const { token, session } = await f.sessions.create(kiosk);
    expect(session.kind).toBe('kiosk');
    expect(session.absoluteExpiresAt.getTime() - session.createdAt.getTime()).toBe(24 * HOUR);
    f.clock.advance(5 * MIN);
    expect(await f.sessions.validate(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('touch extends the idle expiry, at most once a minute, never past the absolute limit', async () => {
    const { session } = await f.sessions.create(staff);
    f.clock.advance(TOUCH_INTERVAL_MS - 1);
    expect(await f.sessions.touch(session)).toBe(session);
    f.clock.advance(1);
    const touched = await f.sessions.touch(session);
    expect(touched.idleExpiresAt.getTime()).toBe(f.clock.now().getTime() + 30 * MIN);
    const row = await Session.findByPk(session.id);
    expect(row!.idle_expires_at.getTime()).toBe(touched.idleExpiresAt.getTime());
    f.clock.advance(12 * HOUR - 10 * MIN - TOUCH_INTERVAL_MS);
    const late = await f.sessions.touch(touched);
    expect(late.idleExpiresAt.getTime()).toBe(session.absoluteExpiresAt.getTime());
  });

  it('logout revokes one session', async () => {
    const a = await f.sessions.create(staff);
    const b = await f.sessions.create(staff);
    expect(await f.sessions.revoke(a.session.id)).toBe(true);
    expect(await f.sessions.validate(a.token)).toEqual({ ok: false, reason: 'unknown' });
    expect((await f.sessions.validate(b.token)).ok).toBe(true);
  });

  it('ends every session of a user on a password change, and only that user’s', async () => {
    const tokens = await Promise.all([f.sessions.create(staff), f.sessions.create(staff), f.sessions.create(staff)]);
    const other = await f.sessions.create(kiosk);
    await f.users.changePassword(staff.id, FAKE_HASH.replace('aGFzaA', 'bmV3aA'));
    for (const { token } of tokens) expect((await f.sessions.validate(token)).ok).toBe(false);
    expect((await f.sessions.validate(other.token)).ok).toBe(true);
    const user = await f.users.findById(staff.id);
    expect(user!.password_changed_at.getTime()).toBe(f.clock.now().getTime());
  });

  it('ends every session of a user who is disabled, and refuses a session that slipped through', async () => {
    const { token } = await f.sessions.create(staff);
    await f.users.setDisabled(staff.id, true);
    expect((await f.sessions.validate(token)).ok).toBe(false);
    // A row inserted behind the store's back (say, by a restore) still does not let a disabled user in.
    const planted = await f.sessions.create(staff);
    expect(await f.sessions.validate(planted.token)).toEqual({ ok: false, reason: 'disabled' });
    await f.users.setDisabled(staff.id, false);
    expect((await f.sessions.create(staff)).token).toBeTruthy();
  });

  it('revokes sessions in the custody writer’s transaction, together with the log entry', async () => {
    const { token } = await f.sessions.create(staff);
    await expect(
      f.writer.submit({
        run: async (ctx) => {
          await ctx.append({ type: 'user.disabled', actor: 'u_admin', subject: staff.pseudonym });
          await f.users.setDisabled(staff.id, true, { transaction: ctx.transaction });
          throw new Error('the job fails after revoking');
        },
      }),
    ).rejects.toThrow(/fails after revoking/);
    // Rolled back together: no log entry, the user is enabled, the session lives.
    expect(await f.store.size()).toBe(0);
    expect((await f.sessions.validate(token)).ok).toBe(true);
  });

  it('rotates the id when the second factor completes and keeps the absolute limit', async () => {
    const pending = await f.sessions.create(staff, { mfaPending: true });
    expect(pending.session.mfaPending).toBe(true);
    expect(pending.session.reauthAt).toBeNull();
    f.clock.advance(MIN);
    const full = await f.sessions.completeMfa(pending.session.id);
    expect(full).not.toBeNull();
    expect(full!.token).not.toBe(pending.token);
    expect(full!.session).toMatchObject({ mfaPending: false, reauthAt: f.clock.now() });
    expect(full!.session.absoluteExpiresAt).toEqual(pending.session.absoluteExpiresAt);
    expect((await f.sessions.validate(pending.token)).ok).toBe(false);
    expect((await f.sessions.validate(full!.token)).ok).toBe(true);
    expect(await f.sessions.completeMfa(full!.session.id)).toBeNull();
  });

  it('requires re-authentication for sensitive actions after 5 minutes', async () => {
    const { token, session } = await f.sessions.create(staff);
    // The login itself checked the password: it counts as a fresh authentication.
    expect(f.sessions.isRecentlyReauthenticated(session)).toBe(true);
    f.clock.advance(REAUTH_WINDOW_MS);
    expect(f.sessions.isRecentlyReauthenticated(session)).toBe(false);
    const at = await f.sessions.markReauthenticated(session.id);
    const lookup = await f.sessions.validate(token);
    expect(lookup.ok && lookup.session.reauthAt?.getTime()).toBe(at.getTime());
    expect(lookup.ok && f.sessions.isRecentlyReauthenticated(lookup.session)).toBe(true);
    // A session still owing its second factor never counts.
    const pending = await f.sessions.create(staff, { mfaPending: true });
    expect(f.sessions.isRecentlyReauthenticated({ ...pending.session, reauthAt: f.clock.now() })).toBe(false);
  });

  it('purges expired sessions', async () => {
    await f.sessions.create(kiosk);
    const live = await f.sessions.create(staff);
    f.clock.advance(10 * MIN);
    expect(await f.sessions.purgeExpired()).toBe(1);
    expect((await f.sessions.validate(live.token)).ok).toBe(true);
  });
});
