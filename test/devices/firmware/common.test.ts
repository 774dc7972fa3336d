import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toUtc } from '../../../devices/decoders/firmware/common';

describe('toUtc', () => {
  it('turns RFC 3339 times into UTC with milliseconds, truncating finer fractions', () => {
    expect(toUtc('2026-01-05T09:00:00Z')).toBe('2026-01-05T09:00:00.000Z');
    expect(toUtc('2026-01-05T09:00:00.5Z')).toBe('2026-01-05T09:00:00.500Z');
    expect(toUtc('2026-01-05T09:00:00.123456789Z')).toBe('2026-01-05T09:00:00.123Z');
    expect(toUtc('2026-01-05T10:00:00+01:00')).toBe('2026-01-05T09:00:00.000Z');
    expect(toUtc('2026-01-05T03:30:00-05:30')).toBe('2026-01-05T09:00:00.000Z');
    expect(toUtc('2026-01-01T00:30:00+01:00')).toBe('2025-12-31T23:30:00.000Z');
  });

  it('places a time without an offset with the office time zone, and drops it without one', () => {
    expect(toUtc('2026-07-01T11:00:00', 'Europe/Berlin')).toBe('2026-07-01T09:00:00.000Z');
    expect(toUtc('2026-01-05T10:00:00', 'Europe/Berlin')).toBe('2026-01-05T09:00:00.000Z');
    expect(toUtc('2026-01-05T10:00:00')).toBeUndefined();
    expect(toUtc('2026-01-05T10:00:00', 'Not/AZone')).toBeUndefined();
  });

  it('refuses dates and times that do not exist, and clocks that are unset or far off', () => {
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-13-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-05T24:00:00Z',
      '2026-01-05T09:60:00Z',
      '2026-01-05T09:00:60Z',
      '2026-01-05T09:00:00+24:00',
      '2026-01-05T09:00:00+01:60',
      '2019-12-31T23:59:59Z',
      '2100-01-01T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '2026-01-05 09:00:00Z',
      'yesterday',
      42,
    ]) {
      expect(toUtc(bad), String(bad)).toBeUndefined();
    }
    expect(toUtc('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
  });

  it('gives back any UTC instant of its range as toISOString writes it, from any offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 2), max: Date.UTC(2099, 11, 30) }), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }), (ms, offsetMinutes) => {
        const iso = new Date(ms).toISOString();
        expect(toUtc(iso)).toBe(iso);
        const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
        const abs = Math.abs(offsetMinutes);
        const zone = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        expect(toUtc(local + zone)).toBe(iso);
      }),
      { numRuns: 5_000 },
    );
  });
});
