import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWiegand, encodeWiegand, encodeWiegandKey, type WiegandKey } from '../../devices/decoders/wiegand';
import { check, FUZZ_RUNS, FUZZ_TIMEOUT_MS, toEvent } from './helpers';

// devices.md §1 "Wiegand bit layout": 26-bit example, facility 142 + card 51091 = 9357203.
const GOLDEN_26 = '01000111011000111100100110';

describe('decodeWiegand', () => {
  it('decodes the 26-bit golden burst into facility, card and the W26 credential', () => {
    const result = decodeWiegand(GOLDEN_26);
    expect(result).toEqual({
      ok: true,
      type: 'card',
      bitCount: 26,
      facility: 142,
      card: 51091,
      value: 9357203,
      read: { kind: 'badge', credential: { canonical: '8EC793', raw: '9357203', format: 'w26' } },
    });
    if (result.ok && result.type === 'card') toEvent(result.read);
  });

  it('takes the (bits, value) pair of ESPHome on_raw, as number or bigint', () => {
    expect(decodeWiegand({ bitCount: 26, value: 0b01000111011000111100100110 })).toMatchObject({ value: 9357203 });
    expect(decodeWiegand({ bitCount: 26, value: 0x11d8f26n })).toMatchObject({ value: 9357203 });
  });

  it('rejects a flipped parity bit or any single flipped bit', () => {
    for (let i = 0; i < GOLDEN_26.length; i++) {
      const flipped = GOLDEN_26.slice(0, i) + (GOLDEN_26[i] === '1' ? '0' : '1') + GOLDEN_26.slice(i + 1);
      expect(decodeWiegand(flipped)).toEqual({ ok: false, reason: 'parity' });
    }
  });

  it('decodes 34-bit bursts into the 4-byte credential (16-bit facility, 16-bit card)', () => {
    const bits = encodeWiegand(0x008ec793, 34);
    expect(bits).toHaveLength(34);
    expect(decodeWiegand(bits)).toMatchObject({
      type: 'card',
      bitCount: 34,
      facility: 0x008e,
      card: 0xc793,
      read: { credential: { canonical: '008EC793', raw: '9357203', format: 'w34' } },
    });
  });

  it('reads keypad keys: 4-bit codes and 8-bit codes with a complemented high nibble', () => {
    expect(decodeWiegand('0111')).toEqual({ ok: true, type: 'key', bitCount: 4, key: '7' });
    expect(decodeWiegand('1010')).toEqual({ ok: true, type: 'key', bitCount: 4, key: '*' });
    expect(decodeWiegand('1011')).toEqual({ ok: true, type: 'key', bitCount: 4, key: '#' });
    expect(decodeWiegand('11100001')).toEqual({ ok: true, type: 'key', bitCount: 8, key: '1' }); // Tasmota xsns_82: E1
    expect(decodeWiegand('1100')).toEqual({ ok: false, reason: 'bad-key' });
    expect(decodeWiegand('11110001')).toEqual({ ok: false, reason: 'bad-key' });
  });

  it('refuses what it cannot know', () => {
    expect(decodeWiegand('')).toEqual({ ok: false, reason: 'not-bits' });
    expect(decodeWiegand('0102')).toEqual({ ok: false, reason: 'not-bits' });
    expect(decodeWiegand({ bitCount: 4, value: 16 })).toEqual({ ok: false, reason: 'not-bits' });
    expect(decodeWiegand({ bitCount: 26, value: -1 })).toEqual({ ok: false, reason: 'not-bits' });
    expect(decodeWiegand('0'.repeat(37))).toEqual({ ok: false, reason: 'unsupported-length' });
    expect(decodeWiegand(encodeWiegand(0, 26))).toEqual({ ok: false, reason: 'zero' });
  });
});

/** Independent parity check: even over the first half, odd over the second. */
function parityHolds(bits: string): boolean {
  const half = bits.length / 2;
  const ones = (s: string) => [...s].filter((c) => c === '1').length;
  return ones(bits.slice(0, half)) % 2 === 0 && ones(bits.slice(half)) % 2 === 1;
}

describe('decodeWiegand fuzzing', () => {
  const burst = fc.oneof(
    fc.string({ unit: fc.constantFrom('0', '1'), maxLength: 40 }),
    fc.integer({ min: 0, max: 0xffffff }).map((v) => encodeWiegand(v, 26)),
    fc.integer({ min: 0, max: 0xffffffff }).map((v) => encodeWiegand(v, 34)),
    fc.string({ unit: fc.constantFrom('0', '1', '2', ' '), maxLength: 70 }),
  );

  it(
    `never throws, and a card only comes out of a burst with valid parity (${FUZZ_RUNS} inputs)`,
    () => {
      fc.assert(
        fc.property(burst, (bits) => {
          const result = decodeWiegand(bits);
          if (!result.ok) return;
          if (result.type === 'key') {
            check(bits.length === 4 || bits.length === 8, () => bits);
            return;
          }
          check(parityHolds(bits), () => `parity: ${bits}`);
          check(result.value === Number.parseInt(bits.slice(1, -1), 2), () => `value: ${bits}`);
          check(result.facility * 0x10000 + result.card === result.value, () => `split: ${bits}`);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `round-trips every 24-bit and 32-bit value and every key (${FUZZ_RUNS} inputs)`,
    () => {
      const keys: WiegandKey[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.constantFrom(...keys), (value, key) => {
          const narrow = value % 0x1000000 || 1;
          const r26 = decodeWiegand(encodeWiegand(narrow, 26));
          check(r26.ok && r26.type === 'card' && r26.value === narrow, () => `26: ${narrow}`);
          const r34 = decodeWiegand({ bitCount: 34, value: BigInt(`0b${encodeWiegand(value, 34)}`) });
          check(r34.ok && r34.type === 'card' && r34.value === value, () => `34: ${value}`);
          for (const size of [4, 8] as const) {
            const k = decodeWiegand(encodeWiegandKey(key, size));
            check(k.ok && k.type === 'key' && k.key === key, () => `key ${key}/${size}`);
          }
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
