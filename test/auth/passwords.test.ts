import { describe, expect, it } from 'vitest';
import argon2 from 'argon2';
import { ARGON2_MINIMUM, ARGON2_PARAMS, PasswordHasher, parseArgon2idHash } from '../../server/auth/passwords';

/** The hasher under test uses the production parameters: the tests prove them, not cheaper ones. */
const hasher = new PasswordHasher();

describe('password hashing', () => {
  it('uses argon2id with m=64 MiB, t=3, p=1, above the OWASP minimum', async () => {
    expect(ARGON2_PARAMS).toEqual({ memoryKiB: 65536, timeCost: 3, parallelism: 1 });
    expect(ARGON2_PARAMS.memoryKiB).toBeGreaterThanOrEqual(ARGON2_MINIMUM.memoryKiB);
    expect(ARGON2_PARAMS.timeCost).toBeGreaterThanOrEqual(ARGON2_MINIMUM.timeCost);
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=65536,p=1,t=3\$/);
    expect(parseArgon2idHash(stored)).toEqual({ version: 19, memoryKiB: 65536, timeCost: 3, parallelism: 1 });
    // The PHC format's own order is read too.
    expect(parseArgon2idHash(stored.replace('m=65536,p=1,t=3', 'm=65536,t=3,p=1'))).toEqual(parseArgon2idHash(stored));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse battery stapl')).toBe(false);
    expect(await hasher.verify(stored, 'Correct horse battery staple')).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('treats composed and decomposed Unicode as the same password (NFKC)', async () => {
    const composed = 'caf\u00e9 au lait';
    const decomposed = 'cafe\u0301 au lait';
    expect(composed).not.toBe(decomposed);
    expect(await hasher.verify(await hasher.hash(composed), decomposed)).toBe(true);
  });

  it('answers false, never throws, for corrupt or foreign stored hashes', async () => {
    for (const stored of ['', 'plaintext', '$2b$10$abcdefghijklmnopqrstuv', '$argon2id$v=19$m=65536,t=3,p=1$broken']) {
      expect(await hasher.verify(stored, 'anything')).toBe(false);
    }
    const argon2i = await argon2.hash('pw-argon2i', { type: argon2.argon2i });
    expect(await hasher.verify(argon2i, 'pw-argon2i')).toBe(false);
  });

  it('spends a verify for unknown users and always answers false', async () => {
    expect(await hasher.verifyNothing('whatever')).toBe(false);
  });

  it('asks for a rehash when parameters differ or the hash is not argon2id', async () => {
    const current = await hasher.hash('pw');
    expect(hasher.needsRehash(current)).toBe(false);
    const lighter = new PasswordHasher(ARGON2_MINIMUM);
    const old = await lighter.hash('pw');
    expect(hasher.needsRehash(old)).toBe(true);
    expect(lighter.needsRehash(current)).toBe(true);
    // An old hash still verifies, so the login that detects it can upgrade it.
    expect(await hasher.verify(old, 'pw')).toBe(true);
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
  });

  it('refuses to be configured below the OWASP minimum', () => {
    expect(() => new PasswordHasher({ memoryKiB: 4096, timeCost: 3, parallelism: 1 })).toThrow(/below the minimum/);
    expect(() => new PasswordHasher({ memoryKiB: 65536, timeCost: 1, parallelism: 1 })).toThrow(/below the minimum/);
  });
});
