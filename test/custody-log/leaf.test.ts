import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { LEAF_PREFIX, decodeLeaf, encodeLeaf } from '../../server/custody-log/leaf';
import type { LeafEvent, LeafEventWithout } from '../../server/custody-log/leaf';

const text = (bytes: Buffer): string => bytes.toString('utf8');
const leafOf = (json: string): Buffer => Buffer.from(LEAF_PREFIX + json, 'utf8');

describe('encodeLeaf', () => {
  it('writes the prefix line and RFC 8785 JSON with keys sorted by UTF-16 code units', () => {
    const leaf = encodeLeaf({ type: 'record.checked_out', record: 'r1', actor: 'a1', record_seq: 1, ts_server: '2026-01-05T09:00:00.000Z' });
    expect(text(leaf)).toBe(
      'safekeep/event/v1\n{"actor":"a1","record":"r1","record_seq":1,"ts_server":"2026-01-05T09:00:00.000Z","type":"record.checked_out"}',
    );
    // Insertion order does not matter; nested objects are sorted too.
    const a = encodeLeaf({ type: 't', commitments: { z: '1', a: '2' }, b: [{ y: 1, x: 2 }] });
    const b = encodeLeaf({ b: [{ x: 2, y: 1 }], commitments: { a: '2', z: '1' }, type: 't' });
    expect(a.equals(b)).toBe(true);
    expect(text(a)).toBe('safekeep/event/v1\n{"b":[{"x":2,"y":1}],"commitments":{"a":"2","z":"1"},"type":"t"}');
  });

  it('keeps unicode as UTF-8 and sorts non-ASCII keys by code unit (RFC 8785 3.2.3)', () => {
    const leaf = encodeLeaf({ type: 't', reason: 'Déchiqueté — 書類 📁', '\u20ac': 1, '\ud83d\ude00': 2, '\u00e9': 3, z: 4 });
    expect(text(leaf)).toBe('safekeep/event/v1\n{"reason":"Déchiqueté — 書類 📁","type":"t","z":4,"é":3,"€":1,"😀":2}');
    expect(text(encodeLeaf({ type: 'q"\\\n\u0001\u007f' }))).toBe('safekeep/event/v1\n{"type":"q\\"\\\\\\n\\u0001\u007f"}');
  });

  it('allows integers up to 2^53 - 1, null, booleans, nested arrays', () => {
    const ev = { type: 't', n: Number.MAX_SAFE_INTEGER, m: -Number.MAX_SAFE_INTEGER, z: null, f: false, l: [[1, [true]], {}] };
    expect(text(encodeLeaf(ev))).toBe('safekeep/event/v1\n{"f":false,"l":[[1,[true]],{}],"m":-9007199254740991,"n":9007199254740991,"type":"t","z":null}');
  });

  const refuse = (ev: unknown, pattern: RegExp): void => {
    expect(() => encodeLeaf(ev as LeafEvent)).toThrow(pattern);
  };

  it('refuses floats, non-finite and unsafe numbers, naming the path', () => {
    refuse({ type: 't', x: { y: [1, 1.5] } }, /\$\.x\.y\[1\] must be an integer.*got 1\.5/);
    refuse({ type: 't', n: NaN }, /\$\.n must be an integer/);
    refuse({ type: 't', n: Infinity }, /\$\.n must be an integer/);
    refuse({ type: 't', n: 2 ** 53 }, /\$\.n must be an integer/);
    refuse({ type: 't', n: -(2 ** 53) }, /\$\.n must be an integer/);
    refuse({ type: 't', 'odd key': 0.1 }, /\$\["odd key"\] must be an integer/);
  });

  it('refuses undefined, bigint, functions, symbols, Dates, class instances, sparse arrays', () => {
    refuse({ type: 't', x: undefined }, /\$\.x has a value of type undefined/);
    refuse({ type: 't', x: 1n }, /\$\.x has a value of type bigint/);
    refuse({ type: 't', x: () => 1 }, /\$\.x has a value of type function/);
    refuse({ type: 't', x: Symbol('s') }, /\$\.x has a value of type symbol/);
    refuse({ type: 't', x: new Date() }, /\$\.x is a Date/);
    refuse({ type: 't', x: new Map() }, /\$\.x is a Map/);
    refuse({ type: 't', x: Buffer.from('a') }, /\$\.x is a Buffer/);
    // eslint-disable-next-line no-sparse-arrays
    refuse({ type: 't', x: [1, , 3] }, /\$\.x\[1\] has a value of type undefined/);
    refuse({ type: 't', x: '\ud800' }, /\$\.x is a string with a lone surrogate/);
    refuse({ type: 't', ['\udc00']: 1 }, /lone surrogate/);
    refuse([{ type: 't' }], /plain JSON object/);
    refuse(null, /plain JSON object/);
  });

  it('checks the fields the spec names', () => {
    refuse({ record: 'r' }, /\$\.type is required/);
    refuse({ type: '' }, /\$\.type is required/);
    refuse({ type: 't', record: 5 }, /\$\.record must be a string/);
    refuse({ type: 't', ts_server: '2026-01-05T09:00:00+01:00' }, /ts_server must be an RFC 3339 UTC time/);
    refuse({ type: 't', ts_device: '2026-13-05T09:00:00Z' }, /ts_device must be an RFC 3339 UTC time/);
    refuse({ type: 't', record_seq: 0 }, /record_seq must be an integer >= 1/);
    refuse({ type: 't', record_prev: 'ABC' }, /record_prev must be 64 lowercase hex/);
    refuse({ type: 't', evidence: [true] }, /evidence must be an array of ids/);
    expect(() => encodeLeaf({ type: 't', ts_server: '2026-01-05T09:00:00Z', ts_device: '2026-01-05T09:00:00.123456Z' })).not.toThrow();
  });
});

describe('decodeLeaf', () => {
  it('round-trips what encodeLeaf wrote', () => {
    const ev: LeafEvent = { type: 'record.checked_in', record: 'r', record_seq: 2, record_prev: 'ab'.repeat(32), evidence: ['x', 3], reason: 'é' };
    expect(decodeLeaf(encodeLeaf(ev))).toEqual(ev);
  });

  it('rejects every non-canonical spelling of the same event', () => {
    const canonical = '{"a":1,"type":"t"}';
    expect(decodeLeaf(leafOf(canonical))).toEqual({ a: 1, type: 't' });
    for (const json of [
      '{"type":"t","a":1}', // key order
      '{"a":1, "type":"t"}', // whitespace
      '{"a":1,"type":"t"}\n', // trailing newline
      '{"a":1.0,"type":"t"}', // number spelling
      '{"a":1e0,"type":"t"}',
      '{"a":1,"type":"\\u0074"}', // needless escape
      '{"a":1,"a":1,"type":"t"}', // duplicate key
      '{"a":1.5,"type":"t"}', // float
    ]) {
      expect(() => decodeLeaf(leafOf(json)), json).toThrow(/leaf:/);
    }
    expect(() => decodeLeaf(Buffer.from(`safekeep/event/v2\n${canonical}`))).toThrow(/prefix/);
    expect(() => decodeLeaf(Buffer.from(canonical))).toThrow(/prefix/);
    expect(() => decodeLeaf(Buffer.concat([Buffer.from(LEAF_PREFIX), Buffer.from([0x7b, 0xff, 0x7d])]))).toThrow(/UTF-8/);
    expect(() => decodeLeaf(leafOf('{"a":'))).toThrow(/not valid JSON/);
    expect(() => decodeLeaf(leafOf('[1]'))).toThrow(/plain JSON object/);
  });

  it('works on a view into a larger buffer', () => {
    const leaf = encodeLeaf({ type: 't' });
    const big = Buffer.concat([Buffer.from('xx'), leaf, Buffer.from('yy')]);
    expect(decodeLeaf(big.subarray(2, 2 + leaf.length))).toEqual({ type: 't' });
  });
});

describe('LeafEventWithout', () => {
  it('keeps the named fields (Omit<LeafEvent, K> would lose them to the index signature)', () => {
    expectTypeOf<LeafEventWithout<'ts_server' | 'record_seq' | 'record_prev'>>().toHaveProperty('type').toEqualTypeOf<string>();
    const input: LeafEventWithout<'ts_server'> = { type: 'x', record: 'r' };
    const event: LeafEvent = { ...input, ts_server: '2026-01-05T09:00:00Z' };
    expect(encodeLeaf(event).length).toBeGreaterThan(0);
  });
});

describe('encodeLeaf against the canonicalize library (RFC 8785)', () => {
  // Keys and strings over every code point, lone surrogates left out (encodeLeaf refuses them);
  // keys often start with a digit or are "__proto__", the cases a sorted copy can't hold.
  const wellFormed = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed());
  const key = fc.oneof(wellFormed, fc.constantFrom('0', '7', '10', '42x', '__proto__', 'type', 'a', 'B', '\u00e9', '\ud83d\ude00'));
  const json = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      wellFormed,
      fc.maxSafeInteger(),
      fc.constantFrom(0, -0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    ),
  })).value;
  // Made as JSON.parse makes objects: "__proto__" as an own key, as a verifier would read it.
  const event = fc.dictionary(key, json, { maxKeys: 6 }).map((fields) => JSON.parse(JSON.stringify({ ...fields, type: 't' })) as LeafEvent);

  it('writes exactly the bytes canonicalize writes, for any event it accepts', () => {
    fc.assert(
      fc.property(event, (ev) => {
        expect(text(encodeLeaf(ev))).toBe(LEAF_PREFIX + (canonicalize(ev) as string));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes the same bytes for an event whose keys are already in order, which it writes without a sorted copy', () => {
    // defineProperty: an assignment to "__proto__" would set the prototype instead.
    const put = (o: Record<string, unknown>, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    // Keys inserted in sorted order at every level (as the writer builds its events); then the same
    // event with its first two keys swapped, which must not be mistaken for an ordered one.
    const inOrder = (value: unknown): unknown => {
      if (value === null || typeof value !== 'object') return value;
      if (Array.isArray(value)) return value.map(inOrder);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) put(out, k, inOrder((value as Record<string, unknown>)[k]));
      return out;
    };
    fc.assert(
      fc.property(event, (ev) => {
        const ordered = JSON.parse(JSON.stringify(inOrder(ev))) as LeafEvent;
        expect(text(encodeLeaf(ordered))).toBe(LEAF_PREFIX + (canonicalize(ev) as string));
        const keys = Object.keys(ordered);
        if (keys.length < 2) return;
        const swapped: Record<string, unknown> = {};
        for (const k of [keys[1]!, keys[0]!, ...keys.slice(2)]) put(swapped, k, ordered[k]);
        expect(text(encodeLeaf(swapped as LeafEvent))).toBe(LEAF_PREFIX + (canonicalize(ev) as string));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps integer-like keys and "__proto__" in RFC 8785 order', () => {
    const ev = JSON.parse('{"type":"t","b":1,"10":2,"9":3,"__proto__":{"2":1,"1":2},"A":4}') as LeafEvent;
    expect(text(encodeLeaf(ev))).toBe('safekeep/event/v1\n{"10":2,"9":3,"A":4,"__proto__":{"1":2,"2":1},"b":1,"type":"t"}');
  });
});
