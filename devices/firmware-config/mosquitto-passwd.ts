import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Mosquitto 2.0 password hashes, as `mosquitto_passwd` writes them (its default, `-H sha512-pbkdf2`):
 * `$7$<iterations>$<base64 salt>$<base64 hash>`, where the salt is 12 random bytes and the hash is
 * 64 bytes of PBKDF2-HMAC-SHA512 of the password over the (decoded) salt. Mosquitto reads the
 * iteration count from each line; 101 is what mosquitto_passwd 2.0 writes. Board passwords are
 * 143-bit random strings, so the count adds nothing against guessing; it stays at Mosquitto's own.
 */

export const MOSQUITTO_PBKDF2_ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;
const FORMAT = /^\$7\$(\d{1,9})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export function mosquittoPasswordHash(password: string, options: { iterations?: number; salt?: Buffer } = {}): string {
  const iterations = options.iterations ?? MOSQUITTO_PBKDF2_ITERATIONS;
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function isMosquittoPasswordHash(text: string): boolean {
  return FORMAT.test(text);
}

/** Checks a password against a `$7$` hash in constant time, as the broker does. */
export function verifyMosquittoPassword(password: string, encoded: string): boolean {
  const m = FORMAT.exec(encoded);
  if (!m) return false;
  const expected = Buffer.from(m[3]!, 'base64');
  if (expected.length !== HASH_BYTES) return false;
  const actual = pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), Number(m[1]), HASH_BYTES, 'sha512');
  return timingSafeEqual(actual, expected);
}

/** One `user:$7$…` line per account, in the given order: the file `password_file` names. */
export function mosquittoPasswordFile(entries: readonly { username: string; hash: string }[]): string {
  return entries.map((e) => `${e.username}:${e.hash}`).join('\n') + '\n';
}
