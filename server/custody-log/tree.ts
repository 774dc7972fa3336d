import { EMPTY_ROOT, HASH_SIZE, consistencyRanges, hashChildren, inclusionRanges, isPowerOfTwo, rangeHash, splitPoint } from './merkle';

/**
 * Roots and proofs over a log too large to hold in memory: leaf hashes are read from a source
 * (the database) in ranges, and the hashes of complete, aligned subtrees are memoized. In an
 * append-only log such a subtree never changes once its last leaf exists, so the memo never
 * needs invalidating and a warm tree answers a proof with one read of at most `blockSize` leaves.
 */

export interface LeafHashSource {
  /** The RFC 6962 leaf hashes of leaves [start, end), in order: exactly end - start of them. */
  leafHashes(start: number, end: number): Promise<Buffer[]>;
}

export interface MerkleTreeOptions {
  /**
   * Leaves per memoized block (a power of two). Subtrees smaller than this are hashed from leaves
   * read on demand; complete aligned subtrees of this size or larger are memoized. Memory is about
   * 2 * n / blockSize hashes.
   */
  blockSize?: number;
  /** Most leaf hashes read in one call when filling a cold memo (a power of two >= blockSize). */
  maxRead?: number;
}

export class MerkleTree {
  readonly #source: LeafHashSource;
  readonly #blockSize: number;
  readonly #maxRead: number;
  // Key: 2 * start + size - 1, unique for every aligned power-of-two range (its in-order position).
  readonly #memo = new Map<number, Buffer>();
  // Complete aligned subtrees built from leaves learned as they were committed, smallest on top.
  readonly #learning: { start: number; width: number; hash: Buffer }[] = [];
  #learnNext = -1;

  constructor(source: LeafHashSource, options: MerkleTreeOptions = {}) {
    const blockSize = options.blockSize ?? 256;
    const maxRead = options.maxRead ?? 65_536;
    if (!isPowerOfTwo(blockSize)) throw new RangeError('MerkleTree: blockSize must be a power of two');
    if (!isPowerOfTwo(maxRead) || maxRead < blockSize) {
      throw new RangeError('MerkleTree: maxRead must be a power of two >= blockSize');
    }
    this.#source = source;
    this.#blockSize = blockSize;
    this.#maxRead = maxRead;
  }

  /** Number of memoized subtree hashes (for tests and metrics). */
  get memoSize(): number {
    return this.#memo.size;
  }

  /**
   * Takes the hash of leaf `index` as the writer committed it, so the subtrees it completes are
   * memoized without reading them back: a checkpoint after a burst of reads then costs a few
   * hashes instead of re-reading and hashing every new leaf on the event loop at once. Leaves
   * must come in order; after a gap (another process appended) learning resumes at the next
   * block boundary, and whatever was missed is read from the source as before.
   */
  learn(index: number, leafHash: Uint8Array): void {
    if (index !== this.#learnNext) {
      this.#learning.length = 0;
      if (index % this.#blockSize !== 0) {
        this.#learnNext = -1;
        return;
      }
    }
    this.#learnNext = index + 1;
    const stack = this.#learning;
    stack.push({ start: index, width: 1, hash: Buffer.from(leafHash) });
    for (;;) {
      const right = stack[stack.length - 1]!;
      const left = stack[stack.length - 2];
      if (!left || left.width !== right.width || left.start % (2 * left.width) !== 0) break;
      stack.length -= 2;
      const merged = { start: left.start, width: 2 * left.width, hash: hashChildren(left.hash, right.hash) };
      if (merged.width >= this.#blockSize) this.#memo.set(2 * merged.start + merged.width - 1, merged.hash);
      stack.push(merged);
    }
  }

  /** MTH of the first n leaves. */
  async root(n: number): Promise<Buffer> {
    checkSize(n);
    if (n === 0) return Buffer.from(EMPTY_ROOT);
    // Copies: the memo hands out its own buffers, and callers must not be able to corrupt it.
    return Buffer.from(await this.#rangeHash(0, n, new BlockCache(this.#source, this.#blockSize, n)));
  }

  /** RFC 9162 inclusion proof of leaf `index` in the tree of the first n leaves. */
  async inclusionProof(index: number, n: number): Promise<Buffer[]> {
    checkSize(n);
    return this.#hashAll(inclusionRanges(index, n), n);
  }

  /** RFC 9162 consistency proof from the tree of the first m leaves to that of the first n. */
  async consistencyProof(m: number, n: number): Promise<Buffer[]> {
    checkSize(n);
    return this.#hashAll(consistencyRanges(m, n), n);
  }

  async #hashAll(ranges: readonly (readonly [number, number])[], n: number): Promise<Buffer[]> {
    const cache = new BlockCache(this.#source, this.#blockSize, n);
    const out: Buffer[] = [];
    // In sequence: the ranges share blocks, and the database serves one query at a time anyway.
    for (const [start, end] of ranges) out.push(Buffer.from(await this.#rangeHash(start, end, cache)));
    return out;
  }

  /**
   * MTH of leaves [start, end), where the range is a node of the RFC 6962 tree (its start is a
   * multiple of the smallest power of two >= its length), so anything up to a block lies
   * inside one aligned block.
   */
  async #rangeHash(start: number, end: number, cache: BlockCache): Promise<Buffer> {
    const size = end - start;
    if (size <= this.#blockSize) {
      if (size === this.#blockSize) return this.#completeHash(start, size, cache);
      const block = await cache.block(Math.floor(start / this.#blockSize));
      const offset = start % this.#blockSize;
      return rangeHash(block, offset, offset + size);
    }
    if (isPowerOfTwo(size)) return this.#completeHash(start, size, cache);
    const k = splitPoint(size);
    const left = await this.#completeHash(start, k, cache);
    const right = await this.#rangeHash(start + k, end, cache);
    return hashChildren(left, right);
  }

  /** Hash of the complete aligned subtree [start, start + size), size >= blockSize, memoized. */
  async #completeHash(start: number, size: number, cache: BlockCache): Promise<Buffer> {
    const key = 2 * start + size - 1;
    const known = this.#memo.get(key);
    if (known) return known;
    let hash: Buffer;
    if (size <= this.#maxRead) {
      hash = this.#fill(start, await cache.read(start, start + size));
    } else {
      const half = size / 2;
      hash = hashChildren(await this.#completeHash(start, half, cache), await this.#completeHash(start + half, half, cache));
    }
    this.#memo.set(key, hash);
    return hash;
  }

  /**
   * Hashes a complete subtree from its leaves bottom-up, memoizing every node of at least a block
   * on the way, so that a cold start reads each leaf once, in large ranges.
   */
  #fill(start: number, leaves: Buffer[]): Buffer {
    let level: Buffer[] = leaves;
    let width = 1;
    while (level.length > 1) {
      const next: Buffer[] = new Array<Buffer>(level.length / 2);
      width *= 2;
      for (let i = 0; i < next.length; i++) {
        const node = hashChildren(level[2 * i] as Buffer, level[2 * i + 1] as Buffer);
        next[i] = node;
        if (width >= this.#blockSize) this.#memo.set(2 * (start + i * width) + width - 1, node);
      }
      level = next;
    }
    return Buffer.from(level[0] as Buffer);
  }
}

/** Leaf hashes read during one operation, so sibling ranges inside one block cost one read. */
class BlockCache {
  readonly #blocks = new Map<number, Buffer[]>();

  constructor(
    private readonly source: LeafHashSource,
    private readonly blockSize: number,
    private readonly n: number,
  ) {}

  /** Leaves of aligned block `b`, cut at the tree size n (the last block may be partial). */
  async block(b: number): Promise<Buffer[]> {
    let leaves = this.#blocks.get(b);
    if (!leaves) {
      const start = b * this.blockSize;
      leaves = await this.read(start, Math.min(start + this.blockSize, this.n));
      this.#blocks.set(b, leaves);
    }
    return leaves;
  }

  /** Reads and checks leaf hashes: a short or malformed answer must not turn into a wrong root. */
  async read(start: number, end: number): Promise<Buffer[]> {
    const leaves = await this.source.leafHashes(start, end);
    if (!Array.isArray(leaves) || leaves.length !== end - start) {
      throw new Error(`MerkleTree: source returned ${Array.isArray(leaves) ? leaves.length : 'no'} leaf hashes for [${start}, ${end})`);
    }
    for (const leaf of leaves) {
      if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_SIZE) {
        throw new Error(`MerkleTree: source returned a leaf hash that is not ${HASH_SIZE} bytes in [${start}, ${end})`);
      }
    }
    return leaves;
  }
}

function checkSize(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`MerkleTree: bad tree size ${n}`);
}
