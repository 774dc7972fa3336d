import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarcodeLineFramer, BarcodeLineParser, type BarcodeLineOptions } from '../../devices/decoders/barcode-lines';
import { isGs1ElementString } from '../../devices/decoders/scan-text';
import type { BarcodeRead, TimerApi } from '../../devices/decoders/types';
import { bytes, check, chunked, everySplit, FUZZ_RUNS, FUZZ_TIMEOUT_MS, toEvent } from './helpers';

const GS = '\x1d';

const frameAll = (chunks: Uint8Array[], options?: BarcodeLineOptions) => {
  const framer = new BarcodeLineFramer(options);
  const reads = chunks.flatMap((c) => framer.push(c));
  return { reads, counters: framer.counters };
};

/** Timers that only fire when the test says so. */
class FakeTimers implements TimerApi {
  now = 0;
  private pending = new Map<number, { at: number; callback: () => void }>();
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.pending]) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.callback();
      }
    }
  }
  get armed(): number {
    return this.pending.size;
  }
}

describe('BarcodeLineFramer', () => {
  // GS1-128 with FNC1 separators sent as GS (devices.md §2: ISO 16022 via ZXing.Net#41; biip).
  const gs1 = `]C1010950600013435210ABC${GS}3103000150`;
  const stream = bytes(
    `${gs1}\r\n`, // Intermec ScanPlus 1800 default CR+LF
    ']E05901234123457\r', // EAN-13 with AIM id ]E0
    'FILE-2024-0042\n',
    ']Q3',
    `01095060001343521724123110ABC${GS}21XYZ\t`, // GS1 QR, Tab suffix
    '\x02noise\x07stripped\r', // STX and BEL are line noise
  );
  const expected: BarcodeRead[] = [
    { kind: 'barcode', data: `010950600013435210ABC${GS}3103000150`, symbology: ']C1' },
    { kind: 'barcode', data: '5901234123457', symbology: ']E0' },
    { kind: 'barcode', data: 'FILE-2024-0042' },
    { kind: 'barcode', data: `01095060001343521724123110ABC${GS}21XYZ`, symbology: ']Q3' },
    { kind: 'barcode', data: 'noisestripped' },
  ];

  it('frames CR, LF, CRLF and Tab, strips and keeps AIM ids, keeps GS', () => {
    const { reads, counters } = frameAll([stream]);
    expect(reads).toEqual(expected);
    expect(counters).toMatchObject({ scans: 5, empty: 0, overlong: 0 });
    for (const read of reads) toEvent(read);
    expect(reads.map((r) => isGs1ElementString(r.symbology))).toEqual([true, false, false, true, false]);
  });

  it('gives the same scans however the input is split', () => {
    for (const chunks of everySplit(stream)) {
      const { reads } = frameAll(chunks);
      check(JSON.stringify(reads) === JSON.stringify(expected), () => `split ${chunks.map((c) => c.length)}`);
    }
  });

  it('drops an overlong line whole and carries on with the next', () => {
    const { reads, counters } = frameAll([bytes('X'.repeat(501), '\r', 'Y'.repeat(500), '\r', 'Z'.repeat(5000), '\rOK\r')]);
    expect(reads.map((r) => r.data)).toEqual(['Y'.repeat(500), 'OK']);
    expect(counters.overlong).toBe(2);
  });

  it('honours a smaller maxLength and a terminator set without Tab', () => {
    const { reads } = frameAll([bytes('ABCDE\rAB\tCD\r')], { maxLength: 4, terminators: ['CR'] });
    expect(reads).toEqual([{ kind: 'barcode', data: 'ABCD' }]); // the Tab is noise here, not a terminator
  });

  it('treats an AIM id with nothing after it as empty, and can leave AIM ids alone', () => {
    expect(frameAll([bytes(']C1\r')]).counters.empty).toBe(1);
    expect(frameAll([bytes(']C1ABC\r')], { aim: false }).reads).toEqual([{ kind: 'barcode', data: ']C1ABC' }]);
  });

  it('uses ETX as a terminator when configured (STX…ETX framing)', () => {
    expect(frameAll([bytes('\x02ABC\x03\x02DEF\x03')], { terminators: ['ETX'] }).reads.map((r) => r.data)).toEqual(['ABC', 'DEF']);
  });
});

describe('BarcodeLineParser (Transform) with an idle timeout', () => {
  const collect = (parser: BarcodeLineParser) => {
    const reads: BarcodeRead[] = [];
    parser.on('data', (r: BarcodeRead) => reads.push(r));
    return reads;
  };

  it('ends a scan after the configured silence when the scanner sends no suffix (Honeywell Xenon default)', async () => {
    const timers = new FakeTimers();
    const parser = new BarcodeLineParser({ idleFlushMs: 50, timers });
    const reads = collect(parser);
    parser.write(Buffer.from('FILE-'));
    timers.advance(30);
    parser.write(Buffer.from('0042'));
    timers.advance(30); // 60 ms since the first byte, but only 30 since the last: not yet
    await new Promise((r) => setImmediate(r));
    expect(reads).toEqual([]);
    timers.advance(20);
    await new Promise((r) => setImmediate(r));
    expect(reads).toEqual([{ kind: 'barcode', data: 'FILE-0042' }]);
    expect(parser.counters.idleFlushes).toBe(1);
    expect(timers.armed).toBe(0);
  });

  it('does not arm the timer when the line is complete, and flushes the remainder at end', async () => {
    const timers = new FakeTimers();
    const parser = new BarcodeLineParser({ idleFlushMs: 50, timers });
    const reads = collect(parser);
    parser.write(Buffer.from('A1\r'));
    expect(timers.armed).toBe(0);
    parser.end(Buffer.from('B2'));
    await new Promise((r) => parser.on('end', r));
    expect(reads.map((r) => r.data)).toEqual(['A1', 'B2']);
    expect(timers.armed).toBe(0);
  });

  it('without an idle timeout, drops and counts a line cut off by the end of the stream', async () => {
    const parser = new BarcodeLineParser();
    const reads = collect(parser);
    parser.end(Buffer.from('A1\nB2'));
    await new Promise((r) => parser.on('end', r));
    expect(reads.map((r) => r.data)).toEqual(['A1']);
    expect(parser.counters.unterminated).toBe(1);
  });
});

describe('BarcodeLineFramer fuzzing', () => {
  const printable = fc.string({
    unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), fc.constant(GS)),
    minLength: 1,
    maxLength: 40,
  });
  const aim = fc.option(fc.constantFrom(']C1', ']E0', ']Q3', ']d2', ']A0', ']e0'), { nil: undefined });
  const terminator = fc.constantFrom('\r', '\n', '\r\n', '\t');
  const line = fc.record({ aim, data: printable.filter((d) => !/^\][A-Za-z][0-9A-Za-z]/.test(d)), end: terminator });

  it(
    `returns exactly the scanned lines, however the stream is split (${FUZZ_RUNS} streams)`,
    () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => {
          const input = bytes(...lines.map((l) => `${l.aim ?? ''}${l.data}${l.end}`));
          const { reads } = frameAll(chunked(input, cuts));
          const expected = lines.map((l) => (l.aim ? { kind: 'barcode', data: l.data, symbology: l.aim } : { kind: 'barcode', data: l.data }));
          check(JSON.stringify(reads) === JSON.stringify(expected), () => `${JSON.stringify(reads)} vs ${JSON.stringify(expected)}`);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `never throws on byte soup, is split-invariant, and emits only clean valid scans (${FUZZ_RUNS} inputs)`,
    () => {
      const soup = fc.array(fc.oneof(fc.uint8Array({ maxLength: 30 }), terminator.map((t) => bytes(t)), fc.constant(bytes(']C1'))), { maxLength: 6 });
      fc.assert(
        fc.property(soup, fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 40 }), (parts, cuts, maxLength) => {
          const input = bytes(...parts);
          const whole = frameAll([input], { maxLength }).reads;
          const split = frameAll(chunked(input, cuts), { maxLength }).reads;
          check(JSON.stringify(whole) === JSON.stringify(split), () => 'split changed the scans');
          for (const read of split) {
            toEvent(read);
            // eslint-disable-next-line no-control-regex
            check(!/[\x00-\x03\x05-\x1c\x1f\x7f-\x9f]/.test(read.data), () => `noise in ${JSON.stringify(read.data)}`);
            check(read.data.length <= maxLength, () => 'too long');
          }
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
