import { createHmac, timingSafeEqual } from 'node:crypto';
import { base32Decode } from './base32';

/**
 * HOTP (RFC 4226) and TOTP (RFC 6238), with replay protection.
 *
 * A code proves possession of the secret only once: verifyTotp takes the last time step the user
 * successfully used and refuses any code from that step or earlier, so a code read over a
 * shoulder or from a proxy log is worthless once it has been used. The caller stores the returned
 * step atomically (UserStore.acceptTotpStep) so two concurrent logins cannot both use one code.
 */

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpOptions {
  algorithm?: TotpAlgorithm;
  digits?: 6 | 8;
  /** Time step in seconds (RFC 6238's X). */
  period?: number;
  /** Steps accepted either side of now, for clock drift and typing time. */
  window?: number;
}

/** What authenticator apps assume when the otpauth URI says nothing: keep it that way. */
export const TOTP_DEFAULTS: Required<TotpOptions> = { algorithm: 'SHA1', digits: 6, period: 30, window: 1 };

const HMAC_NAME: Record<TotpAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/** RFC 4226 §5.3 dynamic truncation: a 31-bit integer from the HMAC. */
export function dynamicTruncate(hmac: Buffer): number {
  const offset = hmac[hmac.length - 1]! & 0x0f;
  return hmac.readUInt32BE(offset) & 0x7fffffff;
}

/** RFC 4226 HOTP value for `counter` (up to 2^64 - 1), zero-padded to `digits`. */
export function hotp(key: Uint8Array, counter: number | bigint, digits: 6 | 8 = 6, algorithm: TotpAlgorithm = 'SHA1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac(HMAC_NAME[algorithm], key).update(message).digest();
  return String(dynamicTruncate(hmac) % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238 time step T = floor((unix seconds - T0) / X), with T0 = 0. */
export function timeStep(at: Date | number, period: number = TOTP_DEFAULTS.period): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  return Math.floor(ms / 1000 / period);
}

/** The TOTP value at a moment. */
export function totp(key: Uint8Array, at: Date | number, options: TotpOptions = {}): string {
  const o = { ...TOTP_DEFAULTS, ...options };
  return hotp(key, timeStep(at, o.period), o.digits, o.algorithm);
}

export type TotpResult =
  | { ok: true; step: number }
  | { ok: false; step: null; reason: 'malformed' | 'invalid' | 'replayed' };

/**
 * Checks `code` against the base32 `secret` at `now`, accepting steps now-window..now+window that
 * are later than `lastUsedStep` (null when the user has never used a code). On success `step` is
 * the step to store as the new lastUsedStep.
 */
export function verifyTotp(
  secret: string,
  code: string,
  now: Date,
  lastUsedStep: number | null,
  options: TotpOptions = {},
): TotpResult {
  const o = { ...TOTP_DEFAULTS, ...options };
  const typed = code.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${o.digits}}$`).test(typed)) return { ok: false, step: null, reason: 'malformed' };
  let key: Buffer;
  try {
    key = base32Decode(secret);
  } catch {
    return { ok: false, step: null, reason: 'malformed' };
  }
  const current = timeStep(now, o.period);
  let accepted: number | null = null;
  let replayed = false;
  // Every candidate is computed and compared, so timing does not reveal which step matched.
  for (let step = current - o.window; step <= current + o.window; step++) {
    if (step < 0) continue;
    const matches = timingSafeEqual(Buffer.from(hotp(key, step, o.digits, o.algorithm)), Buffer.from(typed));
    if (!matches) continue;
    if (lastUsedStep !== null && step <= lastUsedStep) replayed = true;
    else accepted ??= step;
  }
  if (accepted !== null) return { ok: true, step: accepted };
  return { ok: false, step: null, reason: replayed ? 'replayed' : 'invalid' };
}
