import type { Clock } from '../../server/shared/clock';
import {
  bytesToText,
  finishScan,
  MAX_SCAN_LENGTH,
  newScanCounters,
  type ScanCounters,
  type ScanTextOptions,
} from './scan-text';
import type { BarcodeRead } from './types';

/**
 * HID POS scanners (usage page 0x8C, Scanned Data Report) deliver data in fixed-size input
 * reports; a code longer than one report continues in the next, flagged "more data follows".
 * The byte layout is the vendor's (devices.md §2):
 *
 *   Access-IS LSR116/LSR118, 64 bytes: [0] report id 0x02 · [1] data length in this report ·
 *   [2..4] AIM id (`]Q0`) · [5..60] up to 56 data bytes · [61] vendor symbology id ·
 *   [62] reserved · [63] bit 0 = more data follows.
 *   e.g. `02 38 5D 51 30 "M1GATHERGOOD/M…" … 73 00 01`, then a report ending `…00`.
 *
 *   Microscan: [0] id 0x01 · [1] length · [2..63] data; no AIM, no continuation flag. From one
 *   line in devices.md, not checked against a device.
 */

export interface HidPosLayout {
  reportId: number;
  lengthOffset: number;
  dataOffset: number;
  maxData: number;
  /** Where a 3-byte AIM identifier sits, when the layout carries one. */
  aimOffset?: number;
  /** Where the "more data follows" flag sits, when the layout can continue a code. */
  moreOffset?: number;
  moreMask?: number;
}

export const ACCESS_IS_LAYOUT: HidPosLayout = {
  reportId: 0x02,
  lengthOffset: 1,
  aimOffset: 2,
  dataOffset: 5,
  maxData: 56,
  moreOffset: 63,
  moreMask: 0x01,
};

export const MICROSCAN_LAYOUT: HidPosLayout = { reportId: 0x01, lengthOffset: 1, dataOffset: 2, maxData: 62 };

export interface HidPosOptions extends ScanTextOptions {
  layout?: HidPosLayout;
  /**
   * A continuation later than this (ms) after the previous report may belong to another scan:
   * the code is dropped up to its last report. Needs `clock`.
   */
  assemblyTimeoutMs?: number;
  clock?: Clock;
}

export interface HidPosCounters extends ScanCounters {
  reports: number;
  /** Reports with another id (status, vendor reports): not scans. */
  otherReports: number;
  /** Too short for the layout, or a length byte beyond the data area. */
  malformedReports: number;
  /** Codes dropped because a continuation came too late: the tail alone would be a wrong code. */
  staleDropped: number;
}

export class HidPosDecoder {
  private readonly layout: HidPosLayout;
  private readonly minLength: number;
  private readonly scanOptions: ScanTextOptions;
  private readonly maxBytes: number;
  private readonly assemblyTimeoutMs: number;
  private readonly clock: Clock | undefined;
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private aim = '';
  private overflowing = false;
  /** A report flagged "more data follows" was accepted and its message is not finished yet. */
  private continuing = false;
  /** The current message had a late continuation: discard it to its last report. */
  private stale = false;
  private lastReportAt = 0;
  private readonly stats: HidPosCounters = {
    ...newScanCounters(),
    reports: 0,
    otherReports: 0,
    malformedReports: 0,
    staleDropped: 0,
  };

  constructor(options: HidPosOptions = {}) {
    this.layout = options.layout ?? ACCESS_IS_LAYOUT;
    const { lengthOffset, dataOffset, maxData, aimOffset, moreOffset } = this.layout;
    this.minLength = Math.max(lengthOffset + 1, dataOffset + maxData, (aimOffset ?? 0) + 3, (moreOffset ?? 0) + 1);
    const maxLength = Math.min(options.maxLength ?? MAX_SCAN_LENGTH, MAX_SCAN_LENGTH);
    this.scanOptions = { aim: options.aim ?? true, maxLength };
    this.maxBytes = maxLength * 4 + 16;
    this.assemblyTimeoutMs = options.assemblyTimeoutMs ?? 500;
    this.clock = options.clock;
  }

  get counters(): HidPosCounters {
    return { ...this.stats };
  }

  push(report: Uint8Array): BarcodeRead[] {
    const reads: BarcodeRead[] = [];
    this.stats.reports++;
    if (report[0] !== this.layout.reportId) {
      this.stats.otherReports++;
      return reads;
    }
    this.dropIfStale();
    const { lengthOffset, dataOffset, maxData, aimOffset, moreOffset, moreMask = 0x01 } = this.layout;
    const length = report[lengthOffset] ?? 0;
    if (report.length < this.minLength || length > maxData) {
      this.stats.malformedReports++;
      this.reset();
      return reads;
    }
    if (!this.continuing && aimOffset !== undefined && report[aimOffset] === 0x5d) {
      this.aim = String.fromCharCode(...report.subarray(aimOffset, aimOffset + 3));
    }
    if (this.partBytes + length > this.maxBytes) this.overflowing = true;
    if (!this.overflowing && !this.stale && length > 0) {
      this.parts.push(report.slice(dataOffset, dataOffset + length));
      this.partBytes += length;
    }
    const more = moreOffset !== undefined && ((report[moreOffset] ?? 0) & moreMask) !== 0;
    if (more) this.continuing = true;
    else this.finish(reads);
    return reads;
  }

  private finish(reads: BarcodeRead[]): void {
    if (this.overflowing) this.stats.overlong++;
    else if (!this.stale && this.partBytes > 0) {
      const data = new Uint8Array(this.partBytes);
      let at = 0;
      for (const part of this.parts) {
        data.set(part, at);
        at += part.length;
      }
      finishScan(this.aim + bytesToText(data), this.scanOptions, this.stats, reads);
    }
    this.reset();
  }

  private dropIfStale(): void {
    if (!this.clock) return;
    const now = this.clock.now().getTime();
    if (this.continuing && now - this.lastReportAt > this.assemblyTimeoutMs && !this.stale) {
      this.stats.staleDropped++;
      this.stale = true;
    }
    this.lastReportAt = now;
  }

  private reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.aim = '';
    this.overflowing = false;
    this.continuing = false;
    this.stale = false;
  }
}
