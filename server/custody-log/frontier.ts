import { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf } from './merkle';

/**
 * The right edge of an append-only Merkle tree (a "compact range" starting at leaf 0): the roots
 * of the complete subtrees that the binary form of `size` splits the leaves into, largest first.
 * That is all it takes to know the root after each append, without keeping a single leaf, so the
 * writer can sign checkpoints and a verifier can stream millions of stored leaves in O(log n)
 * memory.
 */
export class MerkleFrontier {
  #size: number;
  // nodes[i] covers the i-th block of leaves; block sizes are the set bits of #size, descending.
  readonly #nodes: Buffer[];

  constructor() {
    this.#size = 0;
    this.#nodes = [];
  }

  /**
   * Resume from a stored frontier (e.g. read back with `nodes` at the last checkpoint) instead of
   * re-hashing the whole log. There must be exactly one 32-byte hash per set bit of `size`.
   */
  static restore(size: number, nodes: readonly Uint8Array[]): MerkleFrontier {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`frontier: bad size ${size}`);
    if (nodes.length !== countOnes(size)) {
      throw new RangeError(`frontier: a tree of ${size} leaves has ${countOnes(size)} frontier nodes, got ${nodes.length}`);
    }
    const frontier = new MerkleFrontier();
    for (const node of nodes) {
      if (node.length !== HASH_SIZE) throw new RangeError(`frontier: nodes must be ${HASH_SIZE}-byte hashes`);
      frontier.#nodes.push(Buffer.from(node));
    }
    frontier.#size = size;
    return frontier;
  }

  get size(): number {
    return this.#size;
  }

  /** Copies of the frontier nodes, largest subtree first: what `restore` takes back. */
  get nodes(): Buffer[] {
    return this.#nodes.map((node) => Buffer.from(node));
  }

  /** Appends one leaf by its RFC 6962 leaf hash. O(1) amortized: one node merge per append on average. */
  appendHash(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`frontier: leaf hashes must be ${HASH_SIZE} bytes`);
    this.#appendOwned(Buffer.from(leafHash));
  }

  /** Appends one leaf by its bytes (hashes them first). */
  appendLeaf(leaf: Uint8Array): Buffer {
    const leafHash = hashLeaf(leaf);
    // hashLeaf returns a fresh buffer, so skip the defensive copy appendHash would make.
    this.#appendOwned(leafHash);
    return leafHash;
  }

  /** The root of the tree of all leaves appended so far, in O(log n) hashes. */
  root(): Buffer {
    const nodes = this.#nodes;
    if (nodes.length === 0) return Buffer.from(EMPTY_ROOT);
    // RFC 6962 puts the largest complete subtree on the left at every level, so the root folds
    // the frontier from the smallest (rightmost) node up.
    let acc = nodes[nodes.length - 1] as Buffer;
    for (let i = nodes.length - 2; i >= 0; i--) acc = hashChildren(nodes[i] as Buffer, acc);
    return Buffer.from(acc);
  }

  clone(): MerkleFrontier {
    return MerkleFrontier.restore(this.#size, this.#nodes);
  }

  #appendOwned(leafHash: Buffer): void {
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('frontier: tree is full');
    let node = leafHash;
    // Each trailing 1 bit of the old size is a complete subtree of the same height as the one
    // being carried: merge them, exactly like binary addition of 1.
    for (let s = this.#size; s % 2 === 1; s = (s - 1) / 2) {
      node = hashChildren(this.#nodes.pop() as Buffer, node);
    }
    this.#nodes.push(node);
    this.#size += 1;
  }
}

function countOnes(n: number): number {
  let count = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) count += x % 2;
  return count;
}
