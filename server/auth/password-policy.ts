import type { BreachedPasswords } from './breached-passwords';
import { normalizePassword } from './passwords';

/**
 * What a new password must satisfy (NIST SP 800-63B §3.1.1.2): a length, and not being a known
 * breached or context-derived password. No composition rules (no "one digit, one symbol"): they
 * push people to Password1! and add nothing against guessing. Every character is allowed,
 * spaces and any Unicode included, so pass phrases work.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Bound on the raw input before normalising, so a megabyte "password" costs us nothing. */
const RAW_INPUT_LIMIT = PASSWORD_MAX_LENGTH * 8;
// String.prototype.isWellFormed is ES2024; the project targets ES2023.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type PasswordRefusal =
  /** Fewer than 8 code points after NFKC. */
  | 'too_short'
  /** More than 128 code points after NFKC. */
  | 'too_long'
  /** On the shipped list of commonly breached passwords. */
  | 'breached'
  /** The username, the product's name, or one of those with only digits and symbols added. */
  | 'context'
  /** Not well-formed Unicode (a lone surrogate): it would hash as U+FFFD and collide with others. */
  | 'malformed';

export interface PasswordVerdict {
  ok: boolean;
  reasons: PasswordRefusal[];
}

export interface PasswordPolicyOptions {
  breached: BreachedPasswords;
  /** Words a password must not be built on: the username, the person's name parts, the office name. */
  context?: readonly string[];
}

/** Words always treated as context, whoever the user is. */
const PRODUCT_WORDS = ['safekeep'];

/** Counted in Unicode code points, not UTF-16 units: an emoji or a CJK character is one. */
export function passwordLength(password: string): number {
  return [...normalizePassword(password)].length;
}

export function checkPassword(password: string, options: PasswordPolicyOptions): PasswordVerdict {
  if (password.length > RAW_INPUT_LIMIT) return { ok: false, reasons: ['too_long'] };
  if (LONE_SURROGATE.test(password)) return { ok: false, reasons: ['malformed'] };
  const reasons: PasswordRefusal[] = [];
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) reasons.push('too_short');
  if (length > PASSWORD_MAX_LENGTH) reasons.push('too_long');
  if (options.breached.has(password)) reasons.push('breached');
  if (isContextDerived(password, [...PRODUCT_WORDS, ...(options.context ?? [])])) reasons.push('context');
  return { ok: reasons.length === 0, reasons };
}

/** Human-readable text for each refusal, for the set-up page, the CLI and API error bodies. */
export function describeRefusal(reason: PasswordRefusal): string {
  switch (reason) {
    case 'too_short':
      return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
    case 'too_long':
      return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
    case 'breached':
      return 'This password is on a list of passwords known from data breaches; choose another.';
    case 'context':
      return 'Do not base the password on your username or the product name.';
    case 'malformed':
      return 'The password contains invalid characters.';
  }
}

/**
 * "jsmith", "JSmith2024!" and "safekeep1" are guessed first by anyone who knows the username or
 * what the server runs, so they count as breached. Short context words (under 4 letters) are
 * ignored: refusing every password that merely contains "al" would refuse good pass phrases.
 */
function isContextDerived(password: string, words: readonly string[]): boolean {
  const folded = normalizePassword(password).toLowerCase();
  const core = folded.replace(/[\p{N}\p{P}\p{S}\s]+$/u, '').replace(/^[\p{N}\p{P}\p{S}\s]+/u, '');
  for (const word of words) {
    const w = normalizePassword(word).toLowerCase().trim();
    if ([...w].length < 4) continue;
    if (folded === w || core === w) return true;
  }
  return false;
}
