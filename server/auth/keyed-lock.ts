/**
 * Runs tasks one at a time per key. Login attempts on one account (or from one address) are
 * serialised with it, so the throttle's check-then-record cannot be raced by firing many
 * guesses at once: each attempt sees the failures of the ones before it.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Holds every key in `keys` for the task. Keys are taken in sorted order, so two tasks can't deadlock. */
  async with<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of sorted) releases.push(await this.acquire(key));
      return await task();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Keys currently held or waited for: stays bounded by the requests in flight. */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // Last in line: forget the key so the map does not grow with every username ever tried.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
