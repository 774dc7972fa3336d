import { firmwareMessage, type SimulatedAct, type SimulatedBoard } from '../../../devices/simulator/firmware-payloads';

/**
 * What the bench publishes: the demo office's Safekeep-firmware board `safekeep/cab-4`, built by
 * the project's own simulator, so the bytes are exactly what that firmware sends.
 *
 * Each read carries the device clock `ts`, which the server keeps in the leaf as `ts_device`. The
 * bench's simulated device clock advances exactly 1 ms per read (`ts = epoch + seq ms`), so every
 * read's ts is unique and a leaf received on the socket maps back to the read it came from:
 * seq = Date.parse(leaf.event.ts_device) - epoch. At 1,000 reads/s this clock runs at real time.
 */

export const BOARD: SimulatedBoard = { firmware: 'safekeep', topic: 'safekeep/cab-4', roles: ['badge_reader', 'door_sensor', 'lock'] };
export const ACK_TOPIC = 'safekeep/cab-4/ack';
export const BOARD_DEVICES = new Set(['cab-4-reader', 'cab-4-door', 'cab-4-lock']);

/** 40 staff badges, enrolled with access to cab-4 by enroll.ts, so each badge read is a granted visit. */
export const BADGES = Array.from({ length: 40 }, (_, i) => ((0x008ec793 + i * 7919) >>> 0).toString(16).toUpperCase().padStart(8, '0'));

/** One cabinet access as the board reports it: who, unlock, open, close, lock. */
function actFor(seq: number): SimulatedAct {
  switch (seq % 5) {
    case 0:
      return { kind: 'badge', uidHex: BADGES[Math.floor(seq / 5) % BADGES.length]! };
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

  constructor(
    readonly boot: string,
    epoch: number,
  ) {
    this.epoch = Math.floor(epoch);
  }

  message(seq: number): { topic: string; payload: string } {
    return firmwareMessage(BOARD, actFor(seq), { now: new Date(this.epoch + seq), boot: this.boot, seq });
  }

  /** The seq of a read from the ts_device the server stored, or -1 if it is not one of ours. */
  seqOf(tsDevice: unknown): number {
    if (typeof tsDevice !== 'string') return -1;
    const seq = Date.parse(tsDevice) - this.epoch;
    return Number.isSafeInteger(seq) && seq >= 0 ? seq : -1;
  }
}
