import { firmwareMessage, type SimulatedAct, type SimulatedBoard } from '../../../devices/simulator/firmware-payloads';

/**
 * What the bench publishes: reads from `boards` cabinet boards running Safekeep's own firmware
 * (safekeep/bench-<b>, devices bench-<b>-reader/-door/-lock), built by the project's simulator,
 * so the bytes are exactly what that firmware sends.
 *
 * Why many boards: the device registry drops a device's reads beyond 50/s (flood control) and a
 * card seen again on the same reader within 3 s (debounce), so one board can't carry 10,000
 * reads/s and must not: the load is what a large office's many boards send together.
 *
 * Reads are numbered globally, g = 0, 1, 2, ... and dealt round-robin: read g comes from board
 * g % boards as that board's seq floor(g / boards), so each board's seqs run 0, 1, 2... Each read
 * carries the device clock `ts`, which the server keeps in the leaf as `ts_device`; the simulated
 * clocks advance exactly 1 ms per global read (ts = epoch + g ms), so every read's ts is unique
 * and a leaf received on the socket maps back to its read by identity: g = ts_device - epoch.
 * At 1,000 reads/s these clocks run at real time.
 */

/** Staff badges, enrolled with access to every bench cabinet by enroll.ts. */
export const BADGES = Array.from({ length: 100 }, (_, i) => ((0x008ec793 + i * 7919) >>> 0).toString(16).toUpperCase().padStart(8, '0'));

export const boardId = (b: number) => `bench-${b + 1}`;
export const boardTopic = (b: number) => `safekeep/${boardId(b)}`;
export const ackTopic = (b: number) => `${boardTopic(b)}/ack`;
export const isBenchDevice = (deviceId: string) => deviceId.startsWith('bench-');

/** One cabinet visit as the board reports it: who, unlock, open, close, lock. */
function actFor(board: number, seq: number): SimulatedAct {
  switch (seq % 5) {
    case 0:
      // Boards start at different staff; a reader sees the same card again only after 100 visits.
      return { kind: 'badge', uidHex: BADGES[(Math.floor(seq / 5) + board * 7) % BADGES.length]! };
    case 1:
      return { kind: 'lock', state: 'unlocked' };
    case 2:
      return { kind: 'door', state: 'open' };
    case 3:
      return { kind: 'door', state: 'closed' };
    default:
      return { kind: 'lock', state: 'locked' };
  }
}

export class ReadSource {
  /** Whole milliseconds, so ts round-trips exactly through toISOString. */
  readonly epoch: number;
  private readonly simulated: SimulatedBoard[];
  private readonly boardOfBoot = new Map<string, number>();

  constructor(
    readonly run: string,
    readonly boards: number,
    epoch: number,
  ) {
    this.epoch = Math.floor(epoch);
    this.simulated = Array.from({ length: boards }, (_, b) => ({ firmware: 'safekeep', topic: boardTopic(b), roles: ['badge_reader', 'door_sensor', 'lock'] }));
    for (let b = 0; b < boards; b++) this.boardOfBoot.set(this.boot(b), b);
  }

  boot(board: number): string {
    return `${this.run}-${board}`;
  }

  boardOf(g: number): number {
    return g % this.boards;
  }

  /** Whether read g is the badge that starts a visit (see actFor). */
  isBadge(g: number): boolean {
    return Math.floor(g / this.boards) % 5 === 0;
  }

  message(g: number): { topic: string; payload: string } {
    const board = g % this.boards;
    const seq = Math.floor(g / this.boards);
    return firmwareMessage(this.simulated[board]!, actFor(board, seq), { now: new Date(this.epoch + g), boot: this.boot(board), seq });
  }

  /** The read behind a leaf, from the ts_device the server stored; -1 if it is not one of ours. */
  readOfLeaf(tsDevice: unknown): number {
    if (typeof tsDevice !== 'string') return -1;
    const g = Date.parse(tsDevice) - this.epoch;
    return Number.isSafeInteger(g) && g >= 0 ? g : -1;
  }

  /** The read behind an ack {boot, seq}; -1 if it is not one of ours. */
  readOfAck(boot: string, seq: number): number {
    const board = this.boardOfBoot.get(boot);
    return board === undefined ? -1 : seq * this.boards + board;
  }
}
