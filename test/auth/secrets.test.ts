import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTH_KEY_FILE, deriveAuthKeys, loadOrCreateAuthKey } from '../../server/auth/secrets';
import { AuthPseudonyms, newUserPseudonym } from '../../server/auth/pseudonyms';
import { requiresMfa, isValidUsername, normalizeUsername } from '../../server/auth/accounts';
import { AUTH_EVENT_TYPES, authEvent } from '../../server/auth/audit-events';
import { encodeLeaf } from '../../server/custody-log/leaf';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'safekeep-auth-'));

describe('auth key file', () => {
  it('is created once, private, and read back the same', async () => {
    const dir = tempDir();
    const key = await loadOrCreateAuthKey(dir);
    expect(key).toHaveLength(32);
    const file = path.join(dir, AUTH_KEY_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateAuthKey(dir)).toEqual(key);
  });

  it('yields one key to processes starting together', async () => {
    const dir = tempDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateAuthKey(dir)));
    for (const k of keys) expect(k).toEqual(keys[0]);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file that others can read', async () => {
    const dir = tempDir();
    await loadOrCreateAuthKey(dir);
    chmodSync(path.join(dir, AUTH_KEY_FILE), 0o644);
    await expect(loadOrCreateAuthKey(dir)).rejects.toThrow(/accessible to other users/);
  });

  it('refuses a damaged key file', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, AUTH_KEY_FILE), 'too-short\n', { mode: 0o600 });
    await expect(loadOrCreateAuthKey(dir)).rejects.toThrow(/32 base64url bytes/);
    expect(readFileSync(path.join(dir, AUTH_KEY_FILE), 'utf8')).toBe('too-short\n');
  });

  it('derives distinct, stable keys per purpose', async () => {
    const master = await loadOrCreateAuthKey(tempDir());
    const a = deriveAuthKeys(master);
    expect(a.csrf).toHaveLength(32);
    expect(a.csrf.equals(a.pseudonym)).toBe(false);
    expect(a.csrf.equals(master)).toBe(false);
    expect(deriveAuthKeys(master)).toEqual(a);
  });
});

describe('auth pseudonyms', () => {
  const pseudonyms = new AuthPseudonyms(Buffer.alloc(32, 7));

  it('link attempts on one username, whatever its case, without revealing it', () => {
    const p = pseudonyms.unknownAccount('JSmith');
    expect(p).toMatch(/^n_[0-9a-f]{24}$/);
    expect(pseudonyms.unknownAccount(' jsmith ')).toBe(p);
    expect(p).not.toContain('smith');
    expect(pseudonyms.unknownAccount('jsmith2')).not.toBe(p);
    expect(new AuthPseudonyms(Buffer.alloc(32, 8)).unknownAccount('jsmith')).not.toBe(p);
  });

  it('treat an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(pseudonyms.address('::ffff:10.0.0.5')).toBe(pseudonyms.address('10.0.0.5'));
    expect(pseudonyms.address('10.0.0.5')).toMatch(/^a_[0-9a-f]{24}$/);
    expect(pseudonyms.address('10.0.0.6')).not.toBe(pseudonyms.address('10.0.0.5'));
  });

  it('give each user a random pseudonym', () => {
    expect(newUserPseudonym()).toMatch(/^u_[0-9a-f]{24}$/);
    expect(newUserPseudonym()).not.toBe(newUserPseudonym());
  });
});

describe('accounts', () => {
  it('require MFA for managers and admins only, never for the kiosk', () => {
    expect(requiresMfa({ kind: 'person', role: 'admin' })).toBe(true);
    expect(requiresMfa({ kind: 'person', role: 'manager' })).toBe(true);
    expect(requiresMfa({ kind: 'person', role: 'staff' })).toBe(false);
    expect(requiresMfa({ kind: 'person', role: 'reception' })).toBe(false);
    expect(requiresMfa({ kind: 'kiosk', role: 'kiosk' })).toBe(false);
  });

  it('normalise usernames so look-alikes collide', () => {
    expect(normalizeUsername(' JSmith ')).toBe('jsmith');
    expect(normalizeUsername('ｊｓｍｉｔｈ')).toBe('jsmith');
    expect(isValidUsername('j.smith@office')).toBe(true);
    expect(isValidUsername('Zoë-M')).toBe(true);
    for (const bad of ['', 'a', '.hidden', 'has space', 'semi;colon', 'x'.repeat(65)]) expect(isValidUsername(bad), bad).toBe(false);
  });
});

describe('auth events', () => {
  it('are valid custody-log leaves with pseudonyms only and no absent fields', () => {
    const event = authEvent('user.login_failed', { actor: 'n_0123456789abcdef01234567', address: 'a_0123456789abcdef01234567', reason: 'bad_password' });
    expect(event).toEqual({ type: 'user.login_failed', actor: 'n_0123456789abcdef01234567', address: 'a_0123456789abcdef01234567', reason: 'bad_password' });
    expect(() => encodeLeaf(event)).not.toThrow();
    const locked = authEvent('user.locked', { actor: 'u_1', retry_after_ms: 1000.4 });
    expect(locked.retry_after_ms).toBe(1000);
    expect(() => encodeLeaf(locked)).not.toThrow();
  });

  it('name every event the issue asks to record', () => {
    for (const type of ['user.login', 'user.login_failed', 'user.locked', 'user.logout', 'user.access_denied']) {
      expect(AUTH_EVENT_TYPES).toContain(type);
    }
  });
});
