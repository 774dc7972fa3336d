import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  consistencyProof,
  hashChildren,
  hashLeaf,
  hashLeafText,
  inclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../server/custody-log/merkle';
import { flipBit, prng, randomInt, randomLeafHashes, vectorLeafHashes } from './helpers';

// From shared/vectors/README.md: roots of the first 1..8 vector leaves.
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('Merkle tree hashing (RFC 6962)', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(rootOf([]).equals(EMPTY_ROOT)).toBe(true);
  });

  it('gives the published roots of the first 1..8 leaves', () => {
    const leaves = vectorLeafHashes();
    ROOTS.forEach((root, i) => expect(rootOf(leaves.slice(0, i + 1)).toString('hex'), `n=${i + 1}`).toBe(root));
  });

  it('separates leaves from nodes (0x00 / 0x01 prefixes)', () => {
    const a = Buffer.alloc(32, 1);
    const b = Buffer.alloc(32, 2);
    expect(hashChildren(a, b).equals(hashLeaf(Buffer.concat([a, b])))).toBe(false);
    expect(() => hashChildren(a, Buffer.alloc(31))).toThrow(RangeError);
  });

  it('hashes long leaves (past the scratch buffer) the same as short ones would', () => {
    const big = Buffer.alloc(200_000, 7);
    const expected = hashLeaf(Buffer.alloc(0)); // warm the scratch with a tiny leaf first
    expect(expected.toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const reference = createHash('sha256').update(Buffer.of(0)).update(big).digest();
    expect(hashLeaf(big).equals(reference)).toBe(true);
    expect(hashLeaf(big.subarray(0, 3000)).equals(createHash('sha256').update(Buffer.of(0)).update(big.subarray(0, 3000)).digest())).toBe(true);
  });

  it('hashes a leaf given as text as the leaf of its UTF-8 bytes, whatever its length and characters', () => {
    const reference = (text: string) => createHash('sha256').update(Buffer.of(0)).update(Buffer.from(text, 'utf8')).digest();
    const texts = ['', 'safekeep/event/v1\n{"type":"a"}', 'café ☃ 📁 ' + 'é'.repeat(5000), '📁'.repeat(30_000), 'x'.repeat(70_000)];
    for (const text of texts) expect(hashLeafText(text).equals(reference(text))).toBe(true);
    // After a long one, a short one still hashes only its own bytes.
    expect(hashLeafText('ab').equals(reference('ab'))).toBe(true);
  });
});

describe('proof generation round-trips', () => {
  it('every inclusion proof of every leaf verifies, for all trees up to 70 leaves', () => {
    const leaves = randomLeafHashes(70);
    for (let n = 1; n <= leaves.length; n++) {
      const tree = leaves.slice(0, n);
      const root = rootOf(tree);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(tree, i);
        expect(verifyInclusion(i, n, tree[i]!, proof, root), `i=${i} n=${n}`).toBe(true);
        // The same proof must not pass for a neighbouring index. (It may pass for another size
        // whose tree has the same shape along the path: the signed root is what binds the size.)
        if (n > 1) expect(verifyInclusion((i + 1) % n, n, tree[i]!, proof, root)).toBe(false);
      }
    }
  });

  it('every consistency proof between all sizes up to 70 verifies', () => {
    const leaves = randomLeafHashes(70);
    const roots = Array.from({ length: leaves.length + 1 }, (_, n) => rootOf(leaves.slice(0, n)));
    for (let n = 1; n <= leaves.length; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(leaves.slice(0, n), m);
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!), `m=${m} n=${n}`).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, proof, roots[m]!, roots[n - 1]!)).toBe(false);
          expect(verifyConsistency(m, n, proof, roots[m - 1] ?? EMPTY_ROOT, roots[n]!)).toBe(false);
        }
      }
    }
  });

  it('rejects every single-bit mutation of proofs, roots and leaf hashes in random trees', () => {
    const rand = prng(6962);
    for (let round = 0; round < 60; round++) {
      const n = 2 + randomInt(rand, 3000);
      const leaves = randomLeafHashes(n);
      const root = rootOf(leaves);
      const i = randomInt(rand, n);
      const proof = inclusionProof(leaves, i);
      expect(verifyInclusion(i, n, leaves[i]!, proof, root)).toBe(true);
      const bit = randomInt(rand, 256);
      expect(verifyInclusion(i, n, flipBit(leaves[i]!, bit), proof, root)).toBe(false);
      expect(verifyInclusion(i, n, leaves[i]!, proof, flipBit(root, bit))).toBe(false);
      proof.forEach((_, j) => {
        const mutated = proof.map((h, k) => (k === j ? flipBit(h, bit) : h));
        expect(verifyInclusion(i, n, leaves[i]!, mutated, root)).toBe(false);
      });
      expect(verifyInclusion(i, n, leaves[i]!, proof.slice(0, -1), root)).toBe(false);
      expect(verifyInclusion(i, n, leaves[i]!, [...proof, proof[0]!], root)).toBe(false);

      const m = 1 + randomInt(rand, n - 1);
      const cproof = consistencyProof(leaves, m);
      const oldRoot = rootOf(leaves.slice(0, m));
      expect(verifyConsistency(m, n, cproof, oldRoot, root)).toBe(true);
      cproof.forEach((_, j) => {
        const mutated = cproof.map((h, k) => (k === j ? flipBit(h, bit) : h));
        expect(verifyConsistency(m, n, mutated, oldRoot, root), `m=${m} n=${n} j=${j}`).toBe(false);
      });
      expect(verifyConsistency(m, n, cproof, flipBit(oldRoot, bit), root)).toBe(false);
      expect(verifyConsistency(m, n, cproof, oldRoot, flipBit(root, bit))).toBe(false);
      expect(verifyConsistency(m, n, cproof.slice(1), oldRoot, root)).toBe(false);
      expect(verifyConsistency(m, n, [...cproof, cproof[0]!], oldRoot, root)).toBe(false);
    }
  });

  it('refuses impossible proof requests', () => {
    const leaves = randomLeafHashes(5);
    expect(() => inclusionProof(leaves, 5)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, -1)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 0)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 6)).toThrow(RangeError);
    expect(consistencyProof(leaves, 5)).toEqual([]);
  });
});

describe('verifiers on malformed input', () => {
  const leaves = randomLeafHashes(9);
  const root = rootOf(leaves);
  const proof = inclusionProof(leaves, 3);
  const garbage: unknown[] = [undefined, null, 1.5, -1, NaN, Infinity, 2 ** 60, '3', {}, [], [1, 2], 'x', Buffer.alloc(31), Buffer.alloc(33)];

  it('never throw, only answer false', () => {
    const call = (f: () => boolean): boolean => f();
    for (const g of garbage) {
      const x = g as never;
      expect(call(() => verifyInclusion(x, 9, leaves[3]!, proof, root))).toBe(false);
      expect(call(() => verifyInclusion(3, x, leaves[3]!, proof, root))).toBe(false);
      expect(call(() => verifyInclusion(3, 9, x, proof, root))).toBe(false);
      expect(call(() => verifyInclusion(3, 9, leaves[3]!, x, root))).toBe(false);
      expect(call(() => verifyInclusion(3, 9, leaves[3]!, [x], root))).toBe(false);
      expect(call(() => verifyInclusion(3, 9, leaves[3]!, proof, x))).toBe(false);
      expect(call(() => verifyConsistency(x, 9, [], root, root))).toBe(false);
      expect(call(() => verifyConsistency(4, x, [], root, root))).toBe(false);
      expect(call(() => verifyConsistency(4, 9, x, root, root))).toBe(false);
      expect(call(() => verifyConsistency(4, 9, [x], root, root))).toBe(false);
      expect(call(() => verifyConsistency(4, 9, proof, x, root))).toBe(false);
      expect(call(() => verifyConsistency(4, 9, proof, root, x))).toBe(false);
    }
  });

  it('handles sizes near 2^53 without 32-bit overflow', () => {
    const big = Number.MAX_SAFE_INTEGER;
    expect(verifyInclusion(big - 1, big, leaves[0]!, proof, root)).toBe(false);
    expect(verifyInclusion(2 ** 33, 2 ** 33 + 1, leaves[0]!, [root], hashChildren(root, leaves[0]!))).toBe(true);
    expect(verifyConsistency(2 ** 40, 2 ** 40 + 1, [root], leaves[0]!, hashChildren(leaves[0]!, root))).toBe(true);
  });

  it('accepts equal sizes only with an empty proof and identical roots, and never from size 0', () => {
    expect(verifyConsistency(9, 9, [], root, root)).toBe(true);
    expect(verifyConsistency(9, 9, [root], root, root)).toBe(false);
    expect(verifyConsistency(9, 9, [], root, leaves[0]!)).toBe(false);
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(0, 9, [], EMPTY_ROOT, root)).toBe(false);
  });
});
