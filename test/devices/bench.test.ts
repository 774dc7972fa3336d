import { describe, expect, it } from 'vitest';
import { BENCH_DECODERS, measureDecoderThroughput } from '../../devices/decoders/bench';

describe('measureDecoderThroughput', () => {
  it('measures every decoder, and every workload decodes all of its 1,000 items', () => {
    const results = measureDecoderThroughput({ minMs: 1 });
    expect(results.map((r) => r.decoder)).toEqual(BENCH_DECODERS);
    expect(BENCH_DECODERS).toHaveLength(10);
    for (const r of results) {
      // canonicalCredential runs 3 formats per item; every other workload yields one read per item.
      const perRun = r.decoder === 'canonicalCredential' ? 3000 : 1000;
      expect(r.reads % perRun, r.decoder).toBe(0);
      expect(r.reads, r.decoder).toBeGreaterThan(0);
      expect(r.readsPerSecond, r.decoder).toBeGreaterThan(0);
    }
  });

  it('can measure a chosen subset', () => {
    expect(measureDecoderThroughput({ minMs: 1, only: ['wiegand'] }).map((r) => r.decoder)).toEqual(['wiegand']);
  });
});
