import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { dialectsUnderTest } from '../support/databases';
import { authFixture, FAKE_HASH, type AuthFixture } from './auth-fixture';
import { Person } from '../../server/db/models';
import { base32Decode } from '../../server/auth/base32';
import { generateTotpSecret } from '../../server/auth/totp-enrolment';
import { totp, verifyTotp } from '../../server/auth/totp';
import type { User } from '../../server/auth/auth-models';

const dialects = await dialectsUnderTest();

describe.each(dialects)('users on %s', (dialect) => {
  let f: AuthFixture;
  let admin: User;

  beforeEach(async () => {
    f = await authFixture(dialect);
    admin = await f.users.create({ kind: 'person', username: 'Office.Admin', passwordHash: FAKE_HASH, role: 'admin' });
  });
  afterEach(async () => f.close());

  it('stores usernames normalised, so case and width variants are one account', async () => {
    expect(admin.username).toBe('office.admin');
    expect((await f.users.findByUsername('OFFICE.ADMIN'))?.id).toBe(admin.id);
    expect((await f.users.findByUsername('ｏｆｆｉｃｅ.ａｄｍｉｎ'))?.id).toBe(admin.id);
    await expect(f.users.create({ kind: 'person', username: 'office.ADMIN', passwordHash: FAKE_HASH, role: 'staff' })).rejects.toThrow();
  });

  it('refuses invalid usernames and roles that cannot log in', async () => {
    await expect(f.users.create({ kind: 'person', username: 'a b', passwordHash: FAKE_HASH, role: 'staff' })).rejects.toThrow(/username/);
    await expect(
      f.users.create({ kind: 'person', username: 'shredco', passwordHash: FAKE_HASH, role: 'vendor' as never }),
    ).rejects.toThrow(/cannot log in/);
  });

  it('gives each user a pseudonym and kiosks the kiosk role and no person', async () => {
    const kiosk = await f.users.create({ kind: 'kiosk', username: 'kiosk-1', passwordHash: FAKE_HASH });
    expect(kiosk).toMatchObject({ kind: 'kiosk', role: 'kiosk', person_id: null });
    expect(kiosk.pseudonym).toMatch(/^u_[0-9a-f]{24}$/);
    expect(kiosk.pseudonym).not.toBe(admin.pseudonym);
  });

  it('links a user to at most one person, and only to one that exists', async () => {
    const person = await Person.create({ id: uuidv7(), pseudonym: 'p_test', name: 'Jo Smith', email: null, role: 'staff' });
    const user = await f.users.create({ kind: 'person', username: 'jsmith', passwordHash: FAKE_HASH, role: 'staff', personId: person.id });
    expect(user.person_id).toBe(person.id);
    await expect(
      f.users.create({ kind: 'person', username: 'jsmith2', passwordHash: FAKE_HASH, role: 'staff', personId: person.id }),
    ).rejects.toThrow();
    await expect(
      f.users.create({ kind: 'person', username: 'ghost', passwordHash: FAKE_HASH, role: 'staff', personId: 'no-such-person' }),
    ).rejects.toThrow(/foreign key/i);
  });

  it('knows whether an enabled admin exists (first-start set-up)', async () => {
    expect(await f.users.hasActiveAdmin()).toBe(true);
    await f.users.setDisabled(admin.id, true);
    expect(await f.users.hasActiveAdmin()).toBe(false);
  });

  it('upgrades a hash without ending sessions (a rehash is not a password change)', async () => {
    const { token } = await f.sessions.create(admin);
    const before = (await f.users.findById(admin.id))!.password_changed_at;
    f.clock.advance(1000);
    await f.users.upgradeHash(admin.id, FAKE_HASH.replace('p=1', 'p=2'));
    expect((await f.sessions.validate(token)).ok).toBe(true);
    expect((await f.users.findById(admin.id))!.password_changed_at).toEqual(before);
  });

  it('fails loudly when the user does not exist', async () => {
    await expect(f.users.changePassword('no-such-user', FAKE_HASH)).rejects.toThrow(/not found/);
  });

  describe('TOTP', () => {
    async function enrol(): Promise<{ secret: string; step: number }> {
      const secret = generateTotpSecret();
      await f.users.setPendingTotpSecret(admin.id, secret);
      const now = f.clock.now();
      const result = verifyTotp(secret, totp(base32Decode(secret), now), now, null);
      if (!result.ok) throw new Error('enrolment code refused');
      expect(await f.users.confirmTotp(admin.id, secret, result.step)).toBe(true);
      return { secret, step: result.step };
    }

    it('confirms a pending secret with a first valid code, which is then used up', async () => {
      const { secret, step } = await enrol();
      const user = (await f.users.findById(admin.id))!;
      expect(user).toMatchObject({ totp_secret: secret, totp_pending_secret: null, totp_last_step: step });
      expect(user.totp_confirmed_at).toEqual(f.clock.now());
      // The code typed at enrolment cannot log in afterwards.
      expect(await f.users.acceptTotpStep(admin.id, step)).toBe(false);
      expect(await f.users.acceptTotpStep(admin.id, step + 1)).toBe(true);
    });

    it('keeps the confirmed secret in force while a re-enrolment is pending', async () => {
      const { secret } = await enrol();
      await f.users.setPendingTotpSecret(admin.id, generateTotpSecret());
      const user = (await f.users.findById(admin.id))!;
      expect(user.totp_secret).toBe(secret);
      expect(user.totp_confirmed_at).not.toBeNull();
      // Confirming with a stale pending secret (another tab started over) does nothing.
      expect(await f.users.confirmTotp(admin.id, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 1)).toBe(false);
    });

    it('lets exactly one of many concurrent requests use a code', async () => {
      const { step } = await enrol();
      const results = await Promise.all(Array.from({ length: 8 }, () => f.users.acceptTotpStep(admin.id, step + 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await f.users.findById(admin.id))!.totp_last_step).toBe(step + 1);
    });

    it('refuses steps for a user without a confirmed secret', async () => {
      expect(await f.users.acceptTotpStep(admin.id, 1)).toBe(false);
    });

    it('an admin reset clears the factor and ends sessions', async () => {
      await enrol();
      const { token } = await f.sessions.create(admin);
      await f.users.resetTotp(admin.id);
      const user = (await f.users.findById(admin.id))!;
      expect(user).toMatchObject({ totp_secret: null, totp_confirmed_at: null, totp_last_step: null });
      expect((await f.sessions.validate(token)).ok).toBe(false);
    });

    it('reads totp_last_step as a number on both databases', async () => {
      await enrol();
      await f.users.acceptTotpStep(admin.id, 2 ** 40);
      expect((await f.users.findById(admin.id))!.totp_last_step).toBe(2 ** 40);
    });
  });
});
