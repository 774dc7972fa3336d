import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, rootOf } from '../../server/custody-log/merkle';
import { MerkleTree } from '../../server/custody-log/tree';
import type { LeafHashSource } from '../../server/custody-log/tree';
import { prng, randomInt, randomLeafHashes } from './helpers';

/** An in-memory stand-in for the database, counting what is read. */
class CountingSource implements LeafHashSource {
  reads = 0;
  leavesRead = 0;
  constructor(readonly leaves: Buffer[]) {}
  async leafHashes(start: number, end: number): Promise<Buffer[]> {
    if (start < 0 || end > this.leaves.length || start > end) throw new Error(`bad range ${start}..${end}`);
    this.reads++;
    this.leavesRead += end - start;
    return this.leaves.slice(start, end);
  }
}

const hex = (hashes: Buffer[]): string[] => hashes.map((h) => h.toString('hex'));

describe('MerkleTree (database-backed)', () => {
  it('agrees with the array functions on random sizes up to a few thousand', async () => {
    const rand = prng(9162);
    const leaves = randomLeafHashes(4500);
    for (const options of [{}, { blockSize: 4, maxRead: 64 }, { blockSize: 1, maxRead: 2 }, { blockSize: 256, maxRead: 256 }]) {
      const tree = new MerkleTree(new CountingSource(leaves), options);
      for (let round = 0; round < 25; round++) {
        const n = 1 + randomInt(rand, leaves.length);
        const prefix = leaves.slice(0, n);
        expect((await tree.root(n)).equals(rootOf(prefix)), `root n=${n}`).toBe(true);
        const i = randomInt(rand, n);
        expect(hex(await tree.inclusionProof(i, n)), `inclusion i=${i} n=${n}`).toEqual(hex(inclusionProof(prefix, i)));
        const m = 1 + randomInt(rand, n);
        expect(hex(await tree.consistencyProof(m, n)), `consistency m=${m} n=${n}`).toEqual(hex(consistencyProof(prefix, m)));
      }
    }
  });

  it('agrees on every size and index around block boundaries', async () => {
    const leaves = randomLeafHashes(70);
    const tree = new MerkleTree(new CountingSource(leaves), { blockSize: 8, maxRead: 16 });
    for (let n = 1; n <= leaves.length; n++) {
      const prefix = leaves.slice(0, n);
      expect((await tree.root(n)).equals(rootOf(prefix))).toBe(true);
      for (let i = 0; i < n; i++) expect(hex(await tree.inclusionProof(i, n))).toEqual(hex(inclusionProof(prefix, i)));
      for (let m = 1; m <= n; m++) expect(hex(await tree.consistencyProof(m, n))).toEqual(hex(consistencyProof(prefix, m)));
    }
  });

  it('reads each leaf once when cold, then only the partial last block', async () => {
    const leaves = randomLeafHashes(5000);
    const source = new CountingSource(leaves);
    const tree = new MerkleTree(source, { blockSize: 256, maxRead: 1024 });
    await tree.root(5000);
    // 4096 + 512 + 256 complete leaves, then the 136 left over: each read once.
    expect(source.leavesRead).toBe(5000);
    expect(source.reads).toBeLessThanOrEqual(8);

    source.reads = 0;
    source.leavesRead = 0;
    await tree.root(5000);
    await tree.inclusionProof(17, 5000);
    await tree.consistencyProof(1234, 5000);
    // Warm: at most one block for each of the few partial subtrees these touch.
    expect(source.leavesRead).toBeLessThanOrEqual(4 * 256);
    expect(tree.memoSize).toBeGreaterThan(0);
  });

  it('learns committed leaves so a checkpoint after a burst reads back only the partial last block', async () => {
    const leaves = randomLeafHashes(9000);
    const source = new CountingSource(leaves);
    const tree = new MerkleTree(source, { blockSize: 256, maxRead: 1024 });
    for (let i = 0; i < 9000; i++) tree.learn(i, leaves[i]!);
    expect((await tree.root(9000)).equals(rootOf(leaves))).toBe(true);
    // 9000 = 8192 + 512 + 256 + 40: only the 40 after the last complete block are read.
    expect(source.leavesRead).toBe(40);
    expect(hex(await tree.consistencyProof(5000, 9000))).toEqual(hex(consistencyProof(leaves, 5000)));
  });

  it('learning in random runs with gaps (another process appending) never changes an answer', async () => {
    const rand = prng(6962);
    const leaves = randomLeafHashes(6000);
    for (const blockSize of [1, 4, 256]) {
      const tree = new MerkleTree(new CountingSource(leaves), { blockSize, maxRead: Math.max(blockSize, 64) });
      let next = 0;
      while (next < leaves.length) {
        // Sometimes skip a run (not seen by this process), sometimes a leaf comes out of order.
        const run = 1 + randomInt(rand, 700);
        const skip = randomInt(rand, 4) === 0;
        for (let i = next; i < Math.min(next + run, leaves.length); i++) if (!skip) tree.learn(i, leaves[i]!);
        if (randomInt(rand, 5) === 0) {
          const j = randomInt(rand, leaves.length);
          tree.learn(j, leaves[j]!);
        }
        next += run;
        const n = Math.min(next, leaves.length);
        const prefix = leaves.slice(0, n);
        expect((await tree.root(n)).equals(rootOf(prefix)), `root n=${n}`).toBe(true);
        const m = 1 + randomInt(rand, n);
        expect(hex(await tree.consistencyProof(m, n)), `consistency m=${m} n=${n}`).toEqual(hex(consistencyProof(prefix, m)));
      }
    }
  });

  it('keeps its memo safe from callers mutating returned hashes', async () => {
    const leaves = randomLeafHashes(600);
    const tree = new MerkleTree(new CountingSource(leaves));
    const root = await tree.root(512);
    root.fill(0);
    (await tree.inclusionProof(3, 600)).forEach((h) => h.fill(0));
    expect((await tree.root(512)).equals(rootOf(leaves.slice(0, 512)))).toBe(true);
    expect((await tree.root(600)).equals(rootOf(leaves))).toBe(true);
  });

  it('refuses a source that answers with the wrong number or shape of hashes', async () => {
    const short: LeafHashSource = { leafHashes: async (s, e) => randomLeafHashes(Math.max(0, e - s - 1)) };
    await expect(new MerkleTree(short).root(10)).rejects.toThrow(/returned 9 leaf hashes/);
    const bad: LeafHashSource = { leafHashes: async (s, e) => Array.from({ length: e - s }, () => Buffer.alloc(20)) };
    await expect(new MerkleTree(bad).root(3)).rejects.toThrow(/not 32 bytes/);
  });

  it('validates sizes, indexes and options', async () => {
    const tree = new MerkleTree(new CountingSource(randomLeafHashes(10)));
    expect((await tree.root(0)).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    await expect(tree.root(-1)).rejects.toThrow(RangeError);
    await expect(tree.inclusionProof(10, 10)).rejects.toThrow(RangeError);
    await expect(tree.consistencyProof(0, 10)).rejects.toThrow(RangeError);
    await expect(tree.consistencyProof(11, 10)).rejects.toThrow(RangeError);
    expect(await tree.consistencyProof(10, 10)).toEqual([]);
    expect(() => new MerkleTree(new CountingSource([]), { blockSize: 100 })).toThrow(/power of two/);
    expect(() => new MerkleTree(new CountingSource([]), { blockSize: 256, maxRead: 128 })).toThrow(/maxRead/);
  });
});
