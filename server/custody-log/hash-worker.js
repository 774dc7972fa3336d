// Worker thread of `log verify` (started by leaf-hasher.ts): the RFC 6962 hashing, so that it runs
// on the second core while the main thread reads and checks the rows. Plain JavaScript on purpose:
// a worker does not inherit the parent's TypeScript loader, and this one starts in a few ms.
//
// workerData: { sizes: number[] }, the signed checkpoint sizes in ascending order.
// In:  { bytes: Uint8Array, offsets: Uint32Array } per page: leaf i is 0x00 followed by its bytes,
//      at bytes[offsets[i], offsets[i + 1]) (the whole RFC 6962 leaf hash input).
// Out: { hashes: Uint8Array, roots: [size, Uint8Array][] } per page, in order: the 32-byte leaf
//      hashes one after the other, and the tree root after each leaf that makes a checkpoint size;
//      or { error: string } once, after which nothing else is answered.
import * as crypto from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

// A one-shot digest into a binary string costs a fraction of one into a new Buffer (whose own
// backing store the GC must track and sweep); crypto.hash exists from Node 20.12.
const digest =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'latin1')
    : (data) => crypto.createHash('sha256').update(data).digest('latin1');

const nodeInput = Buffer.alloc(65);
nodeInput[0] = 0x01;

/** RFC 6962 interior node hash of two binary-string hashes. */
function hashChildren(left, right) {
  nodeInput.write(left, 1, 32, 'latin1');
  nodeInput.write(right, 33, 32, 'latin1');
  return digest(nodeInput);
}

// The frontier (as in frontier.ts): roots of the complete subtrees the leaves so far split into,
// largest first; each trailing 1 bit of the size is merged away on append, like adding 1.
const nodes = [];
let size = 0;
const sizes = workerData.sizes;
let nextSize = 0;

/** The root of the tree so far, as 32 bytes of their own (cloned to the main thread). */
function root() {
  let acc = nodes[nodes.length - 1];
  for (let i = nodes.length - 2; i >= 0; i--) acc = hashChildren(nodes[i], acc);
  const bytes = Buffer.alloc(32);
  bytes.write(acc, 0, 32, 'latin1');
  return bytes;
}

let failed = false;

parentPort.on('message', ({ bytes, offsets }) => {
  if (failed) return;
  try {
    const count = offsets.length - 1;
    const hashes = Buffer.alloc(32 * count); // never pooled: its ArrayBuffer is transferred back
    const roots = [];
    for (let i = 0; i < count; i++) {
      const leafHash = digest(bytes.subarray(offsets[i], offsets[i + 1]));
      hashes.write(leafHash, 32 * i, 32, 'latin1');
      let node = leafHash;
      for (let s = size; s % 2 === 1; s = (s - 1) / 2) node = hashChildren(nodes.pop(), node);
      nodes.push(node);
      size += 1;
      while (nextSize < sizes.length && sizes[nextSize] <= size) {
        if (sizes[nextSize] === size) roots.push([size, root()]);
        nextSize++;
      }
    }
    parentPort.postMessage({ hashes, roots }, [hashes.buffer]);
  } catch (err) {
    failed = true;
    parentPort.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
