import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import { canonicalCredential } from '../credentials/canonical';
import type { BadgeRead } from './types';

/**
 * RDM6300 / EM4100 125 kHz readers over UART (9600 8N1, transmit-only), devices.md §1:
 *
 *   02 | 10 ASCII hex: version byte + 4 tag bytes | 2 ASCII hex: XOR of the 5 bytes | 03
 *   02  31 34 30 30 38 45 43 37 39 33  43 45  03   = 02-14-008EC793-CE-03 (Tasmota xsns_51)
 *
 * The reader repeats the frame every ~65 ms while a tag is held; every valid frame is emitted and
 * debouncing is left to the server (per reader and UID), as ESPHome does.
 */

const STX = 0x02;
const ETX = 0x03;
const FRAME_LENGTH = 14;

export type Rdm6300FrameResult =
  | { ok: true; read: BadgeRead; version: number; tag: number }
  | { ok: false; reason: 'length' | 'start' | 'terminator' | 'character' | 'checksum' | 'zero-tag' };

/** Decodes one complete frame. Lowercase hex is accepted (ESPHome's nibble decoder is not). */
export function decodeRdm6300Frame(frame: Uint8Array): Rdm6300FrameResult {
  if (frame.length !== FRAME_LENGTH) return { ok: false, reason: 'length' };
  if (frame[0] !== STX) return { ok: false, reason: 'start' };
  if (frame[13] !== ETX) return { ok: false, reason: 'terminator' };
  const bytes = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 12; i++) {
    const nibble = hexValue(frame[1 + i] ?? 0);
    if (nibble < 0) return { ok: false, reason: 'character' };
    bytes[i >> 1] = ((bytes[i >> 1] ?? 0) << 4) | nibble;
  }
  const [v = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0, checksum = 0] = bytes;
  if ((v ^ t0 ^ t1 ^ t2 ^ t3) !== checksum) return { ok: false, reason: 'checksum' };
  const raw = String.fromCharCode(...frame.subarray(1, 11));
  const credential = canonicalCredential(raw, 'em4100');
  if (!credential) return { ok: false, reason: 'zero-tag' };
  return { ok: true, read: { kind: 'badge', credential }, version: v, tag: ((t0 << 24) | (t1 << 16) | (t2 << 8) | t3) >>> 0 };
}

export interface Rdm6300Counters {
  /** Valid frames decoded into reads. */
  frames: number;
  /** A frame cut short by a new STX, an early ETX, or the end of the stream. */
  shortFrame: number;
  /** A byte inside a frame that is not ASCII hex. */
  badCharacter: number;
  /** Fourteenth byte not ETX. */
  badTerminator: number;
  badChecksum: number;
  /** Checksum-valid frame carrying tag 0: a known false positive (Tasmota ignores it too). */
  zeroTag: number;
  /** Bytes seen outside any frame (line noise, a reader powering up). */
  discardedBytes: number;
}

/**
 * Incremental framer: feed it whatever the port delivers, get the reads completed so far.
 * Every STX restarts framing, and STX cannot occur inside a valid frame (hex digits and ETX
 * only), so garbage can never hide a valid frame that follows it.
 */
export class Rdm6300Framer {
  private readonly frame = new Uint8Array(FRAME_LENGTH);
  /** Bytes of the current frame collected so far; 0 while hunting for STX. */
  private filled = 0;
  private readonly stats: Rdm6300Counters = {
    frames: 0,
    shortFrame: 0,
    badCharacter: 0,
    badTerminator: 0,
    badChecksum: 0,
    zeroTag: 0,
    discardedBytes: 0,
  };

  get counters(): Rdm6300Counters {
    return { ...this.stats };
  }

  push(chunk: Uint8Array): BadgeRead[] {
    const reads: BadgeRead[] = [];
    for (const byte of chunk) {
      if (byte === STX) {
        if (this.filled > 0) this.stats.shortFrame++;
        this.frame[0] = STX;
        this.filled = 1;
        continue;
      }
      if (this.filled === 0) {
        this.stats.discardedBytes++;
        continue;
      }
      this.frame[this.filled++] = byte;
      if (this.filled < FRAME_LENGTH) {
        // Give up on a doomed frame at once; the byte cannot start a frame, so nothing is lost.
        if (hexValue(byte) < 0) {
          if (byte === ETX) this.stats.shortFrame++;
          else this.stats.badCharacter++;
          this.filled = 0;
        }
        continue;
      }
      this.filled = 0;
      const result = decodeRdm6300Frame(this.frame);
      if (result.ok) {
        this.stats.frames++;
        reads.push(result.read);
      } else if (result.reason === 'terminator') this.stats.badTerminator++;
      else if (result.reason === 'checksum') this.stats.badChecksum++;
      else if (result.reason === 'zero-tag') this.stats.zeroTag++;
      else this.stats.badCharacter++;
    }
    return reads;
  }

  /** The port closed: a half-received frame is a reject, not a read. */
  end(): void {
    if (this.filled > 0) this.stats.shortFrame++;
    this.filled = 0;
  }
}

/** node-serialport style parser: `port.pipe(new Rdm6300Parser())` yields BadgeRead objects. */
export class Rdm6300Parser extends Transform {
  private readonly framer = new Rdm6300Framer();

  constructor(options: TransformOptions = {}) {
    super({ ...options, readableObjectMode: true });
  }

  get counters(): Rdm6300Counters {
    return this.framer.counters;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (const read of this.framer.push(chunk)) this.push(read);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.framer.end();
    callback();
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}
