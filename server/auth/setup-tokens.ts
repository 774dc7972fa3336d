import { Op, type Transaction } from 'sequelize';
import type { Clock } from '../shared/clock';
import { SetupToken } from './auth-models';
import { hashToken, isWellFormedToken, newSecretToken } from './secret-tokens';

/**
 * The one-time link that creates the first admin. There are no default passwords: on a start with
 * no enabled admin the server issues a token and prints the link on its console, where only
 * whoever installed it can read it. The token is valid for an hour and for one use; issuing a
 * new one (the next start) voids the earlier ones.
 *
 * The token travels in the URL fragment (`/setup#token=…`): browsers never send fragments to the
 * server or in Referer, so it does not end up in access logs or proxies. The set-up page reads it
 * and posts it in the body.
 */

export const SETUP_TOKEN_TTL_MS = 60 * 60_000;
export const FIRST_ADMIN = 'first_admin';

interface InTransaction {
  transaction?: Transaction;
}

export interface IssuedSetupToken {
  token: string;
  expiresAt: Date;
}

export class SetupTokens {
  constructor(private readonly deps: { clock: Clock; ttlMs?: number }) {}

  async issue(options: InTransaction = {}): Promise<IssuedSetupToken> {
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + (this.deps.ttlMs ?? SETUP_TOKEN_TTL_MS));
    const token = newSecretToken();
    await SetupToken.destroy({ where: { purpose: FIRST_ADMIN, used_at: null }, transaction: options.transaction });
    await SetupToken.create(
      { id: hashToken(token), purpose: FIRST_ADMIN, created_at: now, expires_at: expiresAt, used_at: null },
      { transaction: options.transaction },
    );
    return { token, expiresAt };
  }

  /** Whether the token would be accepted now (to show the set-up form or an "expired" page). */
  async isValid(token: unknown, options: InTransaction = {}): Promise<boolean> {
    if (!isWellFormedToken(token)) return false;
    const row = await SetupToken.findByPk(hashToken(token), { transaction: options.transaction });
    return row !== null && row.used_at === null && row.expires_at.getTime() > this.deps.clock.now().getTime();
  }

  /**
   * Uses the token up. Atomic: of two requests racing with one token, exactly one gets true. Call
   * it inside the writer job that creates the admin, so a failed creation does not burn the link.
   */
  async consume(token: unknown, options: InTransaction = {}): Promise<boolean> {
    if (!isWellFormedToken(token)) return false;
    const now = this.deps.clock.now();
    const [count] = await SetupToken.update(
      { used_at: now },
      {
        where: { id: hashToken(token), purpose: FIRST_ADMIN, used_at: null, expires_at: { [Op.gt]: now } },
        transaction: options.transaction,
      },
    );
    return count === 1;
  }
}

/** The link to print. `baseUrl` is the server's public URL, e.g. https://safekeep.office.lan:8443. */
export function setupLink(baseUrl: string, token: string): string {
  const url = new URL('/setup', baseUrl);
  url.hash = `token=${token}`;
  return url.toString();
}
