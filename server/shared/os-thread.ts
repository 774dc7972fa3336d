import { readlinkSync } from 'node:fs';

/**
 * The kernel's id of the calling thread (Linux), or null where /proc/thread-self does not exist.
 * Only for diagnostics: it lets a monitor read that thread's CPU time from /proc/self/task.
 */
export function osThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}
