import { Worker } from 'node:worker_threads';
import type { LogRow } from './log-store';

/** The hashing of one page of rows, done by hash-worker.js. */
export interface HashedPage {
  /** The RFC 6962 leaf hash of row i is hashes[32i, 32i + 32). */
  hashes: Buffer;
  /** The tree root right after the row that brings the tree to each signed checkpoint size in this page. */
  roots: Map<number, Buffer>;
}

interface WorkerReply {
  hashes?: Uint8Array;
  roots?: Array<[number, Uint8Array]>;
  error?: string;
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The caller may stop (at a tampered row) before it reads every answer: none may go unhandled. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Leaf hashes and Merkle roots of the stored log, computed page by page in a worker thread
 * (hash-worker.js) so that `log verify` uses both cores: the main thread reads and checks rows
 * while the worker hashes the next page. Pages must be handed over in log order, each once; the
 * answers come back in the same order. close() must always be called: it ends the worker.
 */
export class LeafHasher {
  readonly #worker: Worker;
  readonly #waiting: Array<{ resolve(page: HashedPage): void; reject(err: Error): void }> = [];
  #failure: Error | null = null;
  #closed = false;

  /** `sizes`: the signed checkpoint sizes, in ascending order. */
  constructor(sizes: readonly number[]) {
    this.#worker = new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: { sizes: [...sizes] } });
    this.#worker.on('message', (reply: WorkerReply) => {
      if (reply.error !== undefined || !reply.hashes || !reply.roots) {
        this.#fail(new Error(`log verify: the hashing worker failed: ${reply.error ?? 'malformed reply'}`));
        return;
      }
      const roots = new Map(reply.roots.map(([size, root]) => [size, asBuffer(root)] as const));
      this.#waiting.shift()?.resolve({ hashes: asBuffer(reply.hashes), roots });
    });
    this.#worker.on('error', (err) => this.#fail(new Error(`log verify: the hashing worker failed: ${err.message}`, { cause: err })));
    this.#worker.on('exit', (code) => {
      if (!this.#closed) this.#fail(new Error(`log verify: the hashing worker exited (code ${code})`));
    });
  }

  /** Hands over the next page; resolves with its hashes once the worker got to it. */
  hash(rows: readonly LogRow[]): Promise<HashedPage> {
    if (this.#failure) return handled(Promise.reject(this.#failure));
    if (this.#closed) return handled(Promise.reject(new Error('log verify: the hashing worker was closed')));
    // One copy into a buffer of its own, 0x00 before each leaf: the hash input, ready to transfer.
    let total = 0;
    for (const row of rows) total += 1 + row.leaf.length;
    const bytes = new Uint8Array(total);
    const offsets = new Uint32Array(rows.length + 1);
    let at = 0;
    for (let i = 0; i < rows.length; i++) {
      const leaf = rows[i]!.leaf;
      offsets[i] = at;
      bytes.set(leaf, at + 1);
      at += 1 + leaf.length;
    }
    offsets[rows.length] = at;
    const hashed = handled(new Promise<HashedPage>((resolve, reject) => this.#waiting.push({ resolve, reject })));
    this.#worker.postMessage({ bytes, offsets }, [bytes.buffer, offsets.buffer]);
    return hashed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#worker.terminate();
    this.#fail(new Error('log verify: the hashing worker was closed'));
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    for (const waiting of this.#waiting.splice(0)) waiting.reject(this.#failure);
  }
}
