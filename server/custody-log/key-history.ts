import canonicalize from 'canonicalize';
import { decodeBase64Strict } from './base64';
import { claimedCheckpoint, verifyCheckpointByAll } from './checkpoint';
import type { Checkpoint } from './checkpoint';
import { decodeLeaf } from './leaf';
import { HASH_SIZE, hashLeaf, verifyInclusion } from './merkle';
import { parseVerifierKey } from './signed-note';
import type { VerifierKey } from './signed-note';

/**
 * The log's key history: every rotation of the checkpoint signing key, each with the proof that
 * both the retiring and the new key stood behind it. It lets anyone check, offline, a checkpoint
 * signed by a retired key while trusting only the current key (or any earlier one).
 *
 * Each rotation carries:
 * - the transition checkpoint, one C2SP note signed by the old AND the new key;
 * - the `log.key_rotated` leaf (naming both keys) with its inclusion proof against that checkpoint.
 * So the old key signed a tree that hands over to the new key, and the new key signed the same tree
 * naming its predecessor: trust in any key of the chain extends to all of them. Nothing in the file
 * is taken on its word, so editing, reordering or dropping a rotation is detected.
 *
 * Validity: the first key signs sizes 0..N1, where N1 is the first transition checkpoint; the next
 * key signs N1..N2, and so on; a transition size is signed by both. The file has one byte form
 * (JCS plus a final newline), like bundles.
 */

export const KEY_HISTORY_FORMAT = 'safekeep-key-history/v1';
export const KEY_ROTATED_EVENT = 'log.key_rotated';

export interface KeyRotationRecord {
  old_key: string;
  new_key: string;
  /** Log index of the `log.key_rotated` entry. */
  index: number;
  /** Base64 of its exact leaf bytes. */
  leaf: string;
  /** Base64 inclusion proof of that leaf against `checkpoint`. */
  proof: string[];
  /** The transition checkpoint note, signed by old_key and new_key. */
  checkpoint: string;
}

export interface KeyHistory {
  format: typeof KEY_HISTORY_FORMAT;
  rotations: KeyRotationRecord[];
}

/** When one key may sign: checkpoints of sizes fromSize..untilSize (no end while current). */
export interface KeyPeriod {
  verifierKey: string;
  fromSize: number;
  untilSize: number | null;
  /** ts_server of the rotation that made it current; null for the first key. */
  since: string | null;
  /** ts_server of the rotation that retired it; null while current. */
  retiredAt: string | null;
}

/** A key history whose every signature and proof was checked. */
export interface VerifiedKeyHistory {
  history: KeyHistory;
  periods: readonly KeyPeriod[];
  /** Transition checkpoint notes by tree size. */
  transitions: ReadonlyMap<number, string>;
  /** Every key of the history, parsed, by verifier key string. */
  keys: ReadonlyMap<string, VerifierKey>;
}

const HISTORY_KEYS = ['format', 'rotations'];
const ROTATION_KEYS = ['checkpoint', 'index', 'leaf', 'new_key', 'old_key', 'proof'];

export function emptyKeyHistory(): KeyHistory {
  return { format: KEY_HISTORY_FORMAT, rotations: [] };
}

export function serializeKeyHistory(history: KeyHistory): string {
  const json = canonicalize(history);
  if (json === undefined) throw new Error('key history: cannot be serialized');
  return `${json}\n`;
}

/** Parses the file's text; insists on its one byte form so that no change goes unnoticed. */
export function parseKeyHistory(text: string): KeyHistory {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('key history: not valid JSON');
  }
  if (!isObject(parsed) || !hasExactKeys(parsed, HISTORY_KEYS)) throw new Error(`key history: expected exactly the keys ${HISTORY_KEYS.join(', ')}`);
  if (parsed.format !== KEY_HISTORY_FORMAT) throw new Error(`key history: unknown format ${JSON.stringify(parsed.format)}`);
  if (!Array.isArray(parsed.rotations)) throw new Error('key history: rotations must be an array');
  parsed.rotations.forEach((r: unknown, i) => checkRotationShape(r, `rotations[${i}]`));
  const history = parsed as unknown as KeyHistory;
  if (serializeKeyHistory(history) !== text) throw new Error('key history: not in its canonical form (RFC 8785 JSON plus a final newline): it was altered');
  return history;
}

/**
 * Checks every rotation and returns when each key was valid. `currentKey`, when given, must be the
 * history's last key (the only one when nothing was rotated yet).
 */
export function verifyKeyHistory(history: KeyHistory, currentKey?: string): VerifiedKeyHistory {
  const { rotations } = history;
  const first = rotations[0]?.old_key ?? currentKey;
  if (first === undefined) throw new Error('key history: no rotations and no current key');
  const keys = new Map<string, VerifierKey>([[first, parseKeyWithContext(first, 'the first key')]]);
  const periods: KeyPeriod[] = [{ verifierKey: first, fromSize: 0, untilSize: null, since: null, retiredAt: null }];
  const transitions = new Map<number, string>();
  let origin: string | undefined;
  rotations.forEach((rotation, i) => {
    const where = `key history: rotations[${i}]`;
    const current = periods[periods.length - 1]!;
    if (rotation.old_key !== current.verifierKey) throw new Error(`${where}: old_key is not the key the previous rotation made current`);
    if (keys.has(rotation.new_key)) throw new Error(`${where}: new_key was already used before`);
    const oldKey = keys.get(rotation.old_key)!;
    const newKey = parseKeyWithContext(rotation.new_key, `${where}.new_key`);
    let checkpoint: Checkpoint;
    try {
      checkpoint = verifyCheckpointByAll(rotation.checkpoint, [oldKey, newKey]);
    } catch (error) {
      throw new Error(`${where}: the transition checkpoint must be signed by the old and the new key: ${(error as Error).message}`, { cause: error });
    }
    if (origin !== undefined && checkpoint.origin !== origin) throw new Error(`${where}: the checkpoint is of another log (${checkpoint.origin})`);
    origin = checkpoint.origin;
    if (checkpoint.size <= current.fromSize) throw new Error(`${where}: the transition checkpoint does not come after the previous one`);
    const rotatedAt = checkRotationEntry(rotation, checkpoint, where);
    current.untilSize = checkpoint.size;
    current.retiredAt = rotatedAt;
    keys.set(rotation.new_key, newKey);
    periods.push({ verifierKey: rotation.new_key, fromSize: checkpoint.size, untilSize: null, since: rotatedAt, retiredAt: null });
    transitions.set(checkpoint.size, rotation.checkpoint);
  });
  if (currentKey !== undefined && periods[periods.length - 1]!.verifierKey !== currentKey) {
    throw new Error('key history: its last key is not the current signing key');
  }
  return { history, periods, transitions, keys };
}

/** The history of a log whose key was never rotated. */
export function singleKeyHistory(verifierKey: string): VerifiedKeyHistory {
  return verifyKeyHistory(emptyKeyHistory(), verifierKey);
}

/**
 * Verifies a stored checkpoint against the key valid at its size. At a transition size, it must be
 * the history's transition checkpoint itself. Signature lines by other keys of the history are
 * accepted if valid (a transition begun but interrupted leaves one signed by both keys); lines by
 * keys outside the history are refused.
 */
export function verifyCheckpointWithHistory(note: string, verified: VerifiedKeyHistory): Checkpoint {
  const claimed = claimedCheckpoint(note);
  const transition = verified.transitions.get(claimed.size);
  if (transition !== undefined) {
    if (note !== transition) throw new Error(`checkpoint ${claimed.size} is not the key rotation's transition checkpoint in the key history`);
    return claimed;
  }
  const period = keyPeriodAt(verified, claimed.size);
  const required = verified.keys.get(period.verifierKey)!;
  const permitted = [...verified.keys.values()].filter((k) => k !== required);
  return verifyCheckpointByAll(note, [required], permitted);
}

/** The key that signs checkpoints of `size` (the newer one at a transition size). */
export function keyPeriodAt(verified: VerifiedKeyHistory, size: number): KeyPeriod {
  for (let i = verified.periods.length - 1; i >= 0; i--) {
    const period = verified.periods[i]!;
    if (period.fromSize <= size) return period;
  }
  return verified.periods[0]!;
}

function checkRotationEntry(rotation: KeyRotationRecord, checkpoint: Checkpoint, where: string): string {
  const leaf = decodeBase64Strict(rotation.leaf);
  if (leaf === null) throw new Error(`${where}: leaf is not canonical base64`);
  const event = decodeLeaf(leaf);
  if (event.type !== KEY_ROTATED_EVENT || event.old_key !== rotation.old_key || event.new_key !== rotation.new_key) {
    throw new Error(`${where}: the log entry is not a ${KEY_ROTATED_EVENT} from old_key to new_key`);
  }
  if (typeof event.ts_server !== 'string') throw new Error(`${where}: the log entry has no ts_server`);
  const proof = rotation.proof.map((h) => decodeBase64Strict(h));
  if (proof.some((h) => h === null || h.length !== HASH_SIZE)) throw new Error(`${where}: the proof holds something other than base64 SHA-256 hashes`);
  if (rotation.index >= checkpoint.size || !verifyInclusion(rotation.index, checkpoint.size, hashLeaf(leaf), proof as Buffer[], checkpoint.root)) {
    throw new Error(`${where}: the log entry's inclusion proof does not verify against the transition checkpoint`);
  }
  return event.ts_server;
}

function parseKeyWithContext(text: string, what: string): VerifierKey {
  try {
    return parseVerifierKey(text);
  } catch (error) {
    throw new Error(`key history: ${what}: ${(error as Error).message}`, { cause: error });
  }
}

function checkRotationShape(value: unknown, where: string): void {
  if (!isObject(value) || !hasExactKeys(value, ROTATION_KEYS)) throw new Error(`key history: ${where} must have exactly the keys ${ROTATION_KEYS.join(', ')}`);
  for (const field of ['old_key', 'new_key', 'leaf', 'checkpoint']) {
    if (typeof value[field] !== 'string') throw new Error(`key history: ${where}.${field} must be a string`);
  }
  if (typeof value.index !== 'number' || !Number.isSafeInteger(value.index) || value.index < 0) throw new Error(`key history: ${where}.index must be a non-negative integer`);
  if (!Array.isArray(value.proof) || !value.proof.every((h) => typeof h === 'string')) throw new Error(`key history: ${where}.proof must be an array of strings`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value).sort();
  return own.length === keys.length && own.every((k, i) => k === keys[i]);
}
