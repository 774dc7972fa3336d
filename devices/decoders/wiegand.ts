import { canonicalCredential } from '../credentials/canonical';
import type { BadgeRead } from './types';

/**
 * Wiegand bursts as read off D0/D1 by a bridge (devices.md §1; esphome wiegand.cpp, Tasmota
 * xsns_82): first transmitted bit first.
 *
 * - 26 bits: E + 8-bit facility + 16-bit card + O. E makes bits 0–12 even, O makes bits 13–25 odd.
 *   Example `01000111011000111100100110` = facility 142, card 51091, value 9357203 (0x8EC793).
 * - 34 bits: E + 32 bits + O; E over bits 0–16 (even), O over bits 17–33 (odd).
 * - Keypads: 4-bit keys 0–11, or 8-bit keys whose high nibble is the complement of the low one.
 *   10 is `*` and 11 is `#` (ESPHome's KEYS table).
 *
 * 37-bit (which ESPHome also accepts) and 24/32-bit parity-less bursts are refused rather than
 * guessed at: their layout differs by vendor.
 */

export type WiegandKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#';

const KEYS: readonly WiegandKey[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];

export type WiegandResult =
  | { ok: true; type: 'card'; bitCount: 26 | 34; facility: number; card: number; value: number; read: BadgeRead }
  | { ok: true; type: 'key'; bitCount: 4 | 8; key: WiegandKey }
  | { ok: false; reason: 'not-bits' | 'unsupported-length' | 'parity' | 'bad-key' | 'zero' };

/** A burst as ESPHome's `on_raw(bits, value)` reports it, or as a string of '0'/'1'. */
export type WiegandInput = string | { bitCount: number; value: number | bigint };

export function decodeWiegand(input: WiegandInput): WiegandResult {
  const bits = toBits(input);
  if (bits === null) return { ok: false, reason: 'not-bits' };
  switch (bits.length) {
    case 4:
      return key(bitsValue(bits, 0, 4), 4);
    case 8: {
      const high = bitsValue(bits, 0, 4);
      const low = bitsValue(bits, 4, 8);
      return (high ^ 0xf) === low ? key(low, 8) : { ok: false, reason: 'bad-key' };
    }
    case 26:
    case 34: {
      const half = bits.length / 2;
      // Even parity over the first half, odd over the second; the parity bits are part of each half.
      if (ones(bits, 0, half) % 2 !== 0 || ones(bits, half, bits.length) % 2 !== 1) {
        return { ok: false, reason: 'parity' };
      }
      const value = bitsValue(bits, 1, bits.length - 1);
      const bitCount = bits.length;
      const credential = canonicalCredential(String(value), bitCount === 26 ? 'w26' : 'w34');
      if (!credential) return { ok: false, reason: 'zero' };
      return {
        ok: true,
        type: 'card',
        bitCount,
        // H10301 (26) has an 8-bit facility; the common 34-bit layout (H10306) a 16-bit one.
        facility: Math.floor(value / 0x10000),
        card: value % 0x10000,
        value,
        read: { kind: 'badge', credential },
      };
    }
    default:
      return { ok: false, reason: 'unsupported-length' };
  }
}

/** The burst a reader sends for a 24-bit (facility, card) or 32-bit value: for simulators and tests. */
export function encodeWiegand(value: number, bitCount: 26 | 34): string {
  const dataBits = bitCount - 2;
  const data = value.toString(2).padStart(dataBits, '0');
  if (!Number.isSafeInteger(value) || value < 0 || data.length !== dataBits) {
    throw new RangeError(`value does not fit ${dataBits} bits`);
  }
  const half = dataBits / 2;
  const count = (s: string) => [...s].filter((c) => c === '1').length;
  const even = count(data.slice(0, half)) % 2 === 0 ? '0' : '1';
  const odd = count(data.slice(half)) % 2 === 0 ? '1' : '0';
  return even + data + odd;
}

/** A keypad key as a 4-bit or 8-bit burst. */
export function encodeWiegandKey(key: WiegandKey, bitCount: 4 | 8): string {
  const code = KEYS.indexOf(key);
  const low = code.toString(2).padStart(4, '0');
  return bitCount === 4 ? low : (code ^ 0xf).toString(2).padStart(4, '0') + low;
}

function key(code: number, bitCount: 4 | 8): WiegandResult {
  const k = KEYS[code];
  return k === undefined ? { ok: false, reason: 'bad-key' } : { ok: true, type: 'key', bitCount, key: k };
}

const MAX_BITS = 64;

function toBits(input: WiegandInput): Uint8Array | null {
  if (typeof input === 'string') {
    if (input.length === 0 || input.length > MAX_BITS || !/^[01]+$/.test(input)) return null;
    return Uint8Array.from(input, (c) => (c === '1' ? 1 : 0));
  }
  if (input === null || typeof input !== 'object') return null;
  const { bitCount, value } = input;
  if (!Number.isInteger(bitCount) || bitCount < 1 || bitCount > MAX_BITS) return null;
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (Number.isSafeInteger(value)) big = BigInt(value);
  else return null;
  if (big < 0n || big >> BigInt(bitCount) !== 0n) return null;
  return Uint8Array.from(big.toString(2).padStart(bitCount, '0'), (c) => (c === '1' ? 1 : 0));
}

function ones(bits: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += bits[i] ?? 0;
  return n;
}

function bitsValue(bits: Uint8Array, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 2 + (bits[i] ?? 0);
  return v;
}
