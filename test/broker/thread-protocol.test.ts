import { describe, expect, it } from 'vitest';
import { packPayloads, packTopics, unpackPayloads, unpackTopics } from '../../server/broker/thread-protocol';

describe('the broker thread protocol', () => {
  it('packs topics by length, so no character a board puts in a topic can shift the others', () => {
    const topics = ['safekeep/cab-1/read', '', 'a\u0000b/c', 'tele/caf\u00e9/\u{1F4C1}', 'safekeep/cab-2/read'];
    const packed = packTopics(topics);
    // What postMessage does to it: a structured clone.
    expect(unpackTopics(structuredClone(packed))).toEqual(topics);
    expect(unpackTopics(packTopics([]))).toEqual([]);
  });

  it('packs payloads into one buffer and gives each back whole', () => {
    const payloads = [Buffer.from('{"seq":1}'), Buffer.alloc(0), Buffer.from([0, 255, 7])];
    expect(unpackPayloads(packPayloads(payloads)).map((p) => [...p])).toEqual(payloads.map((p) => [...p]));
  });
});
