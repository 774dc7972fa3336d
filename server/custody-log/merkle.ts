import * as nodeCrypto from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing, proofs over in-memory arrays of leaf hashes, and the
 * proof verifiers of RFC 9162 sections 2.1.3.2 and 2.1.4.2.
 *
 * Tree sizes and indexes are plain numbers: every computation here uses arithmetic, not 32-bit
 * bitwise operators, so they stay exact up to Number.MAX_SAFE_INTEGER.
 */

export const HASH_SIZE = 32;

// One-shot crypto.hash (Node >= 20.12) is about twice as fast as a createHash chain for inputs
// this small, which matters when a verifier re-hashes millions of leaves.
const sha256: (data: Uint8Array) => Buffer =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data, 'buffer')
    : (data) => nodeCrypto.createHash('sha256').update(data).digest();

/** MTH({}) = SHA-256 of the empty string. Shared: never mutate it. */
export const EMPTY_ROOT: Buffer = sha256(new Uint8Array(0));

// Scratch buffers: hashing is synchronous, so one module-level buffer per shape is safe and
// saves an allocation and a copy per hash on the hot path.
const LEAF_SCRATCH_MAX = 64 * 1024;
let leafScratch = Buffer.alloc(1024);
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

/** RFC 6962 leaf hash: SHA-256(0x00 || leaf bytes). */
export function hashLeaf(leaf: Uint8Array): Buffer {
  const scratch = leafScratchFor(leaf.length + 1);
  if (!scratch) return sha256(Buffer.concat([Buffer.of(0x00), leaf]));
  scratch.set(leaf, 1);
  return sha256(scratch.subarray(0, leaf.length + 1));
}

/** hashLeaf of the UTF-8 bytes of `text`, written straight into the scratch buffer. */
export function hashLeafText(text: string): Buffer {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const scratch = leafScratchFor(text.length * 3 + 1);
  if (!scratch) return hashLeaf(Buffer.from(text, 'utf8'));
  const written = scratch.write(text, 1, 'utf8');
  return sha256(scratch.subarray(0, written + 1));
}

/** The leaf scratch buffer, at least `need` bytes and starting with the 0x00 leaf prefix; null past its limit. */
function leafScratchFor(need: number): Buffer | null {
  if (need > LEAF_SCRATCH_MAX) return null;
  if (need > leafScratch.length) leafScratch = Buffer.alloc(Math.min(LEAF_SCRATCH_MAX, Math.max(need, leafScratch.length * 2)));
  leafScratch[0] = 0x00;
  return leafScratch;
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`hashChildren: child hashes must be ${HASH_SIZE} bytes`);
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/** The largest power of two strictly smaller than n (n >= 2): where RFC 6962 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** A half-open range [start, end) of leaves whose subtree hash is one proof element. */
export type LeafRange = readonly [start: number, end: number];

/**
 * The subtrees whose hashes make up the inclusion proof of leaf `index` in a tree of `size`
 * leaves: RFC 9162 2.1.3.1 PATH, ordered from the leaf up. Shared by the array functions below
 * and the database-backed MerkleTree, so both produce the same proof by construction.
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`inclusion proof: index ${index} is not in a tree of size ${size}`);
  }
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = size;
  // Walk down from the root, then reverse: PATH lists the deepest sibling first.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
    }
  }
  return ranges.reverse();
}

/**
 * The subtrees whose hashes make up the consistency proof from size `m` to size `n`: RFC 9162
 * 2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true), ordered as the RFC lists them. Empty when
 * m equals n.
 */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) {
    throw new RangeError(`consistency proof: needs 0 < m <= n, got m=${m}, n=${n}`);
  }
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = n;
  let mm = m;
  let complete = true; // the RFC's b: is the old tree a complete subtree of this node?
  while (mm !== end - start) {
    const k = splitPoint(end - start);
    if (mm <= k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      mm -= k;
      complete = false;
    }
  }
  if (!complete) ranges.push([start, end]);
  return ranges.reverse();
}

/** MTH of leafHashes[start, end). Recursion depth is log2 of the range size. */
export function rangeHash(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return Buffer.from(EMPTY_ROOT);
  if (n === 1) return Buffer.from(leafHashes[start] as Uint8Array);
  const k = splitPoint(n);
  return hashChildren(rangeHash(leafHashes, start, start + k), rangeHash(leafHashes, start + k, end));
}

/** MTH of a whole list of leaf hashes (RFC 9162 2.1.1). */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  return rangeHash(leafHashes, 0, leafHashes.length);
}

export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Buffer[] {
  return inclusionRanges(index, leafHashes.length).map(([s, e]) => rangeHash(leafHashes, s, e));
}

/** Consistency proof from the first `oldSize` leaves to all of them. */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Buffer[] {
  return consistencyRanges(oldSize, leafHashes.length).map(([s, e]) => rangeHash(leafHashes, s, e));
}

// Verifiers: they take data from whoever hands over a proof, so they check every shape themselves
// and answer false rather than throwing.

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function isHashList(list: unknown): list is readonly Uint8Array[] {
  return Array.isArray(list) && list.every(isHash);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

const half = (x: number): number => Math.floor(x / 2);
const odd = (x: number): boolean => x % 2 === 1;

/** RFC 9162 2.1.3.2: does `proof` show that `leafHash` is leaf `leafIndex` of the tree `root`? */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize) return false;
    if (!isHash(leafHash) || !isHash(root) || !isHashList(proof)) return false;
    let fn = leafIndex;
    let sn = treeSize - 1;
    let r: Uint8Array = leafHash;
    for (const p of proof) {
      if (sn === 0) return false;
      if (odd(fn) || fn === sn) {
        r = hashChildren(p, r);
        if (!odd(fn)) {
          while (!odd(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        r = hashChildren(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && bytesEqual(r, root);
  } catch {
    return false;
  }
}

/**
 * RFC 9162 2.1.4.2: is the tree `root2` of `size2` leaves an append-only extension of the tree
 * `root1` of `size1` leaves?
 *
 * Two edge cases the RFC leaves open follow the transparency-dev/merkle test vectors: equal sizes
 * are consistent exactly when the proof is empty and the roots are the same bytes; and a proof
 * from the empty tree (size1 = 0) is refused, because it would prove nothing. The writer's first
 * checkpoint therefore has no predecessor to check rather than checking against size 0.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  try {
    if (!isSize(size1) || !isSize(size2) || size1 > size2 || size1 === 0) return false;
    if (!(root1 instanceof Uint8Array) || !(root2 instanceof Uint8Array) || !isHashList(proof)) return false;
    if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
    if (!isHash(root1) || !isHash(root2) || proof.length === 0) return false;

    // A power-of-two old tree is itself a node of the new one, so its root is not in the proof.
    const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
    let fn = size1 - 1;
    let sn = size2 - 1;
    while (odd(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    let fr: Uint8Array = path[0] as Uint8Array;
    let sr: Uint8Array = fr;
    for (let i = 1; i < path.length; i++) {
      const c = path[i] as Uint8Array;
      if (sn === 0) return false;
      if (odd(fn) || fn === sn) {
        fr = hashChildren(c, fr);
        sr = hashChildren(c, sr);
        if (!odd(fn)) {
          while (!odd(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        sr = hashChildren(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
  } catch {
    return false;
  }
}
