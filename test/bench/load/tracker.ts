import { performance } from 'node:perf_hooks';
import type { Delivery } from './protocol';
import type { ReadSource } from './reads';

const now = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Gives up waiting for receipts after this long without a new one. */
const STALL_MS = 15_000;

type Elu = ReturnType<typeof performance.eventLoopUtilization>;

/**
 * Send, socket-receipt and ack times of every read, by global read number (reads.ts). Order is
 * checked per board: one board's reads travel one MQTT connection to one writer queue, so its
 * leaves must come in publish order; across boards no order is promised.
 */
export class Tracker {
  readonly sent: Float64Array;
  readonly received: Float64Array;
  readonly acked: Float64Array;
  ackCount = 0;
  duplicated = 0;
  reordered = 0;
  private readonly lastOfBoard: Int32Array;
  onAck: () => void = () => undefined;
  /** Badge reads per board still waiting for their unlock command, oldest first. */
  private readonly awaitingUnlock = new Map<number, number[]>();
  /** Badge read published -> unlock command received at the board, ms. */
  readonly unlockLatencies: number[] = [];

  badgeSent(board: number, g: number): void {
    const queue = this.awaitingUnlock.get(board) ?? [];
    queue.push(g);
    this.awaitingUnlock.set(board, queue);
  }

  /**
   * Ends a phase's unlock figures: each phase reports only its own badges, and a badge left
   * without an unlock must not be matched to a later phase's unlock. Returns how many were left.
   */
  closeUnlocks(): { latencies: number[]; unanswered: number } {
    const unanswered = [...this.awaitingUnlock.values()].reduce((sum, queue) => sum + queue.length, 0);
    this.awaitingUnlock.clear();
    return { latencies: this.unlockLatencies.splice(0), unanswered };
  }

  unlocked(board: number, at: number): void {
    const g = this.awaitingUnlock.get(board)?.shift();
    if (g !== undefined) this.unlockLatencies.push(at - this.sent[g]!);
  }

  constructor(
    readonly reads: ReadSource,
    total: number,
    private readonly progress: (text: string) => void,
  ) {
    this.sent = new Float64Array(total).fill(Number.NaN);
    this.received = new Float64Array(total).fill(Number.NaN);
    this.acked = new Float64Array(total).fill(Number.NaN);
    this.lastOfBoard = new Int32Array(reads.boards).fill(-1);
  }

  receipt(g: number, at: number): void {
    if (g < 0 || g >= this.received.length) return;
    if (!Number.isNaN(this.received[g]!)) {
      this.duplicated++;
      return;
    }
    const board = this.reads.boardOf(g);
    if (g < this.lastOfBoard[board]!) this.reordered++;
    else this.lastOfBoard[board] = g;
    this.received[g] = at;
  }

  ack(g: number, at: number): void {
    if (g < 0 || g >= this.acked.length || !Number.isNaN(this.acked[g]!)) return;
    this.acked[g] = at;
    this.ackCount++;
    this.onAck();
  }

  /** Counts over reads [from, to) and the worker's event-loop use since `elu`. */
  delivery(from: number, to: number, duplicatedBefore: number, reorderedBefore: number, elu: Elu): Delivery {
    let received = 0;
    let acked = 0;
    let ackedWithoutLeaf = 0;
    for (let g = from; g < to; g++) {
      const got = !Number.isNaN(this.received[g]!);
      const ack = !Number.isNaN(this.acked[g]!);
      if (got) received++;
      if (ack) acked++;
      if (ack && !got) ackedWithoutLeaf++;
    }
    return {
      published: to - from,
      received,
      lost: to - from - received,
      duplicated: this.duplicated - duplicatedBefore,
      reordered: this.reordered - reorderedBefore,
      acked,
      notAcked: to - from - acked,
      ackedWithoutLeaf,
      workerElu: performance.eventLoopUtilization(elu).utilization,
    };
  }

  latencies(from: number, to: number, times: Float64Array): Float64Array {
    const out = new Float64Array(to - from);
    for (let g = from; g < to; g++) out[g - from] = times[g]! - this.sent[g]!;
    return out;
  }

  /** Resolves once every read in [from, to) is received and acked, or after STALL_MS without progress. */
  async drain(from: number, to: number): Promise<void> {
    let seen = -1;
    let since = now();
    for (;;) {
      let missing = 0;
      for (let g = from; g < to; g++) if (Number.isNaN(this.received[g]!) || Number.isNaN(this.acked[g]!)) missing++;
      if (missing === 0) return;
      if (missing !== seen) {
        seen = missing;
        since = now();
      } else if (now() - since > STALL_MS) {
        this.progress(`gave up waiting: ${missing} of ${to - from} reads were never received on the socket or never acked`);
        return;
      }
      await sleep(20);
    }
  }

  /** The worst publish -> socket latency of the reads published in each second after `started`. */
  maxPerSecond(from: number, to: number, started: number): number[] {
    const out: number[] = [];
    for (let g = from; g < to; g++) {
      const second = Math.floor((this.sent[g]! - started) / 1000);
      const latency = this.received[g]! - this.sent[g]!;
      if (Number.isFinite(latency) && second >= 0) out[second] = Math.max(out[second] ?? 0, Math.round(latency));
    }
    return Array.from(out, (v) => v ?? 0);
  }
}
