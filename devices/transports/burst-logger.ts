import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';

/**
 * A misbehaving device can send garbage thousands of times a second. Each kind of problem is
 * counted always, but logged once per burst: the first time, then a summary when it recurs after
 * a quiet period.
 */
export class BurstLogger {
  private readonly bursts = new Map<string, { count: number; lastAt: number; loggedCount: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly quietMs = 60_000,
  ) {}

  report(key: string, context: Record<string, unknown>, message: string): void {
    const now = this.clock.now().getTime();
    const burst = this.bursts.get(key);
    if (!burst || now - burst.lastAt > this.quietMs) {
      const suppressed = burst ? burst.count - burst.loggedCount : 0;
      this.logger.warn({ ...context, ...(suppressed > 0 ? { suppressed } : {}) }, message);
      this.bursts.set(key, { count: (burst?.count ?? 0) + 1, lastAt: now, loggedCount: (burst?.count ?? 0) + 1 });
      return;
    }
    burst.count++;
    burst.lastAt = now;
  }

  /** Total problems seen per key, for diagnostics and tests. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.bursts].map(([k, v]) => [k, v.count]));
  }
}
