import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCESS_IS_LAYOUT, HidPosDecoder, MICROSCAN_LAYOUT, type HidPosOptions } from '../../devices/decoders/hid-pos';
import { ManualClock } from '../../server/shared/clock';
import { check, FUZZ_RUNS, FUZZ_TIMEOUT_MS, toEvent } from './helpers';

const GS = '\x1d';

/** Access-IS 64-byte input report (devices.md §2): id, length, AIM, 56 data bytes, symbology, 0, flags. */
function accessIs(data: Uint8Array, more: boolean, aim = ']Q0', symbology = 0x73): Uint8Array {
  const r = new Uint8Array(64);
  r[0] = 0x02;
  r[1] = data.length;
  r.set(Buffer.from(aim, 'latin1'), 2);
  r.set(data, 5);
  r[61] = symbology;
  r[63] = more ? 0x01 : 0x00;
  return r;
}

/** Splits a message into as many reports as it needs, "more data follows" on all but the last. */
function reportsFor(text: string, aim = ']Q0'): Uint8Array[] {
  const data = Buffer.from(text, 'utf8');
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length || out.length === 0; at += 56) {
    out.push(accessIs(data.subarray(at, at + 56), at + 56 < data.length, aim));
  }
  return out;
}

const decode = (reports: Uint8Array[], options?: HidPosOptions) => {
  const decoder = new HidPosDecoder(options);
  return { reads: reports.flatMap((r) => decoder.push(r)), counters: decoder.counters };
};

// devices.md §2: "02 38 5D 51 30 "M1GATHERGOOD/M…" … 73 00 01, then a second report that ends …00"
// (Access-IS LSR116/LSR118 manuals). 0x38 = 56 data bytes; the code is an IATA boarding pass.
const BOARDING_PASS = 'M1GATHERGOOD/MARTIN   EABC123 YULFRAAC 0834 226F001A0025 100';

describe('HidPosDecoder', () => {
  it('reassembles the boarding pass across two reports and keeps the AIM id', () => {
    const reports = reportsFor(BOARDING_PASS);
    expect(reports).toHaveLength(2);
    expect([...reports[0]!.subarray(0, 5)]).toEqual([0x02, 0x38, 0x5d, 0x51, 0x30]);
    expect([...reports[0]!.subarray(61)]).toEqual([0x73, 0x00, 0x01]);
    expect(reports[1]![63]).toBe(0x00);
    const { reads, counters } = decode(reports);
    expect(reads).toEqual([{ kind: 'barcode', data: BOARDING_PASS, symbology: ']Q0' }]);
    expect(counters).toMatchObject({ reports: 2, scans: 1 });
    toEvent(reads[0]!);
  });

  it('keeps GS in GS1 DataMatrix data', () => {
    const data = `0109506000134352${GS}10ABC`;
    expect(decode(reportsFor(data, ']d2')).reads).toEqual([{ kind: 'barcode', data, symbology: ']d2' }]);
  });

  it('ignores reports with another id, drops malformed ones with what was pending', () => {
    const [first, second] = reportsFor(BOARDING_PASS);
    const status = Uint8Array.from([0x04, 1, 2, 3]);
    const badLength = accessIs(new Uint8Array(0), false);
    badLength[1] = 57;
    const { reads, counters } = decode([status, first!, badLength, second!, ...reportsFor('OK')]);
    expect(reads.map((r) => r.data)).toEqual([BOARDING_PASS.slice(56), 'OK']);
    expect(counters).toMatchObject({ otherReports: 1, malformedReports: 1, scans: 2 });
    expect(decode([first!.subarray(0, 40)]).counters.malformedReports).toBe(1);
  });

  it('drops a code whose continuation comes too late, tail included, and reads the next one', () => {
    const clock = new ManualClock();
    const decoder = new HidPosDecoder({ clock, assemblyTimeoutMs: 500 });
    const [first, second] = reportsFor(BOARDING_PASS);
    expect(decoder.push(first!)).toEqual([]);
    clock.advance(800);
    expect(decoder.push(second!)).toEqual([]);
    expect(decoder.counters.staleDropped).toBe(1);
    clock.advance(100);
    const next = reportsFor(BOARDING_PASS).flatMap((r) => decoder.push(r));
    expect(next).toEqual([{ kind: 'barcode', data: BOARDING_PASS, symbology: ']Q0' }]);
  });

  it('reads the Microscan layout: id 1, length, data, no continuation', () => {
    const r = new Uint8Array(64);
    r[0] = 0x01;
    r[1] = 4;
    r.set(Buffer.from('A123'), 2);
    expect(decode([r], { layout: MICROSCAN_LAYOUT }).reads).toEqual([{ kind: 'barcode', data: 'A123' }]);
  });

  it('drops an overlong code whole', () => {
    const { reads, counters } = decode([...reportsFor('x'.repeat(3000)), ...reportsFor('OK')]);
    expect(reads.map((r) => r.data)).toEqual(['OK']);
    expect(counters.overlong).toBe(1);
  });
});

describe('HidPosDecoder fuzzing', () => {
  // Bytes mapped onto printable ASCII and GS: much cheaper to generate than a string per character.
  const PRINTABLE = `${String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 0x20 + i))}${GS}`;
  const text = fc
    .uint8Array({ minLength: 1, maxLength: 200 })
    .map((b) => Array.from(b, (x) => PRINTABLE[x % PRINTABLE.length]).join(''));
  const aim = fc.constantFrom(']Q0', ']Q3', ']d2', ']C1', ']E0');

  it(
    `reassembles any code split over reports, with foreign reports in between (${FUZZ_RUNS} codes)`,
    () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(text, aim), { minLength: 1, maxLength: 3 }), fc.array(fc.nat(8), { maxLength: 3 }), (codes, noiseAt) => {
          const reports = codes.flatMap(([t, a]) => reportsFor(t, a));
          for (const at of noiseAt) reports.splice(at % (reports.length + 1), 0, Uint8Array.of(0x05, 0xff));
          const got = decode(reports).reads.map((r) => [r.data, r.symbology]);
          const want = codes.filter(([t]) => t.length <= 500).map(([t, a]) => [t, a]);
          check(JSON.stringify(got) === JSON.stringify(want), () => `${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `never throws on random reports and emits only valid scans (${FUZZ_RUNS} inputs)`,
    () => {
      // Reports built from a small random seed: random lengths, flags, AIM bytes and data.
      const anyReport = fc.oneof(
        fc.uint8Array({ maxLength: 70 }),
        fc.tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.nat(70), fc.boolean()).map(([seed, len, more]) => {
          const r = new Uint8Array(64);
          for (let i = 2; i < 64; i++) r[i] = seed[i % 8]! ^ i;
          r[0] = ACCESS_IS_LAYOUT.reportId;
          r[1] = len;
          r[63] = more ? 1 : 0;
          return r;
        }),
      );
      fc.assert(
        fc.property(fc.array(anyReport, { maxLength: 8 }), (reports) => {
          for (const read of decode(reports).reads) toEvent(read);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
