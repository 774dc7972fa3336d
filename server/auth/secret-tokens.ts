import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (session cookies, set-up links): 32 random bytes, base64url, handed out once and
 * stored only as their SHA-256. A plain hash is enough here, unlike for passwords: 256 random
 * bits cannot be guessed, so there is nothing for a slow hash to slow down.
 */

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSecretToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Whether `value` has the shape of a token we issued: refuses junk before any database lookup. */
export function isWellFormedToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value);
}

/** The stored id of a token: lowercase hex SHA-256 of its text. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
