import { hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

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
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${randomBytes(KEY_BYTES).toString('base64url')}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // link, not rename: two processes starting together must end up with the same key.
    await link(temp, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const stored = await readKey(file);
  if (!stored) throw new Error(`auth key: ${file} vanished right after it was created`);
  return stored;
}

async function readKey(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (process.platform !== 'win32') {
    const { mode } = await stat(file);
    if ((mode & 0o077) !== 0) {
      throw new Error(`auth key: ${file} is accessible to other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
    }
  }
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== KEY_BYTES) throw new Error(`auth key: ${file} does not hold ${KEY_BYTES} base64url bytes`);
  return key;
}
