import { open, readFile, unlink } from 'node:fs/promises';

/** Another rotation holds the lock: the caller should say so (HTTP 409) rather than wait. */
export class KeyRotationBusyError extends Error {}

/**
 * A lock file (created with O_EXCL) held for the whole of a key rotation, across processes: the
 * server and `safekeep log rotate-key` share the data directory, and two rotations at once would
 * each append a `log.key_rotated` entry and sign a transition, leaving one orphaned. The file holds
 * the holder's pid, so a lock left by a crashed process is recognised and taken over instead of
 * blocking rotations until someone finds and deletes it.
 */
export async function acquireRotationLock(file: string): Promise<() => Promise<void>> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`, 'utf8');
      } finally {
        await handle.close();
      }
      return () => unlink(file).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt((await readFile(file, 'utf8').catch(() => '')).trim(), 10);
      if (attempt === 0 && Number.isSafeInteger(holder) && holder > 0 && !isRunning(holder)) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      throw new KeyRotationBusyError(`another key rotation is in progress (lock file ${file}); if none is running, delete that file and try again`);
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
