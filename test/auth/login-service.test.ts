import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dialectsUnderTest } from '../support/databases';
import { authFixture, type AuthFixture } from './auth-fixture';
import { decodeLeaf, type LeafEvent } from '../../server/custody-log/leaf';
import { base32Decode } from '../../server/auth/base32';
import { LoginService, type LoginResult } from '../../server/auth/login-service';
import { ARGON2_MINIMUM, PasswordHasher } from '../../server/auth/passwords';
import { AuthPseudonyms } from '../../server/auth/pseudonyms';
import { timeStep, totp } from '../../server/auth/totp';
import type { User } from '../../server/auth/auth-models';
import { silentLogger } from '../../server/shared/logger';

const dialects = await dialectsUnderTest();
// The flow, not the hash cost, is under test here: the OWASP-minimum parameters keep it quick.
const hasher = new PasswordHasher(ARGON2_MINIMUM);
const ADDRESS = '10.0.0.5';

describe.each(dialects)('login ceremony on %s', (dialect) => {
  let f: AuthFixture;
  let login: LoginService;
  let staff: User;
  let admin: User;
  let adminSecret: string;
  const pseudonyms = new AuthPseudonyms(Buffer.alloc(32, 1));

  async function events(): Promise<LeafEvent[]> {
    const all: LeafEvent[] = [];
    for await (const page of f.store.pages()) all.push(...page.map((row) => decodeLeaf(row.leaf)));
    return all;
  }
  async function logText(): Promise<string> {
    return JSON.stringify(await events());
  }
  const code = (offsetSteps = 0) => totp(base32Decode(adminSecret), f.clock.now().getTime() + offsetSteps * 30_000);

  /** A code valid at none of the steps the server accepts now (the secret is a fresh random one). */
  const invalidCode = (secret: string) => {
    const valid = [-1, 0, 1].map((step) => totp(base32Decode(secret), f.clock.now().getTime() + step * 30_000));
    return ['000000', '111111', '222222', '333333'].find((guess) => !valid.includes(guess))!;
  };

  beforeEach(async () => {
    f = await authFixture(dialect);
    login = new LoginService({ writer: f.writer, users: f.users, sessions: f.sessions, hasher, pseudonyms, clock: f.clock, logger: silentLogger });
    staff = await f.users.create({ kind: 'person', username: 'j.smith', passwordHash: await hasher.hash('plum cactus river'), role: 'staff' });
    admin = await f.users.create({ kind: 'person', username: 'boss', passwordHash: await hasher.hash('quiet lantern harbour'), role: 'admin' });
    // A fixed secret on the fixture's fixed clock: with a random one, the codes of neighbouring
    // steps coincide (or "000000" is valid) once in tens of thousands of runs, and the replay and
    // guessing tests below would fail by chance. This one's codes differ at every step used.
    adminSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await f.users.setPendingTotpSecret(admin.id, adminSecret);
    // Enrolled with a code from a minute ago, so the current code is still unused.
    await f.users.confirmTotp(admin.id, adminSecret, timeStep(f.clock.now()) - 2);
    admin = (await f.users.findById(admin.id))!;
  });
  afterEach(async () => f.close());

  it('logs a staff member in with a password and records it under pseudonyms only', async () => {
    const result = await login.login({ username: 'J.Smith', password: 'plum cactus river', address: ADDRESS });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect((await f.sessions.validate(result.token)).ok).toBe(true);
    expect(await events()).toEqual([
      { type: 'user.login', actor: staff.pseudonym, address: pseudonyms.address(ADDRESS), ts_server: expect.any(String) },
    ]);
    const text = await logText();
    expect(text).not.toMatch(/smith|10\.0\.0\.5/i);
  });

  it('answers a wrong password, an unknown user and a disabled user alike, and logs each failure', async () => {
    const disabled = await f.users.create({ kind: 'person', username: 'gone', passwordHash: await hasher.hash('old faithful geyser'), role: 'staff' });
    await f.users.setDisabled(disabled.id, true);
    const answers = [
      await login.login({ username: 'j.smith', password: 'wrong wrong wrong', address: ADDRESS }),
      await login.login({ username: 'nobody', password: 'wrong wrong wrong', address: ADDRESS }),
      await login.login({ username: 'gone', password: 'old faithful geyser', address: ADDRESS }),
    ];
    expect(answers).toEqual([{ status: 'refused' }, { status: 'refused' }, { status: 'refused' }]);
    const logged = await events();
    expect(logged.map((e) => [e.type, e.actor, e.reason])).toEqual([
      ['user.login_failed', staff.pseudonym, 'bad_password'],
      ['user.login_failed', pseudonyms.unknownAccount('nobody'), 'unknown_account'],
      ['user.login_failed', disabled.pseudonym, 'disabled'],
    ]);
    expect(await logText()).not.toContain('nobody');
  });

  it('backs off after 5 failures, records the lock, and refuses without hashing until it ends', async () => {
    for (let i = 0; i < 6; i++) await login.login({ username: 'j.smith', password: `guess ${i} guess`, address: `10.0.1.${i}` });
    const logged = await events();
    expect(logged.filter((e) => e.type === 'user.login_failed')).toHaveLength(6);
    expect(logged.filter((e) => e.type === 'user.locked')).toEqual([expect.objectContaining({ actor: staff.pseudonym, retry_after_ms: 1000 })]);
    const verify = vi.spyOn(hasher, 'verify');
    const refused = await login.login({ username: 'j.smith', password: 'plum cactus river', address: '10.0.2.1' });
    expect(refused).toEqual({ status: 'throttled', retryAfterMs: 1000 });
    expect(verify).not.toHaveBeenCalled();
    verify.mockRestore();
    // Refusals during the back-off add nothing to the log.
    expect(await events()).toHaveLength(logged.length);
    f.clock.advance(1000);
    expect((await login.login({ username: 'j.smith', password: 'plum cactus river', address: '10.0.2.1' })).status).toBe('ok');
  });

  it('serialises concurrent guesses so the throttle cannot be outrun', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login.login({ username: 'j.smith', password: `parallel guess ${i}`, address: `10.0.3.${i}` })),
    );
    expect(guesses.filter((g) => g.status === 'refused')).toHaveLength(6);
    expect(guesses.filter((g) => g.status === 'throttled')).toHaveLength(6);
  });

  describe('managers and admins', () => {
    it('need the second factor: the password alone gives a pending session, the code a new full one', async () => {
      const first = await login.login({ username: 'boss', password: 'quiet lantern harbour', address: ADDRESS });
      expect(first.status).toBe('mfa_required');
      if (first.status !== 'mfa_required') return;
      expect(first.session.mfaPending).toBe(true);
      const second = await login.verifySecondFactor({ session: first.session, user: admin, code: code(), address: ADDRESS });
      expect(second.status).toBe('ok');
      if (second.status !== 'ok') return;
      expect(second.token).not.toBe(first.token);
      expect((await f.sessions.validate(first.token)).ok).toBe(false);
      const lookup = await f.sessions.validate(second.token);
      expect(lookup.ok && lookup.session.mfaPending).toBe(false);
      expect((await events()).map((e) => [e.type, e.reason])).toEqual([['user.login', 'mfa']]);
    });

    it('refuse a code already used, even in a fresh login', async () => {
      const used = code();
      expect((await login.login({ username: 'boss', password: 'quiet lantern harbour', totpCode: used, address: ADDRESS })).status).toBe('ok');
      admin = (await f.users.findById(admin.id))!;
      const again = await login.login({ username: 'boss', password: 'quiet lantern harbour', totpCode: used, address: ADDRESS });
      expect(again).toEqual({ status: 'refused' });
      expect((await events()).at(-1)).toMatchObject({ type: 'user.mfa_failed', actor: admin.pseudonym, reason: 'replayed_totp' });
    });

    it('let exactly one of several concurrent logins use one code', async () => {
      const used = code();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => login.login({ username: 'boss', password: 'quiet lantern harbour', totpCode: used, address: `10.0.4.${i}` })),
      );
      expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
    });

    it('do not get unlimited code guesses by knowing the password', async () => {
      const results: LoginResult[] = [];
      for (let i = 0; i < 7; i++) {
        results.push(await login.login({ username: 'boss', password: 'quiet lantern harbour', totpCode: '000000', address: ADDRESS }));
      }
      expect(results.slice(0, 6).every((r) => r.status === 'refused')).toBe(true);
      expect(results[6]).toMatchObject({ status: 'throttled' });
    });

    it('are sent to enrolment when they have no authenticator yet', async () => {
      const fresh = await f.users.create({ kind: 'person', username: 'newmanager', passwordHash: await hasher.hash('violet tram ticket'), role: 'manager' });
      const result = await login.login({ username: 'newmanager', password: 'violet tram ticket', address: ADDRESS });
      expect(result.status).toBe('mfa_enrolment_required');
      if (result.status !== 'mfa_enrolment_required') return;
      expect(result.session.mfaPending).toBe(true);
      expect(result.user.id).toBe(fresh.id);
    });
  });

  describe('TOTP enrolment', () => {
    async function pendingEnrolment() {
      await f.users.create({ kind: 'person', username: 'newmanager', passwordHash: await hasher.hash('violet tram ticket'), role: 'manager' });
      const result = await login.login({ username: 'newmanager', password: 'violet tram ticket', address: ADDRESS });
      if (result.status !== 'mfa_enrolment_required') throw new Error(result.status);
      return result;
    }

    it('shows a QR code, confirms with the first code and turns the pending login into a full session', async () => {
      const pending = await pendingEnrolment();
      const enrolment = await login.beginTotpEnrolment({ session: pending.session, user: pending.user, issuer: 'Safekeep' });
      if (!('secret' in enrolment)) throw new Error('refused');
      expect(enrolment.qrSvg).toContain('<svg');
      expect(enrolment.uri).toContain('otpauth://totp/Safekeep:newmanager?');
      const wrong = await login.confirmTotpEnrolment({ session: pending.session, user: pending.user, code: invalidCode(enrolment.secret), address: ADDRESS });
      expect(wrong).toEqual({ status: 'refused' });
      const first = totp(base32Decode(enrolment.secret), f.clock.now());
      const confirmed = await login.confirmTotpEnrolment({ session: pending.session, user: pending.user, code: first, address: ADDRESS });
      expect(confirmed.status).toBe('ok');
      if (confirmed.status !== 'ok' || !confirmed.created) throw new Error('no session');
      expect((await f.sessions.validate(pending.token)).ok).toBe(false);
      const lookup = await f.sessions.validate(confirmed.created.token);
      expect(lookup.ok && lookup.session.mfaPending).toBe(false);
      expect((await events()).map((e) => e.type)).toEqual(['user.mfa_failed', 'user.totp_enrolled', 'user.login']);
      // The enrolment code is used up.
      const user = (await f.users.findById(pending.user.id))!;
      const replay = await login.login({ username: 'newmanager', password: 'violet tram ticket', totpCode: first, address: ADDRESS });
      expect(replay).toEqual({ status: 'refused' });
      expect(user.totp_secret).toBe(enrolment.secret);
    });

    it('never lets a password-only login replace an existing authenticator', async () => {
      const pending = await login.login({ username: 'boss', password: 'quiet lantern harbour', address: ADDRESS });
      if (pending.status !== 'mfa_required') throw new Error(pending.status);
      expect(await login.beginTotpEnrolment({ session: pending.session, user: admin, issuer: 'Safekeep' })).toEqual({ status: 'refused' });
      expect(await login.confirmTotpEnrolment({ session: pending.session, user: admin, code: code(), address: ADDRESS })).toEqual({ status: 'refused' });
      expect((await f.users.findById(admin.id))!.totp_pending_secret).toBeNull();
    });

    it('lets a full session re-enrol only right after re-authenticating', async () => {
      const result = await login.login({ username: 'boss', password: 'quiet lantern harbour', totpCode: code(), address: ADDRESS });
      if (result.status !== 'ok') throw new Error(result.status);
      f.clock.advance(10 * 60_000);
      expect(await login.beginTotpEnrolment({ session: result.session, user: admin, issuer: 'Safekeep' })).toEqual({ status: 'refused' });
      admin = (await f.users.findById(admin.id))!;
      await login.reauthenticate({ session: result.session, user: admin, password: 'quiet lantern harbour', totpCode: code(), address: ADDRESS });
      const lookup = await f.sessions.validate(result.token);
      if (!lookup.ok) throw new Error(lookup.reason);
      const enrolment = await login.beginTotpEnrolment({ session: lookup.session, user: admin, issuer: 'Safekeep' });
      expect('secret' in enrolment).toBe(true);
      // Until confirmed, the old authenticator stays in force.
      expect((await f.users.findById(admin.id))!.totp_secret).toBe(adminSecret);
    });
  });

  it('re-authenticates before sensitive actions with password and code, and logs refusals as denials', async () => {
    const result = await login.login({ username: 'boss', password: 'quiet lantern harbour', totpCode: code(), address: ADDRESS });
    if (result.status !== 'ok') throw new Error(result.status);
    f.clock.advance(10 * 60_000);
    expect(f.sessions.isRecentlyReauthenticated(result.session)).toBe(false);
    admin = (await f.users.findById(admin.id))!;
    const refused = await login.reauthenticate({ session: result.session, user: admin, password: 'quiet lantern harbour', address: ADDRESS });
    expect(refused).toEqual({ status: 'refused' });
    expect((await events()).at(-1)).toMatchObject({ type: 'user.access_denied', reason: 'missing_totp' });
    const ok = await login.reauthenticate({ session: result.session, user: admin, password: 'quiet lantern harbour', totpCode: code(), address: ADDRESS });
    expect(ok).toEqual({ status: 'ok' });
    const lookup = await f.sessions.validate(result.token);
    expect(lookup.ok && f.sessions.isRecentlyReauthenticated(lookup.session)).toBe(true);
    expect((await events()).at(-1)).toMatchObject({ type: 'user.reauthenticated', actor: admin.pseudonym });
  });

  it('logs out: the session ends and the log says so', async () => {
    const result = await login.login({ username: 'j.smith', password: 'plum cactus river', address: ADDRESS });
    if (result.status !== 'ok') throw new Error(result.status);
    await login.logout({ session: result.session, user: result.user, address: ADDRESS });
    expect((await f.sessions.validate(result.token)).ok).toBe(false);
    expect((await events()).at(-1)).toMatchObject({ type: 'user.logout', actor: staff.pseudonym });
  });

  it('upgrades a hash made with other parameters at login', async () => {
    const strong = new PasswordHasher();
    const upgrading = new LoginService({ writer: f.writer, users: f.users, sessions: f.sessions, hasher: strong, pseudonyms, clock: f.clock, logger: silentLogger });
    expect((await upgrading.login({ username: 'j.smith', password: 'plum cactus river', address: ADDRESS })).status).toBe('ok');
    const stored = (await f.users.findById(staff.id))!.password_hash;
    expect(strong.needsRehash(stored)).toBe(false);
    expect(await strong.verify(stored, 'plum cactus river')).toBe(true);
  });
});
