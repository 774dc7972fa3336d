import type { Role } from '../db/models';

/**
 * Who can log in. A user is either a person with a role, or the reception kiosk: a device account
 * that belongs to no person and may do only what the kiosk needs (visitor sign-in and out). The
 * kiosk is its own kind rather than a role, so no role check such as `roles: ['reception']` can
 * ever let it through by accident; routes must admit it explicitly.
 *
 * Vendors are people in the directory (shredding companies) but never users.
 */

export const ACCOUNT_KINDS = ['person', 'kiosk'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const USER_ROLES = ['reception', 'staff', 'manager', 'admin'] as const satisfies readonly Role[];
export type UserRole = (typeof USER_ROLES)[number];

/** What the users.role column holds for a kiosk account. */
export const KIOSK_ROLE = 'kiosk';

/** Managers and admins can place legal holds, erase data and administer users: a password is not enough. */
export const MFA_ROLES: readonly UserRole[] = ['manager', 'admin'];

export type Principal =
  | { kind: 'person'; userId: string; role: UserRole; pseudonym: string }
  | { kind: 'kiosk'; userId: string; pseudonym: string };

export function requiresMfa(account: { kind: AccountKind; role: string }): boolean {
  return account.kind === 'person' && (MFA_ROLES as readonly string[]).includes(account.role);
}

export function isUserRole(value: string): value is UserRole {
  return (USER_ROLES as readonly string[]).includes(value);
}

/**
 * Usernames compare case-insensitively and after NFKC, so "JSmith" and "jsmith" are one account
 * and a full-width look-alike cannot register beside it.
 */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{1,63}$/u;

/** 2 to 64 letters, digits and `. _ @ -`, starting with a letter or digit; checked after normalising. */
export function isValidUsername(username: string): boolean {
  return USERNAME.test(normalizeUsername(username));
}
