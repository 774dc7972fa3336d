import type { BarcodeRead } from './types';

/**
 * What every barcode path (serial lines, HID keyboard, HID POS) does to a finished scan, so the
 * three agree on what a scan is.
 */

/** deviceEventSchema caps barcode data at 500 characters. */
export const MAX_SCAN_LENGTH = 500;

/**
 * AIM / ISO 15424 identifier: `]`, a symbology letter and a modifier character, e.g. `]C1`, `]E0`,
 * `]Q3`, `]d2` (devices.md §2). Modifiers are digits in every table we use; ISO 15424 allows letters.
 */
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

/**
 * Symbologies whose data is a GS1 element string (FNC1 in first position is signalled by the
 * identifier, later FNC1s arrive as GS 0x1D): devices.md §2, jodal/biip _symbology.py.
 */
const GS1_ELEMENT_STRING = new Set([']C1', ']e0', ']d2', ']Q3', ']J1']);

export function isGs1ElementString(symbology: string | undefined): boolean {
  return symbology !== undefined && GS1_ELEMENT_STRING.has(symbology);
}

export type ScanOutcome = BarcodeRead | 'empty' | 'too-long';

export interface ScanTextOptions {
  /** Strip and keep a leading AIM identifier (default true). */
  aim?: boolean;
  maxLength?: number;
}

/**
 * Control characters are line noise or framing (STX, stray CR) except the three that carry
 * meaning in data: GS separates GS1 fields; RS and EOT frame ISO/IEC 15434 envelopes
 * (`[)>` RS `06` GS … RS EOT) found on 2D codes.
 */
// eslint-disable-next-line no-control-regex
const NOISE = /[\x00-\x03\x05-\x1C\x1F\x7F-\x9F]/g;

export function scanFromText(text: string, options: ScanTextOptions = {}): ScanOutcome {
  const maxLength = Math.min(options.maxLength ?? MAX_SCAN_LENGTH, MAX_SCAN_LENGTH);
  let data = text.replace(NOISE, '');
  let symbology: string | undefined;
  if (options.aim !== false && AIM_PREFIX.test(data)) {
    symbology = data.slice(0, 3);
    data = data.slice(3);
  }
  if (data.length === 0) return 'empty';
  if (data.length > maxLength) return 'too-long';
  return symbology === undefined ? { kind: 'barcode', data } : { kind: 'barcode', data, symbology };
}

const utf8 = new TextDecoder('utf-8');

/** Scanners send ASCII; 2D codes may carry UTF-8. Invalid sequences become U+FFFD, never a throw. */
export function bytesToText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Counts shared by the scanner decoders; each adds its own transport-level counts. */
export interface ScanCounters {
  scans: number;
  /** Terminated but nothing left after stripping noise and the AIM prefix. */
  empty: number;
  /** Longer than maxLength: dropped whole, never truncated into a different code. */
  overlong: number;
}

export function newScanCounters(): ScanCounters {
  return { scans: 0, empty: 0, overlong: 0 };
}

/** Finishes one scan: counts it and appends it to `out` when it is a read. */
export function finishScan(text: string, options: ScanTextOptions, counters: ScanCounters, out: BarcodeRead[]): void {
  const outcome = scanFromText(text, options);
  if (outcome === 'empty') counters.empty++;
  else if (outcome === 'too-long') counters.overlong++;
  else {
    counters.scans++;
    out.push(outcome);
  }
}
