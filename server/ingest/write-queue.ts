/**
 * The writer's queue, in two lanes. Someone standing at a cabinet waits on an access decision,
 * so a job marked urgent (a badge read) goes ahead of the bulk of queued reads, and a running
 * batch stops taking jobs once one is waiting (custody-writer.ts), so its unlock is not held
 * behind a thousand door and scan events of other cabinets.
 *
 * Order within a place still holds: an urgent job jumps ahead only when nothing queued shares
 * its `lane` (the cabinet, desk or bin). A door opened before the badge must still be judged
 * before it, or a forced door would look like part of the visit.
 */
export interface QueuedJob {
  urgent?: boolean;
  lane?: string;
}

export class WriteQueue<T extends { job: QueuedJob }> {
  private readonly urgent: T[] = [];
  private normal: T[] = [];
  /** Normal jobs per lane, queued or in a running batch: an urgent job of such a lane may not jump. */
  private readonly normalPerLane = new Map<string, number>();
  private readonly counted = new WeakSet<T>();

  get length(): number {
    return this.urgent.length + this.normal.length;
  }

  /** An urgent job is waiting: a running normal batch should end at its next job. */
  get urgentWaiting(): boolean {
    return this.urgent.length > 0;
  }

  push(item: T): void {
    const { urgent, lane } = item.job;
    if (urgent && (lane === undefined || !this.normalPerLane.has(lane))) {
      this.urgent.push(item);
      return;
    }
    this.normal.push(item);
    if (lane !== undefined) {
      this.normalPerLane.set(lane, (this.normalPerLane.get(lane) ?? 0) + 1);
      this.counted.add(item);
    }
  }

  /** The next batch: urgent jobs alone when any wait, so their commit is small and quick. */
  take(max: number): { items: T[]; urgent: boolean } {
    if (this.urgent.length > 0) return { items: this.urgent.splice(0, max), urgent: true };
    return { items: this.normal.splice(0, max), urgent: false };
  }

  /** Jobs of a normal batch that did not run go back to the front, in their order. */
  putBack(items: readonly T[]): void {
    if (items.length > 0) this.normal = [...items, ...this.normal];
  }

  /** Jobs that ran (committed or refused): their lanes no longer hold urgent jobs back. */
  done(items: readonly T[]): void {
    for (const item of items) {
      if (!this.counted.delete(item)) continue;
      const lane = item.job.lane!;
      const left = (this.normalPerLane.get(lane) ?? 1) - 1;
      if (left > 0) this.normalPerLane.set(lane, left);
      else this.normalPerLane.delete(lane);
    }
  }

  /** Everything queued, urgent first, leaving the queue empty. */
  takeAll(): T[] {
    const all = [...this.urgent.splice(0), ...this.normal];
    this.normal = [];
    this.done(all);
    return all;
  }
}
