import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Private files of the data directory (keys, secrets, the log's key history): mode 0600 in a 0700
 * directory, written whole or not at all, and durable once the call returns.
 *
 * One helper for all of them so that the rules (no window in which the file is readable by others,
 * no half-written key after a power cut, never two processes with different keys) live in one place.
 */

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/**
 * The file's text, or undefined when it does not exist. `what` names it in errors ("signing key").
 * Refuses a file others can read rather than silently tightening the mode: whoever could read it
 * may already have copied it, and that must be looked into, not hidden.
 */
export async function readPrivateFile(file: string, what: string): Promise<string | undefined> {
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
      throw new Error(`${what}: ${file} is accessible to other users (mode ${(mode & 0o777).toString(8)}); check who had access, then chmod 600 it`);
    }
  }
  return text;
}

/**
 * Writes `content` to `file` (mode 0600), creating the directory (0700) if needed.
 *
 * - `create-once`: the file is linked into place only if it does not exist yet. Returns false when
 *   another writer got there first, and that writer's file is kept: two processes starting
 *   together then end up with the same key. rename would silently replace it.
 * - `replace`: the file is swapped atomically (rename): readers see the old or the new content,
 *   never a mix, even after a crash.
 */
export async function writePrivateFile(file: string, content: string, mode: 'create-once' | 'replace'): Promise<boolean> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let created = true;
  try {
    // 'wx' + explicit chmod: the file is never readable by others, whatever the umask.
    const handle = await open(temp, 'wx', PRIVATE_FILE);
    try {
      await handle.chmod(PRIVATE_FILE);
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode === 'replace') {
      await rename(temp, file);
    } else {
      await link(temp, file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
        created = false;
      });
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dir);
  return created;
}

/** Makes directory entries (a new key, a rename) durable: a key lost in a power cut orphans what it signed. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
