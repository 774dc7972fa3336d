/**
 * Reconnect delays for one device: doubling from `initialMs` up to `maxMs`, back to the start
 * after a success. A reader that is unplugged for a weekend is retried every few seconds, not
 * hammered, and one that comes back is retried at once.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs = 250,
    private readonly maxMs = 5000,
  ) {}

  /** The delay before the next attempt; each call doubles it up to the cap. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 20));
    this.attempt++;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
