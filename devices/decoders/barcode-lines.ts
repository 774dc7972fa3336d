import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import {
  bytesToText,
  finishScan,
  MAX_SCAN_LENGTH,
  newScanCounters,
  type ScanCounters,
  type ScanTextOptions,
} from './scan-text';
import { systemTimers, type BarcodeRead, type TimerApi } from './types';

/**
 * Serial (RS-232 / USB-CDC) barcode scanners send one scan per line, but the suffix is a scanner
 * setting with differing defaults (devices.md §2: Intermec CR+LF, Honeywell Xenon "None"). The
 * framer ends a scan on any configured terminator; CRLF needs no special case because the empty
 * "line" between CR and LF is dropped. Scanners set to no suffix need `idleFlushMs`.
 */

export type LineTerminator = 'CR' | 'LF' | 'TAB' | 'ETX';

const TERMINATOR_BYTES: Record<LineTerminator, number> = { CR: 0x0d, LF: 0x0a, TAB: 0x09, ETX: 0x03 };

export interface BarcodeLineOptions extends ScanTextOptions {
  /** Default CR, LF and TAB (CR+LF works with both listed). ETX is for STX…ETX framing without LRC. */
  terminators?: readonly LineTerminator[];
}

export interface BarcodeLineCounters extends ScanCounters {
  /** Scans ended by silence rather than a terminator. */
  idleFlushes: number;
  /** Bytes still pending when the stream ended without idle flushing: a scan cut off mid-way. */
  unterminated: number;
}

/** Incremental line framer: push bytes, get the scans they complete. */
export class BarcodeLineFramer {
  private readonly isTerminator = new Uint8Array(256);
  private readonly buffer: Uint8Array;
  private length = 0;
  /** The current line outgrew the buffer: discard it up to its terminator. */
  private overflowing = false;
  private readonly scanOptions: ScanTextOptions;
  private readonly stats: BarcodeLineCounters = { ...newScanCounters(), idleFlushes: 0, unterminated: 0 };

  constructor(options: BarcodeLineOptions = {}) {
    for (const t of options.terminators ?? ['CR', 'LF', 'TAB']) this.isTerminator[TERMINATOR_BYTES[t]] = 1;
    const maxLength = Math.min(options.maxLength ?? MAX_SCAN_LENGTH, MAX_SCAN_LENGTH);
    this.scanOptions = { aim: options.aim ?? true, maxLength };
    // Room for a whole UTF-8 scan plus noise and an AIM prefix: beyond this it is overlong anyway.
    this.buffer = new Uint8Array(maxLength * 4 + 16);
  }

  get counters(): BarcodeLineCounters {
    return { ...this.stats };
  }

  get pending(): boolean {
    return this.length > 0 || this.overflowing;
  }

  push(chunk: Uint8Array): BarcodeRead[] {
    const reads: BarcodeRead[] = [];
    for (const byte of chunk) {
      if (this.isTerminator[byte] === 1) {
        this.endLine(reads);
      } else if (this.length < this.buffer.length) {
        this.buffer[this.length++] = byte;
      } else {
        this.overflowing = true;
      }
    }
    return reads;
  }

  /** The line has gone quiet: whatever is pending is one scan. */
  flushIdle(): BarcodeRead[] {
    const reads: BarcodeRead[] = [];
    if (this.pending) {
      this.stats.idleFlushes++;
      this.endLine(reads);
    }
    return reads;
  }

  /** The stream ended without an idle rule: a pending partial line is not trusted as a scan. */
  end(): void {
    if (this.pending) this.stats.unterminated++;
    this.length = 0;
    this.overflowing = false;
  }

  private endLine(reads: BarcodeRead[]): void {
    if (this.overflowing) {
      this.stats.overlong++;
    } else if (this.length > 0) {
      finishScan(bytesToText(this.buffer.subarray(0, this.length)), this.scanOptions, this.stats, reads);
    }
    this.length = 0;
    this.overflowing = false;
  }
}

export interface BarcodeLineParserOptions extends BarcodeLineOptions {
  /** End a scan after this much silence (ms): required for scanners configured without a suffix. */
  idleFlushMs?: number;
  /** Injectable timers, for tests. */
  timers?: TimerApi;
  stream?: TransformOptions;
}

/** node-serialport style parser: `port.pipe(new BarcodeLineParser())` yields BarcodeRead objects. */
export class BarcodeLineParser extends Transform {
  private readonly framer: BarcodeLineFramer;
  private readonly idleFlushMs: number | undefined;
  private readonly timers: TimerApi;
  private timer: unknown = undefined;

  constructor(options: BarcodeLineParserOptions = {}) {
    super({ ...options.stream, readableObjectMode: true });
    this.framer = new BarcodeLineFramer(options);
    this.idleFlushMs = options.idleFlushMs;
    this.timers = options.timers ?? systemTimers;
  }

  get counters(): BarcodeLineCounters {
    return this.framer.counters;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (const read of this.framer.push(chunk)) this.push(read);
    this.armIdleTimer();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.disarm();
    if (this.idleFlushMs !== undefined) for (const read of this.framer.flushIdle()) this.push(read);
    else this.framer.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.disarm();
    callback(error);
  }

  private armIdleTimer(): void {
    if (this.idleFlushMs === undefined) return;
    this.disarm();
    if (!this.framer.pending) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      for (const read of this.framer.flushIdle()) this.push(read);
    }, this.idleFlushMs);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
