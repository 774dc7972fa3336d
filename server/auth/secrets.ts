import { hkdfSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { readPrivateFile, writePrivateFile } from '../shared/secret-file';

/**
 * The server's authentication secret: 32 random bytes in `<dataDir>/auth-key`, created on first
 * start. Separate keys for each use are derived from it (HKDF-SHA256), so a CSRF token can
 * never be replayed as a pseudonym or the other way round.
 *
 * Losing or replacing the file is harmless: CSRF tokens change (pages fetch a new one with the
 * session) and pseudonyms of failed logins under unknown usernames stop linking to earlier ones.
 * It is still kept private (mode 600): with it, anyone could forge CSRF tokens for a stolen
 * session id, or test guesses of which username a pseudonym stands for.
 */

export const AUTH_KEY_FILE = 'auth-key';
const KEY_BYTES = 32;

export interface AuthKeys {
  /** For CsrfTokens. */
  csrf: Buffer;
  /** For AuthPseudonyms. */
  pseudonym: Buffer;
}

export function deriveAuthKeys(master: Buffer): AuthKeys {
  if (master.length < KEY_BYTES) throw new Error(`auth key must be at least ${KEY_BYTES} bytes`);
  const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `safekeep/${purpose}/v1`, KEY_BYTES));
  return { csrf: derive('csrf'), pseudonym: derive('auth-pseudonym') };
}

export async function loadOrCreateAuthKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, AUTH_KEY_FILE);
  const existing = await readKey(file);
  if (existing) return existing;
  // create-once: two processes starting together must end up with the same key.
  await writePrivateFile(file, `${randomBytes(KEY_BYTES).toString('base64url')}\n`, 'create-once');
  const stored = await readKey(file);
  if (!stored) throw new Error(`auth key: ${file} vanished right after it was created`);
  return stored;
}

async function readKey(file: string): Promise<Buffer | undefined> {
  const text = await readPrivateFile(file, 'auth key');
  if (text === undefined) return undefined;
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== KEY_BYTES) throw new Error(`auth key: ${file} does not hold ${KEY_BYTES} base64url bytes`);
  return key;
}
