import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashLeaf } from '../../server/custody-log/merkle';

/** Repository root, from this file's location rather than the working directory. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared RFC 6962 vectors live next to the repository, not inside it. */
export const vectorsDir = path.resolve(projectRoot, '../shared/vectors/rfc6962');

/** The leaf inputs of the transparency-dev/merkle vectors (and of RFC 6962's own test data). */
export const VECTOR_LEAVES_HEX = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];

export const vectorLeafHashes = (): Buffer[] => VECTOR_LEAVES_HEX.map((hex) => hashLeaf(Buffer.from(hex, 'hex')));

/** Deterministic PRNG (mulberry32), so a failing random case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInt = (rand: () => number, below: number): number => Math.floor(rand() * below);

export const randomLeafHashes = (n: number): Buffer[] => Array.from({ length: n }, () => hashLeaf(randomBytes(1 + (n % 40))));

/** A copy of `bytes` with one bit flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  const i = Math.floor(bit / 8) % copy.length;
  copy[i] = (copy[i] ?? 0) ^ (1 << bit % 8);
  return copy;
}
