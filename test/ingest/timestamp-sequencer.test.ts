import { describe, expect, it } from 'vitest';
import { formatMicros, nextTimestamp, parseMicros } from '../../server/ingest/timestamp-sequencer';

describe('ts_server timestamps', () => {
  it('formats microseconds as RFC 3339 UTC with six digits, across seconds, days and years', () => {
    const cases: [number, string][] = [
      [0, '1970-01-01T00:00:00.000000Z'],
      [1_765_080_000_123_456, '2025-12-07T04:00:00.123456Z'],
      [1_765_080_000_999_999, '2025-12-07T04:00:00.999999Z'],
      [1_765_080_001_000_000, '2025-12-07T04:00:01.000000Z'],
      [1_765_080_000_000_007, '2025-12-07T04:00:00.000007Z'],
      [1_767_225_599_999_999, '2025-12-31T23:59:59.999999Z'],
      [1_767_225_600_000_001, '2026-01-01T00:00:00.000001Z'],
    ];
    // In this order and back again: the cached second must never leak into another one.
    for (const [micros, text] of [...cases, ...cases.reverse()]) expect(formatMicros(micros)).toBe(text);
    for (const [micros, text] of cases) expect(parseMicros(text)).toBe(micros);
  });

  it('strictly increases even when the clock repeats or steps back', () => {
    const now = new Date('2026-12-07T04:00:00.123Z');
    const a = nextTimestamp(now, 0);
    const b = nextTimestamp(now, a.micros);
    const c = nextTimestamp(new Date('2026-12-07T03:59:59.000Z'), b.micros);
    expect([a.text, b.text, c.text]).toEqual(['2026-12-07T04:00:00.123000Z', '2026-12-07T04:00:00.123001Z', '2026-12-07T04:00:00.123002Z']);
  });
});
