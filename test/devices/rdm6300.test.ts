import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRdm6300Frame, Rdm6300Framer, Rdm6300Parser } from '../../devices/decoders/rdm6300';
import type { BadgeRead } from '../../devices/decoders/types';
import { bytes, check, chunked, everySplit, FUZZ_RUNS, FUZZ_TIMEOUT_MS, toEvent } from './helpers';

// Tasmota xsns_51_rdm6300.ino header: "02 31 34 30 30 38 45 43 37 39 33 43 45 03 = 02-14-008EC793-CE-03",
// the running example of devices.md.
const GOLDEN = Uint8Array.from([0x02, 0x31, 0x34, 0x30, 0x30, 0x38, 0x45, 0x43, 0x37, 0x39, 0x33, 0x43, 0x45, 0x03]);
const GOLDEN_READ: BadgeRead = { kind: 'badge', credential: { canonical: '008EC793', raw: '14008EC793', format: 'em4100' } };

/** A frame for 5 data bytes, in upper or lower case hex. */
function frame(data: number[], lower = false): Uint8Array {
  const checksum = data.reduce((a, b) => a ^ b, 0);
  let hex = [...data, checksum].map((b) => b.toString(16).padStart(2, '0')).join('');
  hex = lower ? hex : hex.toUpperCase();
  return bytes([0x02], hex, [0x03]);
}

const decodeAll = (chunks: Uint8Array[]) => {
  const framer = new Rdm6300Framer();
  const reads = chunks.flatMap((c) => framer.push(c));
  framer.end();
  return { reads, counters: framer.counters };
};

describe('decodeRdm6300Frame', () => {
  it('decodes the golden frame: version byte 0x14 dropped, tag 0x008EC793', () => {
    const result = decodeRdm6300Frame(GOLDEN);
    expect(result).toEqual({ ok: true, read: GOLDEN_READ, version: 0x14, tag: 0x008ec793 });
    if (result.ok) expect(toEvent(result.read).kind).toBe('badge');
  });

  it('accepts lowercase hex (ESPHome rdm6300.cpp handles uppercase only)', () => {
    const result = decodeRdm6300Frame(frame([0x14, 0x00, 0x8e, 0xc7, 0x93], true));
    expect(result.ok && result.read.credential).toEqual({ canonical: '008EC793', raw: '14008ec793', format: 'em4100' });
  });

  it.each([
    ['length', GOLDEN.subarray(0, 13)],
    ['start', bytes([0x00], GOLDEN.subarray(1))],
    ['terminator', bytes(GOLDEN.subarray(0, 13), [0x0d])],
    ['character', bytes(GOLDEN.subarray(0, 5), 'X', GOLDEN.subarray(6))],
    ['checksum', bytes(GOLDEN.subarray(0, 11), 'CF', [0x03])],
    ['zero-tag', frame([0x14, 0, 0, 0, 0])],
  ])('rejects a frame with a bad %s', (reason, input) => {
    expect(decodeRdm6300Frame(input)).toEqual({ ok: false, reason });
  });
});

describe('Rdm6300Framer', () => {
  const stream = bytes('\xff\x00garbage', GOLDEN, GOLDEN, [0x02, 0x31, 0x32], frame([0x01, 0x02, 0x6f, 0x6c, 0x3a]), 'tail');
  const expected = [GOLDEN_READ, GOLDEN_READ, { kind: 'badge', credential: { canonical: '026F6C3A', raw: '01026F6C3A', format: 'em4100' } }];

  it('reads back-to-back frames among garbage and a truncated frame', () => {
    const { reads, counters } = decodeAll([stream]);
    expect(reads).toEqual(expected);
    expect(counters).toMatchObject({ frames: 3, shortFrame: 1, discardedBytes: 13 });
  });

  it('gives the same reads however the input is split (every 1- and 2-point split)', () => {
    let splits = 0;
    for (const chunks of everySplit(stream)) {
      const { reads, counters } = decodeAll(chunks);
      check(JSON.stringify(reads) === JSON.stringify(expected), () => `split ${chunks.map((c) => c.length)}`);
      check(counters.frames === 3, () => `split ${chunks.map((c) => c.length)}`);
      splits++;
    }
    expect(splits).toBeGreaterThan(1000);
  });

  it('reads a frame delivered one byte at a time', () => {
    expect(decodeAll([...GOLDEN].map((b) => Uint8Array.of(b))).reads).toEqual([GOLDEN_READ]);
  });

  it('resynchronises on STX inside a damaged frame', () => {
    const { reads, counters } = decodeAll([bytes(GOLDEN.subarray(0, 7), GOLDEN)]);
    expect(reads).toEqual([GOLDEN_READ]);
    expect(counters.shortFrame).toBe(1);
  });

  it('counts each kind of reject', () => {
    const badChecksum = bytes(GOLDEN.subarray(0, 11), 'CF', [0x03]);
    const badTerminator = bytes(GOLDEN.subarray(0, 13), '\r');
    const badCharacter = bytes(GOLDEN.subarray(0, 4), 'Z');
    const early = bytes(GOLDEN.subarray(0, 6), [0x03]);
    const { reads, counters } = decodeAll([bytes(badChecksum, badTerminator, badCharacter, early, frame([0x14, 0, 0, 0, 0]), GOLDEN.subarray(0, 9))]);
    expect(reads).toEqual([]);
    expect(counters).toEqual({ frames: 0, shortFrame: 2, badCharacter: 1, badTerminator: 1, badChecksum: 1, zeroTag: 1, discardedBytes: 0 });
  });
});

describe('Rdm6300Parser (Transform)', () => {
  it('turns a fragmented byte stream into BadgeRead objects and exposes counters', async () => {
    const chunks = [...everySplit(bytes(GOLDEN, 'noise', GOLDEN))][17] ?? [];
    const parser = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new Rdm6300Parser());
    const reads = await parser.toArray();
    expect(reads).toEqual([GOLDEN_READ, GOLDEN_READ]);
    expect(parser.counters).toMatchObject({ frames: 2, discardedBytes: 5 });
  });
});

/** Independent of the decoder: is input[i..i+14) a frame a reader could have sent for a real tag? */
function validFrameAt(input: Uint8Array, i: number): string | null {
  if (input[i] !== 0x02 || input[i + 13] !== 0x03) return null;
  const text = Buffer.from(input.subarray(i + 1, i + 13)).toString('latin1');
  if (!/^[0-9A-Fa-f]{12}$/.test(text)) return null;
  const values = text.match(/../g)!.map((h) => Number.parseInt(h, 16));
  if (values.slice(0, 5).reduce((a, b) => a ^ b, 0) !== values[5]) return null;
  if (/^0{8}$/.test(text.slice(2, 10))) return null;
  return text.slice(0, 10);
}

describe('Rdm6300Framer fuzzing', () => {
  const data = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 5, maxLength: 5 });
  const segment = fc.oneof(
    fc.uint8Array({ maxLength: 24 }),
    fc.tuple(data, fc.boolean()).map(([d, lower]) => frame(d, lower)),
    // A valid frame with one byte replaced: usually a reject, sometimes still valid.
    fc.tuple(data, fc.nat(13), fc.integer({ min: 0, max: 255 })).map(([d, at, b]) => {
      const f = frame(d);
      f[at] = b;
      return f;
    }),
    fc.tuple(data, fc.nat(13)).map(([d, cut]) => frame(d).subarray(0, cut)),
    fc.constantFrom(Uint8Array.of(0x02), Uint8Array.of(0x03), GOLDEN),
  );
  const soup = fc.array(segment, { maxLength: 8 }).map((parts) => bytes(...parts));

  it(
    `emits exactly the checksum-valid frames embedded in random byte soup, however split (${FUZZ_RUNS} inputs)`,
    () => {
      fc.assert(
        fc.property(soup, fc.array(fc.nat(), { maxLength: 6 }), (input, cuts) => {
          const expected: string[] = [];
          for (let i = 0; i + 14 <= input.length; i++) {
            const raw = validFrameAt(input, i);
            if (raw !== null) expected.push(raw);
          }
          const { reads, counters } = decodeAll(chunked(input, cuts));
          const got = reads.map((r) => r.credential.raw);
          check(JSON.stringify(got) === JSON.stringify(expected), () => `got ${got}, expected ${expected}`);
          check(counters.frames === expected.length, () => 'frame counter');
          for (const read of reads) {
            check(read.credential.canonical === read.credential.raw.slice(2).toUpperCase(), () => JSON.stringify(read));
          }
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
