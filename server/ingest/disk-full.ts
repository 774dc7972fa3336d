/** SQLite's SQLITE_FULL and PostgreSQL's disk_full (53100) both mean: stop acknowledging. */
export function isDiskFull(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; original?: unknown; parent?: unknown };
    if (e.code === 'SQLITE_FULL' || e.code === '53100') return true;
    if (typeof e.message === 'string' && /database or disk is full|No space left on device/i.test(e.message)) return true;
    current = e.original ?? e.parent;
  }
  return false;
}
