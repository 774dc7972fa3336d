import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleFrontier } from '../../server/custody-log/frontier';
import { EMPTY_ROOT, hashLeaf, rootOf } from '../../server/custody-log/merkle';
import { randomLeafHashes, vectorLeafHashes } from './helpers';

describe('MerkleFrontier', () => {
  it('starts as the empty tree', () => {
    const f = new MerkleFrontier();
    expect(f.size).toBe(0);
    expect(f.root().equals(EMPTY_ROOT)).toBe(true);
  });

  it('has the same root as the full tree after every append (1..1100 leaves)', () => {
    const leaves = randomLeafHashes(1100);
    const f = new MerkleFrontier();
    leaves.forEach((leaf, i) => {
      f.appendHash(leaf);
      expect(f.size).toBe(i + 1);
      // One node per set bit of the size: O(log n) memory.
      expect(f.nodes.length).toBe((i + 1).toString(2).split('1').length - 1);
      if (i < 300 || i % 97 === 0 || i === leaves.length - 1) {
        expect(f.root().equals(rootOf(leaves.slice(0, i + 1))), `n=${i + 1}`).toBe(true);
      }
    });
  });

  it('gives the published roots from leaf bytes', () => {
    const f = new MerkleFrontier();
    const hashes = vectorLeafHashes();
    for (const hex of ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']) {
      const h = f.appendLeaf(Buffer.from(hex, 'hex'));
      expect(h.equals(hashes[f.size - 1]!)).toBe(true);
    }
    expect(f.root().toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('can be restored from its nodes and carries on identically', () => {
    const leaves = randomLeafHashes(777);
    const f = new MerkleFrontier();
    leaves.slice(0, 500).forEach((l) => f.appendHash(l));
    const g = MerkleFrontier.restore(f.size, f.nodes);
    const c = f.clone();
    leaves.slice(500).forEach((l) => {
      f.appendHash(l);
      g.appendHash(l);
    });
    expect(g.root().equals(f.root())).toBe(true);
    expect(g.root().equals(rootOf(leaves))).toBe(true);
    expect(c.size).toBe(500);
    expect(c.root().equals(rootOf(leaves.slice(0, 500)))).toBe(true);
    expect(() => MerkleFrontier.restore(500, f.nodes)).toThrow(/frontier nodes/);
    expect(() => MerkleFrontier.restore(1, [Buffer.alloc(31)])).toThrow(/32-byte/);
  });

  it('is not affected by callers mutating what they passed in or got out', () => {
    const f = new MerkleFrontier();
    const leaf = hashLeaf(Buffer.from('a'));
    f.appendHash(leaf);
    const before = f.root();
    leaf.fill(0);
    f.root().fill(0);
    f.nodes[0]!.fill(0);
    expect(f.root().equals(before)).toBe(true);
    expect(() => f.appendHash(Buffer.alloc(16))).toThrow(RangeError);
  });

  // A loose floor that only catches gross regressions; the real figure is measured by bench.ts.
  it('re-hashes stored leaves fast (>= 25,000 leaves/s, a floor even a busy 2-core CI machine clears)', () => {
    const leaves = Array.from({ length: 50_000 }, () => randomBytes(300));
    const f = new MerkleFrontier();
    const t0 = performance.now();
    for (const leaf of leaves) f.appendLeaf(leaf);
    f.root();
    const perSecond = leaves.length / ((performance.now() - t0) / 1000);
    expect(perSecond).toBeGreaterThan(25_000);
  });
});
