import { finishScan, MAX_SCAN_LENGTH, newScanCounters, type ScanCounters, type ScanTextOptions } from './scan-text';
import type { BarcodeRead } from './types';

/**
 * Keyboard-wedge scanners read raw over hidraw: 8-byte boot reports `[modifier, 0, key1..key6]`
 * (devices.md §2, tinyusb hid.h). Decoding is by usage with the US table, the layout scanners are
 * configured for, so the host's AZERTY/QWERTZ/UK keymap cannot corrupt data (bhima#6436,
 * InvenTree#10589).
 *
 * A key is typed when its usage appears in a report and was absent from the previous one. A
 * repeated character therefore needs the release report between, which scanners send: comparing
 * against the previous report, not the previous character, keeps "22" (FreeRDP#3229 lost it).
 */

const MOD_CTRL = 0x01 | 0x10;
const MOD_SHIFT = 0x02 | 0x20;
const MOD_ALT = 0x04 | 0x40;

const USAGE_ENTER = 0x28;
const USAGE_TAB = 0x2b;
const USAGE_KEYPAD_ENTER = 0x58;
/** Every key slot reads 0x01 when too many keys are down: the report says nothing about keys. */
const USAGE_ERROR_ROLLOVER = 0x01;

/** Usage → [unshifted, shifted] on a US keyboard. */
const US: Array<readonly [string, string] | undefined> = [];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
for (let i = 0; i < 26; i++) US[0x04 + i] = [LETTERS[i] ?? '', (LETTERS[i] ?? '').toUpperCase()];
const DIGITS = '1234567890';
const DIGITS_SHIFTED = '!@#$%^&*()';
for (let i = 0; i < 10; i++) US[0x1e + i] = [DIGITS[i] ?? '', DIGITS_SHIFTED[i] ?? ''];
const PUNCTUATION: Array<[number, string, string]> = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x32, '\\', '|'], // "Non-US # and ~": hosts map it to backslash on US layouts
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
];
for (const [usage, plain, shifted] of PUNCTUATION) US[usage] = [plain, shifted];

/** Keypad usages: scanners use them for digits (and Alt codes); NumLock is assumed on. */
const KEYPAD: Array<string | undefined> = [];
KEYPAD[0x54] = '/';
KEYPAD[0x55] = '*';
KEYPAD[0x56] = '-';
KEYPAD[0x57] = '+';
for (let i = 0; i < 9; i++) KEYPAD[0x59 + i] = String(i + 1);
KEYPAD[0x62] = '0';
KEYPAD[0x63] = '.';

export interface HidKeyboardOptions extends ScanTextOptions {
  /** hidraw prefixes reports with their id when the device numbers them. */
  reportId?: number;
  /** Usages that end a scan; default Enter, keypad Enter and Tab. */
  terminators?: readonly number[];
}

export interface HidKeyboardCounters extends ScanCounters {
  reports: number;
  /** Shorter than 8 bytes, or carrying another report id. */
  malformedReports: number;
  rollover: number;
  /** Key presses with no meaning here (Esc, F-keys, arrows, Ctrl+digit…). */
  unknownUsages: number;
}

export class HidKeyboardDecoder {
  private previous: number[] = [];
  private text = '';
  private overflowing = false;
  /** Digits typed on the keypad while Alt is held: Windows-style Alt codes (Alt+029 is GS). */
  private altCode: string | null = null;
  private readonly terminators: ReadonlySet<number>;
  private readonly scanOptions: ScanTextOptions;
  private readonly maxPending: number;
  private readonly reportId: number | undefined;
  private readonly stats: HidKeyboardCounters = {
    ...newScanCounters(),
    reports: 0,
    malformedReports: 0,
    rollover: 0,
    unknownUsages: 0,
  };

  constructor(options: HidKeyboardOptions = {}) {
    this.terminators = new Set(options.terminators ?? [USAGE_ENTER, USAGE_KEYPAD_ENTER, USAGE_TAB]);
    const maxLength = Math.min(options.maxLength ?? MAX_SCAN_LENGTH, MAX_SCAN_LENGTH);
    this.scanOptions = { aim: options.aim ?? true, maxLength };
    this.maxPending = maxLength + 16;
    this.reportId = options.reportId;
  }

  get counters(): HidKeyboardCounters {
    return { ...this.stats };
  }

  push(input: Uint8Array): BarcodeRead[] {
    const reads: BarcodeRead[] = [];
    this.stats.reports++;
    let report = input;
    if (this.reportId !== undefined) {
      if (report[0] !== this.reportId) {
        this.stats.malformedReports++;
        return reads;
      }
      report = report.subarray(1);
    }
    if (report.length < 8) {
      this.stats.malformedReports++;
      return reads;
    }
    const modifier = report[0] ?? 0;
    const keys: number[] = [];
    for (let i = 2; i < 8; i++) {
      const usage = report[i] ?? 0;
      if (usage === USAGE_ERROR_ROLLOVER) {
        this.stats.rollover++;
        return reads;
      }
      if (usage !== 0) keys.push(usage);
    }
    for (const usage of keys) if (!this.previous.includes(usage)) this.press(usage, modifier, reads);
    this.previous = keys;
    if (this.altCode !== null && (modifier & MOD_ALT) === 0) this.finishAltCode();
    return reads;
  }

  /** The scanner went quiet without a terminator (configured with no suffix): emit what is pending. */
  flush(): BarcodeRead[] {
    const reads: BarcodeRead[] = [];
    if (this.text.length > 0 || this.overflowing) this.endScan(reads);
    return reads;
  }

  private press(usage: number, modifier: number, reads: BarcodeRead[]): void {
    const keypad = KEYPAD[usage];
    if ((modifier & MOD_ALT) !== 0) {
      if (keypad !== undefined && keypad >= '0' && keypad <= '9') this.altCode = (this.altCode ?? '') + keypad;
      else this.stats.unknownUsages++;
      return;
    }
    if (this.terminators.has(usage)) {
      this.endScan(reads);
      return;
    }
    if (keypad !== undefined) {
      this.append(keypad);
      return;
    }
    const pair = US[usage];
    if (pair === undefined) {
      this.stats.unknownUsages++;
      return;
    }
    const char = pair[(modifier & MOD_SHIFT) !== 0 ? 1 : 0];
    if ((modifier & MOD_CTRL) === 0) {
      this.append(char);
      return;
    }
    // "Control + ASCII" scanner mode: Ctrl+] is GS, Ctrl+^ is RS, Ctrl+D is EOT (ASCII - 0x40).
    const code = char.toUpperCase().charCodeAt(0);
    if (code >= 0x40 && code <= 0x5f) this.append(String.fromCharCode(code - 0x40));
    else this.stats.unknownUsages++;
  }

  private finishAltCode(): void {
    const digits = this.altCode ?? '';
    this.altCode = null;
    if (digits.length === 0 || digits.length > 4) {
      this.stats.unknownUsages++;
      return;
    }
    this.append(String.fromCharCode(Number(digits) % 256));
  }

  private append(char: string): void {
    if (this.overflowing) return;
    if (this.text.length >= this.maxPending) {
      this.overflowing = true;
      this.text = '';
      return;
    }
    this.text += char;
  }

  private endScan(reads: BarcodeRead[]): void {
    if (this.overflowing) this.stats.overlong++;
    else if (this.text.length > 0) finishScan(this.text, this.scanOptions, this.stats, reads);
    this.text = '';
    this.overflowing = false;
  }
}
