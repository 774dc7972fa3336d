import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/**
 * Password hashing with argon2id.
 *
 * Parameters: m = 64 MiB, t = 3, p = 1. OWASP's floor for argon2id is m = 19 MiB, t = 2, p = 1 and
 * the issue asks for at least that, aiming for 64 MiB / t = 3. We take the aim: on the office
 * server (2 cores) one hash costs roughly 100-200 ms and 64 MiB, which is unnoticeable at a login
 * but multiplies an offline attacker's cost per guess about 5x over the floor. p = 1 because
 * lanes only help when cores are idle, and during a login burst they are not; the login throttle
 * (throttle.ts) bounds how many hashes an attacker can make us compute.
 *
 * Passwords are NFKC-normalised before hashing, as NIST SP 800-63B asks, so the same password
 * typed on a Mac (composed) and on Windows (decomposed) hashes alike.
 */

export interface Argon2Params {
  /** Memory in KiB. */
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

export const ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({ memoryKiB: 65536, timeCost: 3, parallelism: 1 });

/** OWASP Password Storage Cheat Sheet, argon2id minimum. Configurations below it are refused. */
export const ARGON2_MINIMUM: Readonly<Argon2Params> = Object.freeze({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });

// The argon2 package writes the parameters as m,p,t; the PHC format suggests m,t,p. Accept any order.
const ARGON2ID_PHC = /^\$argon2id\$v=(\d+)\$([a-z]=\d+(?:,[a-z]=\d+){2})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const ARGON2_VERSION = 0x13;

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** The parameters inside a stored PHC string, or null if it is not an argon2id hash. */
export function parseArgon2idHash(stored: string): (Argon2Params & { version: number }) | null {
  const match = ARGON2ID_PHC.exec(stored);
  if (!match) return null;
  const params = new Map(match[2]!.split(',').map((kv) => [kv[0]!, Number(kv.slice(2))]));
  const [m, t, p] = [params.get('m'), params.get('t'), params.get('p')];
  if (m === undefined || t === undefined || p === undefined) return null;
  return { version: Number(match[1]), memoryKiB: m, timeCost: t, parallelism: p };
}

export class PasswordHasher {
  private readonly params: Readonly<Argon2Params>;
  /** A real hash of a random string, for verifyNothing. Computed on first use. */
  private decoy: Promise<string> | null = null;

  constructor(params: Readonly<Argon2Params> = ARGON2_PARAMS) {
    if (
      params.memoryKiB < ARGON2_MINIMUM.memoryKiB ||
      params.timeCost < ARGON2_MINIMUM.timeCost ||
      params.parallelism < 1
    ) {
      throw new Error(
        `argon2id parameters m=${params.memoryKiB} KiB, t=${params.timeCost}, p=${params.parallelism} are below the minimum ` +
          `(m=${ARGON2_MINIMUM.memoryKiB} KiB, t=${ARGON2_MINIMUM.timeCost})`,
      );
    }
    this.params = Object.freeze({ ...params });
  }

  get parameters(): Readonly<Argon2Params> {
    return this.params;
  }

  /** A PHC string (`$argon2id$v=19$m=…,p=…,t=…$salt$hash`) with a fresh random salt. */
  async hash(password: string): Promise<string> {
    return argon2.hash(normalizePassword(password), {
      type: argon2.argon2id,
      memoryCost: this.params.memoryKiB,
      timeCost: this.params.timeCost,
      parallelism: this.params.parallelism,
    });
  }

  /**
   * True only for the right password. A malformed or non-argon2id stored value yields false rather
   * than an exception: a corrupt row must read as "wrong password", never as an open door or a 500.
   */
  async verify(stored: string, password: string): Promise<boolean> {
    if (parseArgon2idHash(stored) === null) return false;
    try {
      return await argon2.verify(stored, normalizePassword(password));
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as verify() and answers false. Call it when the username is unknown, so
   * response time does not tell an attacker which usernames exist.
   */
  async verifyNothing(password: string): Promise<false> {
    this.decoy ??= this.hash(randomBytes(24).toString('base64url'));
    await this.verify(await this.decoy, password);
    return false;
  }

  /**
   * True when the stored hash was made with other parameters (or is not argon2id): re-hash the
   * password, which is in hand right after a successful verify, and store the new hash. Any
   * difference counts, not only weaker ones, so the configured parameters are what every account
   * converges to.
   */
  needsRehash(stored: string): boolean {
    const found = parseArgon2idHash(stored);
    if (!found) return true;
    return (
      found.version !== ARGON2_VERSION ||
      found.memoryKiB !== this.params.memoryKiB ||
      found.timeCost !== this.params.timeCost ||
      found.parallelism !== this.params.parallelism
    );
  }
}
