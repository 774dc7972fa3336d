import { createHmac, randomBytes } from 'node:crypto';
import { normalizeUsername } from './accounts';

/**
 * Actors for authentication events in the custody log. The log can never be erased, so it must
 * not hold usernames (often a person's name) or IP addresses (personal data too).
 *
 * - A user has a random pseudonym of its own (`u_…`, users.pseudonym), like people do.
 * - A failed attempt under a username that matches no user is logged as `n_` + HMAC(key,
 *   username): attempts on the same name link together, so a spray against one name shows up,
 *   yet the name cannot be read back without the key.
 * - An address is logged as `a_` + HMAC(key, address), for the same reason.
 */

export function newUserPseudonym(): string {
  return `u_${randomBytes(12).toString('hex')}`;
}

export class AuthPseudonyms {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('pseudonym key must be at least 32 bytes');
  }

  /** For a username that matches no user. */
  unknownAccount(username: string): string {
    return `n_${this.mac(`account\n${normalizeUsername(username)}`)}`;
  }

  address(address: string): string {
    // "::ffff:10.0.0.5" and "10.0.0.5" are the same client.
    return `a_${this.mac(`address\n${address.replace(/^::ffff:/i, '').toLowerCase()}`)}`;
  }

  private mac(message: string): string {
    return createHmac('sha256', this.key).update(message).digest('hex').slice(0, 24);
  }
}
