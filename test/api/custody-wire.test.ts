import { describe, expect, it } from 'vitest';
import { decodeCustodyEmit } from '../../dashboard/src/api/custody-wire';
import { encodeCustodyEmit } from '../../server/api/live-socket';
import { encodeLeafText, type LeafEvent } from '../../server/custody-log/leaf';
import { hashLeafText } from '../../server/custody-log/merkle';

const committed = (index: number, event: LeafEvent) => {
  const text = encodeLeafText(event);
  return { index, event, text, leafHash: hashLeafText(text) };
};

describe("the 'custody' socket event", () => {
  it('carries each leaf of a commit as its index and event, read back exactly', () => {
    const leaves = [
      committed(7, { type: 'device.read', device: 'cab-1-door', evidence: ['a1'], ts_server: '2026-12-07T09:00:00.000001Z' }),
      committed(8, { type: 'record.checked_out', record: 'r-1', reason: 'quotes " and \\ backslash, \u00e9, \ud83d\ude00, \u2028 and a\ttab', record_seq: 3 }),
      committed(9, { type: 'x', nested: { b: [1, -2, null, true], a: { '10': 'ten', '9': 'nine' } } }),
    ];
    const payload = encodeCustodyEmit(leaves);
    expect(Buffer.isBuffer(payload)).toBe(true);
    expect(decodeCustodyEmit(payload)).toEqual(leaves.map(({ index, event }) => ({ index, event })));
    // As a browser gets it: an ArrayBuffer of exactly those bytes.
    const copy = new Uint8Array(payload).slice().buffer;
    expect(decodeCustodyEmit(copy)).toEqual(decodeCustodyEmit(payload));
    expect(decodeCustodyEmit(encodeCustodyEmit([]))).toEqual([]);
  });

  it('refuses bytes that are not UTF-8 JSON instead of showing something else', () => {
    expect(() => decodeCustodyEmit(Uint8Array.of(0x5b, 0xff, 0x5d))).toThrow();
    expect(() => decodeCustodyEmit(Buffer.from('[{"index":1,'))).toThrow();
  });
});
