import canonicalize from 'canonicalize';
import { decodeBase64Strict, encodeBase64 } from './base64';
import { verifyCheckpoint } from './checkpoint';
import { decodeLeaf } from './leaf';
import type { LeafEvent } from './leaf';
import { HASH_SIZE, hashLeaf, verifyInclusion } from './merkle';
import { parseVerifierKey } from './signed-note';
import { parseKeyHistory, singleKeyHistory, verifyCheckpointWithHistory, verifyKeyHistory } from './key-history';
import type { Checkpoint } from './checkpoint';
import type { VerifiedKeyHistory } from './key-history';

/**
 * Custody bundle: one record's whole custody history with everything needed to check it offline,
 * without the database and without trusting the server.
 *
 * It has exactly one byte form (JCS plus a final newline), and the verifier insists on it, so
 * that changing any byte of the file, even whitespace, is detected rather than shrugged off.
 */

export const BUNDLE_FORMAT = 'safekeep-custody-bundle/v1';

export interface BundleEntry {
  /** Leaf index in the log. */
  index: number;
  /** Base64 of the exact leaf bytes. */
  leaf: string;
  /** Base64 hashes of the inclusion proof against the bundle's checkpoint. */
  proof: string[];
}

export interface CustodyBundle {
  format: typeof BUNDLE_FORMAT;
  origin: string;
  verifier_key: string;
  /** The signed checkpoint note, whole. */
  checkpoint: string;
  record: string;
  entries: BundleEntry[];
}

export type BundleVerification =
  | { ok: true; record: string; size: number; entries: LeafEvent[] }
  | { ok: false; error: string };

const BUNDLE_KEYS = ['checkpoint', 'entries', 'format', 'origin', 'record', 'verifier_key'];
const ENTRY_KEYS = ['index', 'leaf', 'proof'];

/** Assembles a bundle from raw bytes (leaf bytes and proof hashes as read from the log). */
export function makeBundle(parts: {
  origin: string;
  verifierKey: string;
  checkpoint: string;
  record: string;
  entries: ReadonlyArray<{ index: number; leaf: Uint8Array; proof: readonly Uint8Array[] }>;
}): CustodyBundle {
  return {
    format: BUNDLE_FORMAT,
    origin: parts.origin,
    verifier_key: parts.verifierKey,
    checkpoint: parts.checkpoint,
    record: parts.record,
    entries: parts.entries.map((e) => ({ index: e.index, leaf: encodeBase64(e.leaf), proof: e.proof.map((h) => encodeBase64(h)) })),
  };
}

export function serializeBundle(bundle: CustodyBundle): string {
  const json = canonicalize(bundle);
  if (json === undefined) throw new Error('bundle: cannot be serialized');
  return `${json}\n`;
}

export interface BundleTrust {
  /** The verifier key the auditor trusts; without it, the key inside the bundle is used. */
  trustedKey?: string;
  /**
   * The office's key history (file text, or verified): lets a bundle signed by a retired key be
   * checked against a trusted newer key, and the other way round.
   */
  keyHistory?: string | VerifiedKeyHistory;
}

/** Checks a bundle file. Never throws: any problem is reported as { ok: false, error }. */
export function verifyBundle(input: string | Uint8Array, options: BundleTrust = {}): BundleVerification {
  try {
    return { ok: true, ...check(input, options) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function check(input: string | Uint8Array, trust: BundleTrust): { record: string; size: number; entries: LeafEvent[] } {
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('bundle is not valid JSON');
  }
  const bundle = checkShape(parsed);
  if (serializeBundle(bundle) !== text) {
    throw new Error('bundle is not in its canonical form (RFC 8785 JSON plus a final newline): it was altered');
  }
  if (bundle.format !== BUNDLE_FORMAT) throw new Error(`unknown bundle format ${JSON.stringify(bundle.format)}`);

  const checkpoint = trust.keyHistory === undefined ? checkSignedByTrusted(bundle, trust.trustedKey) : checkSignedPerHistory(bundle, trust.keyHistory, trust.trustedKey);
  if (checkpoint.origin !== bundle.origin) throw new Error('the bundle origin differs from the checkpoint origin');
  if (bundle.entries.length === 0) throw new Error('the bundle has no entries');

  const events: LeafEvent[] = [];
  let previousIndex = -1;
  let previousLeafHash: Buffer | undefined;
  bundle.entries.forEach((entry, i) => {
    const where = `entries[${i}]`;
    if (entry.index <= previousIndex) throw new Error(`${where}: indexes must strictly increase`);
    if (entry.index >= checkpoint.size) throw new Error(`${where}: index ${entry.index} is beyond the checkpoint size ${checkpoint.size}`);
    const leaf = decodeBase64Strict(entry.leaf);
    if (leaf === null) throw new Error(`${where}: leaf is not canonical base64`);
    let event: LeafEvent;
    try {
      event = decodeLeaf(leaf);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
    }
    if (event.record !== bundle.record) throw new Error(`${where}: the event is not about record ${bundle.record}`);
    const proof = entry.proof.map((h, j) => {
      const bytes = decodeBase64Strict(h);
      if (bytes === null || bytes.length !== HASH_SIZE) throw new Error(`${where}: proof[${j}] is not a base64 SHA-256 hash`);
      return bytes;
    });
    const leafHash = hashLeaf(leaf);
    if (!verifyInclusion(entry.index, checkpoint.size, leafHash, proof, checkpoint.root)) {
      throw new Error(`${where}: the inclusion proof does not verify against the checkpoint`);
    }
    // The per-record chain is what shows nothing was left out between the first and last entry.
    if (event.record_seq !== i + 1) throw new Error(`${where}: record_seq is ${String(event.record_seq)}, expected ${i + 1}`);
    const expectedPrev = previousLeafHash?.toString('hex');
    if (event.record_prev !== expectedPrev) {
      throw new Error(
        expectedPrev === undefined
          ? `${where}: the first entry of a record must not have record_prev`
          : `${where}: record_prev does not match the leaf hash of the previous entry`,
      );
    }
    events.push(event);
    previousIndex = entry.index;
    previousLeafHash = leafHash;
  });
  return { record: bundle.record, size: checkpoint.size, entries: events };
}

function checkSignedByTrusted(bundle: CustodyBundle, trustedKey: string | undefined): Checkpoint {
  const key = parseVerifierKey(bundle.verifier_key);
  if (trustedKey !== undefined && bundle.verifier_key !== trustedKey) {
    throw new Error('the bundle is signed with a key other than the trusted one (if the office rotated its key since, give its key history)');
  }
  return verifyCheckpoint(bundle.checkpoint, key);
}

/** The bundle's key must be the one the history says signs checkpoints of that size. */
function checkSignedPerHistory(bundle: CustodyBundle, keyHistory: string | VerifiedKeyHistory, trustedKey: string | undefined): Checkpoint {
  let history: VerifiedKeyHistory;
  if (typeof keyHistory === 'string') {
    const parsed = parseKeyHistory(keyHistory);
    history = parsed.rotations.length === 0 ? singleKeyHistory(trustedKey ?? bundle.verifier_key) : verifyKeyHistory(parsed);
  } else history = keyHistory;
  if (trustedKey !== undefined && !history.keys.has(trustedKey)) throw new Error('the trusted key is not in the key history');
  if (!history.keys.has(bundle.verifier_key)) throw new Error('the bundle is signed with a key that is not in the key history');
  const checkpoint = verifyCheckpointWithHistory(bundle.checkpoint, history);
  // The key the bundle names must itself have signed (at a transition size, either key may be named).
  verifyCheckpoint(bundle.checkpoint, parseVerifierKey(bundle.verifier_key), { allowOtherSignatures: true });
  return checkpoint;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error('bundle is not valid UTF-8');
  }
}

/** Checks types and the exact key sets; extra keys would otherwise survive the canonical-form check. */
function checkShape(value: unknown): CustodyBundle {
  if (!isObject(value) || !hasExactKeys(value, BUNDLE_KEYS)) {
    throw new Error(`a bundle is an object with exactly the keys ${BUNDLE_KEYS.join(', ')}`);
  }
  for (const field of ['format', 'origin', 'verifier_key', 'checkpoint', 'record']) {
    if (typeof value[field] !== 'string') throw new Error(`bundle field ${field} must be a string`);
  }
  const entries = value.entries;
  if (!Array.isArray(entries)) throw new Error('bundle field entries must be an array');
  entries.forEach((entry: unknown, i) => {
    if (!isObject(entry) || !hasExactKeys(entry, ENTRY_KEYS)) throw new Error(`entries[${i}] must have exactly the keys ${ENTRY_KEYS.join(', ')}`);
    if (typeof entry.index !== 'number' || !Number.isSafeInteger(entry.index) || entry.index < 0) {
      throw new Error(`entries[${i}].index must be a non-negative integer`);
    }
    if (typeof entry.leaf !== 'string') throw new Error(`entries[${i}].leaf must be a string`);
    if (!Array.isArray(entry.proof) || !entry.proof.every((h) => typeof h === 'string')) {
      throw new Error(`entries[${i}].proof must be an array of strings`);
    }
  });
  return value as unknown as CustodyBundle;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value).sort();
  return own.length === keys.length && own.every((k, i) => k === keys[i]);
}
