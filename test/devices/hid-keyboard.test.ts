import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HidKeyboardDecoder, type HidKeyboardOptions } from '../../devices/decoders/hid-keyboard';
import { check, FUZZ_RUNS, FUZZ_TIMEOUT_MS, toEvent } from './helpers';

const GS = '\x1d';
const SHIFT = 0x02;
const CTRL = 0x01;
const ALT = 0x04;

/** An 8-byte boot report: [modifier, 0, key1..key6]. Single-key reports are shared: the fuzz types millions. */
const single = new Map<number, Uint8Array>();
function report(modifier: number, ...keys: number[]): Uint8Array {
  if (keys.length > 1) return Uint8Array.from([modifier, 0, ...keys, 0, 0, 0, 0, 0, 0].slice(0, 8));
  const id = modifier * 256 + (keys[0] ?? 0);
  let r = single.get(id);
  if (!r) single.set(id, (r = Uint8Array.of(modifier, 0, keys[0] ?? 0, 0, 0, 0, 0, 0)));
  return r;
}
const RELEASE = report(0);

/**
 * US usages written out from the HID usage table (devices.md §2, tinyusb hid.h), independently of
 * the decoder's own table: character → [usage, shift].
 */
const US = new Map<string, [number, boolean]>();
[...'abcdefghijklmnopqrstuvwxyz'].forEach((c, i) => {
  US.set(c, [0x04 + i, false]);
  US.set(c.toUpperCase(), [0x04 + i, true]);
});
[...'1234567890'].forEach((c, i) => US.set(c, [0x1e + i, false]));
[...'!@#$%^&*()'].forEach((c, i) => US.set(c, [0x1e + i, true]));
for (const [plain, shifted, usage] of [
  ['-', '_', 0x2d], ['=', '+', 0x2e], ['[', '{', 0x2f], [']', '}', 0x30], ['\\', '|', 0x31],
  [';', ':', 0x33], ["'", '"', 0x34], ['`', '~', 0x35], [',', '<', 0x36], ['.', '>', 0x37], ['/', '?', 0x38],
] as Array<[string, string, number]>) {
  US.set(plain, [usage, false]);
  US.set(shifted, [usage, true]);
}
US.set(' ', [0x2c, false]);
const KEYPAD_DIGIT = (d: string) => (d === '0' ? 0x62 : 0x58 + Number(d));

const decode = (reports: Uint8Array[], options?: HidKeyboardOptions) => {
  const decoder = new HidKeyboardDecoder(options);
  const reads = reports.flatMap((r) => decoder.push(r));
  return { reads, counters: decoder.counters, decoder };
};

/** How a scanner types `text` + Enter, one press and release per character. */
function typed(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of text) {
    const [usage, shift] = US.get(c)!;
    out.push(report(shift ? SHIFT : 0, usage), RELEASE);
  }
  return [...out, report(0, 0x28), RELEASE];
}

describe('HidKeyboardDecoder', () => {
  it('decodes the devices.md example "A1⏎" report by report', () => {
    const reports = [report(0x02, 0x04), RELEASE, report(0, 0x1e), RELEASE, report(0, 0x28), RELEASE];
    const { reads } = decode(reports);
    expect(reads).toEqual([{ kind: 'barcode', data: 'A1' }]);
    toEvent(reads[0]!);
  });

  it('keeps repeated characters: 02422288 stays 02422288 (FreeRDP#3229 produced 024228)', () => {
    expect(decode(typed('02422288')).reads).toEqual([{ kind: 'barcode', data: '02422288' }]);
  });

  it('treats a key still down in the next report as held, not typed again', () => {
    const held = [report(0, 0x1f), report(0, 0x1f), RELEASE, report(0, 0x28)];
    expect(decode(held).reads).toEqual([{ kind: 'barcode', data: '2' }]);
  });

  it('decodes by usage, so a host AZERTY layout cannot corrupt data (bhima#6436: 004HQ3NIDBVD)', () => {
    expect(decode(typed('004HQ3NIDBVD')).reads[0]?.data).toBe('004HQ3NIDBVD');
  });

  it('takes shift from a report of its own, and keypad digits with keypad Enter', () => {
    const reports = [report(SHIFT), report(SHIFT, 0x04), report(SHIFT), RELEASE];
    reports.push(report(0, 0x59), RELEASE, report(0, 0x62), RELEASE, report(0, 0x63), RELEASE, report(0, 0x58), RELEASE);
    expect(decode(reports).reads).toEqual([{ kind: 'barcode', data: 'A10.' }]);
  });

  it('ends scans on Tab and keeps two scans apart', () => {
    const reports = [report(0, 0x1e), RELEASE, report(0, 0x2b), RELEASE, report(0, 0x1f), RELEASE, report(0, 0x28), RELEASE];
    expect(decode(reports).reads.map((r) => r.data)).toEqual(['1', '2']);
  });

  it('reads GS sent as Ctrl+] or as Alt+0029 on the keypad, and keeps the AIM id', () => {
    const ctrl = [...typed(']C101').slice(0, -2), report(CTRL, 0x30), RELEASE, ...typed('10AB')];
    expect(decode(ctrl).reads).toEqual([{ kind: 'barcode', data: `01${GS}10AB`, symbology: ']C1' }]);
    const alt = [...typed('01').slice(0, -2), report(ALT)];
    for (const d of '0029') alt.push(report(ALT, KEYPAD_DIGIT(d)), report(ALT));
    alt.push(RELEASE, ...typed('10AB'));
    expect(decode(alt).reads).toEqual([{ kind: 'barcode', data: `01${GS}10AB` }]);
  });

  it('ignores error-rollover reports without losing key state, and counts odd input', () => {
    const rollover = Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 1]);
    const reports = [report(0, 0x04), rollover, report(0, 0x04), RELEASE, report(0, 0x29), RELEASE, Uint8Array.of(0, 0), report(0, 0x28)];
    const { reads, counters } = decode(reports);
    expect(reads).toEqual([{ kind: 'barcode', data: 'a' }]);
    expect(counters).toMatchObject({ rollover: 1, unknownUsages: 1, malformedReports: 1, scans: 1 });
  });

  it('strips a report id when the device numbers its reports', () => {
    const withId = typed('OK').map((r) => Uint8Array.from([0x01, ...r]));
    expect(decode(withId, { reportId: 0x01 }).reads).toEqual([{ kind: 'barcode', data: 'OK' }]);
    expect(decode([Uint8Array.from([0x02, ...report(0, 0x04)])], { reportId: 0x01 }).counters.malformedReports).toBe(1);
  });

  it('flushes a scan without suffix on demand, and drops an overlong one whole', () => {
    const { decoder } = decode(typed('AB').slice(0, -2));
    expect(decoder.flush()).toEqual([{ kind: 'barcode', data: 'AB' }]);
    const { reads, counters } = decode([...typed('x'.repeat(600)), ...typed('ok')]);
    expect(reads.map((r) => r.data)).toEqual(['ok']);
    expect(counters.overlong).toBe(1);
  });
});

describe('HidKeyboardDecoder fuzzing', () => {
  const printable = [...US.keys()];
  /**
   * One character and the reports of one of the ways scanners type it, both picked by a 16-bit
   * seed: a typed array of seeds is far cheaper for fast-check to generate than nested records.
   */
  function keystrokes(seed: number): [string, Uint8Array[]] {
    const style = seed >> 14;
    if ((seed & 0xff) % 24 === 0) {
      const alt = [report(ALT), ...[...'029'].flatMap((d) => [report(ALT, KEYPAD_DIGIT(d)), report(ALT)]), RELEASE];
      return [GS, style % 2 === 0 ? [report(CTRL, 0x30), RELEASE] : alt];
    }
    const c = printable[(seed & 0x3fff) % printable.length]!;
    if (/[0-9]/.test(c) && style === 1) return [c, [report(0, KEYPAD_DIGIT(c)), RELEASE]];
    const [usage, shift] = US.get(c)!;
    if (style === 2 && shift) return [c, [report(SHIFT), report(SHIFT, usage), report(SHIFT), RELEASE]];
    return [c, [report(shift ? SHIFT : 0, usage), RELEASE]];
  }
  const TERMINATORS = [0x28, 0x58, 0x2b];
  const scan = fc.uint16Array({ minLength: 1, maxLength: 20 }).map((seeds) => ({
    chars: Array.from(seeds, keystrokes),
    terminator: TERMINATORS[(seeds[0] ?? 0) % 3]!,
  }));

  it(
    `types and decodes any US-printable scan, doubles included (${FUZZ_RUNS} scans)`,
    () => {
      fc.assert(
        fc.property(fc.array(scan, { minLength: 1, maxLength: 3 }), (scans) => {
          const reports = scans.flatMap(({ chars, terminator }) => [...chars.flatMap(([, rs]) => rs), report(0, terminator), RELEASE]);
          const want = scans.map(({ chars }) => chars.map(([c]) => c).join(''));
          const got = decode(reports, { aim: false }).reads.map((r) => r.data);
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
      const anyReport = fc.oneof(
        fc.uint8Array({ maxLength: 12 }),
        fc.tuple(fc.integer({ min: 0, max: 255 }), fc.array(fc.integer({ min: 0, max: 0x70 }), { maxLength: 6 })).map(([m, keys]) => report(m, ...keys)),
        fc.constant(RELEASE),
      );
      fc.assert(
        fc.property(fc.array(anyReport, { maxLength: 20 }), (reports) => {
          const decoder = new HidKeyboardDecoder();
          for (const r of reports) for (const read of decoder.push(r)) toEvent(read);
          for (const read of decoder.flush()) toEvent(read);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
