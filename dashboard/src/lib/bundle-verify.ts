/**
 * Custody-bundle verification in the browser, with WebCrypto: the same checks, in the same order,
 * as server/custody-log/bundle.ts verifyBundle (which needs node:crypto and Buffer, so it cannot be
 * bundled). test/dashboard/bundle-verify.test.ts holds the two to the same verdict on real bundles
 * and on thousands of altered ones.
 *
 *  - the file is in its one canonical form (RFC 8785 JSON plus a final newline), exact key sets;
 *  - the checkpoint is a C2SP signed note with one Ed25519 signature by the bundle's verifier key
 *    (and that key is the trusted one, when given), and its origin is the bundle's;
 *  - every leaf is canonical (`safekeep/event/v1\n` + JCS), is about the bundle's record, and its
 *    RFC 6962 inclusion proof leads to the checkpoint's root;
 *  - the record chain is complete: record_seq 1..n, each record_prev the previous leaf's hash.
 *
 * If this browser has no Ed25519 in WebCrypto, everything but the signature is checked here and
 * the result says so (`signature: 'unsupported'`): the server signed and checked the checkpoint.
 */
import canonicalize from 'canonicalize';
import type { CustodyBundle, LeafEvent } from '../api/types';
import { hasUnsafeChars } from '../../../server/custody-log/text';
import { bytesEqual, concatBytes, decodeBase64Strict, decodeUtf8, sha256, toHex, utf8 } from './bytes';

export const BUNDLE_FORMAT = 'safekeep-custody-bundle/v1';
const LEAF_PREFIX = 'safekeep/event/v1\n';
const HASH_SIZE = 32;
const SIG_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;
const BUNDLE_KEYS = ['checkpoint', 'entries', 'format', 'origin', 'record', 'verifier_key'];
const ENTRY_KEYS = ['index', 'leaf', 'proof'];

export interface VerifiedEntry {
  index: number;
  event: LeafEvent;
  /** Hex RFC 6962 leaf hash. */
  leafHash: string;
}

export type BrowserVerification =
  | {
      ok: true;
      record: string;
      /** Size of the signed checkpoint the entries are proven against. */
      size: number;
      origin: string;
      keyName: string;
      /** 'verified': checked here with Ed25519; 'unsupported': this browser cannot, the server did. */
      signature: 'verified' | 'unsupported';
      entries: VerifiedEntry[];
    }
  | { ok: false; error: string };

class VerifyError extends Error {}
const fail = (message: string): never => {
  throw new VerifyError(message);
};

/** Checks a bundle file. Never throws: any problem is reported as { ok: false, error }. */
export async function verifyBundleText(
  input: string | Uint8Array,
  options: { trustedKey?: string; subtle?: SubtleCrypto } = {},
): Promise<BrowserVerification> {
  const subtle = options.subtle ?? globalThis.crypto?.subtle;
  if (!subtle) return { ok: false, error: 'this browser has no WebCrypto (a secure context is needed: https or localhost)' };
  try {
    return await check(input, options.trustedKey, subtle);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

async function check(input: string | Uint8Array, trustedKey: string | undefined, subtle: SubtleCrypto): Promise<BrowserVerification> {
  const text = typeof input === 'string' ? input : (decodeUtf8(input) ?? fail('bundle is not valid UTF-8'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail('bundle is not valid JSON');
  }
  const bundle = checkShape(parsed);
  if (`${canonicalize(bundle)}\n` !== text) {
    fail('bundle is not in its canonical form (RFC 8785 JSON plus a final newline): it was altered');
  }
  if (bundle.format !== BUNDLE_FORMAT) fail(`unknown bundle format ${JSON.stringify(bundle.format)}`);

  const key = await parseVerifierKey(bundle.verifier_key, subtle);
  if (trustedKey !== undefined && bundle.verifier_key !== trustedKey) fail('the bundle is signed with a key other than the trusted one');
  const { body, signature } = await verifySignedNote(bundle.checkpoint, key, subtle);
  const checkpoint = parseCheckpointBody(body);
  if (checkpoint.origin !== bundle.origin) fail('the bundle origin differs from the checkpoint origin');
  if (bundle.entries.length === 0) fail('the bundle has no entries');

  const entries: VerifiedEntry[] = [];
  let previousIndex = -1;
  let previousLeafHash: string | undefined;
  for (const [i, entry] of bundle.entries.entries()) {
    const where = `entries[${i}]`;
    if (entry.index <= previousIndex) fail(`${where}: indexes must strictly increase`);
    if (entry.index >= checkpoint.size) fail(`${where}: index ${entry.index} is beyond the checkpoint size ${checkpoint.size}`);
    const leaf = decodeBase64Strict(entry.leaf) ?? fail(`${where}: leaf is not canonical base64`);
    let event: LeafEvent;
    try {
      event = decodeLeaf(leaf);
    } catch (err) {
      return fail(`${where}: ${(err as Error).message}`);
    }
    if (event.record !== bundle.record) fail(`${where}: the event is not about record ${bundle.record}`);
    const proof = entry.proof.map((h, j) => {
      const bytes = decodeBase64Strict(h);
      if (bytes === null || bytes.length !== HASH_SIZE) fail(`${where}: proof[${j}] is not a base64 SHA-256 hash`);
      return bytes as Uint8Array;
    });
    const leafHash = await sha256(subtle, concatBytes(Uint8Array.of(0x00), leaf));
    if (!(await verifyInclusion(subtle, entry.index, checkpoint.size, leafHash, proof, checkpoint.root))) {
      fail(`${where}: the inclusion proof does not verify against the checkpoint`);
    }
    if (event.record_seq !== i + 1) fail(`${where}: record_seq is ${String(event.record_seq)}, expected ${i + 1}`);
    if (event.record_prev !== previousLeafHash) {
      fail(
        previousLeafHash === undefined
          ? `${where}: the first entry of a record must not have record_prev`
          : `${where}: record_prev does not match the leaf hash of the previous entry`,
      );
    }
    previousIndex = entry.index;
    previousLeafHash = toHex(leafHash);
    entries.push({ index: entry.index, event, leafHash: previousLeafHash });
  }
  return { ok: true, record: bundle.record, size: checkpoint.size, origin: checkpoint.origin, keyName: key.name, signature, entries };
}

// ---- shape -------------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value).sort();
  return own.length === keys.length && own.every((k, i) => k === keys[i]);
}

function checkShape(value: unknown): CustodyBundle {
  if (!isObject(value) || !hasExactKeys(value, BUNDLE_KEYS)) fail(`a bundle is an object with exactly the keys ${BUNDLE_KEYS.join(', ')}`);
  const bundle = value as Record<string, unknown>;
  for (const field of ['format', 'origin', 'verifier_key', 'checkpoint', 'record']) {
    if (typeof bundle[field] !== 'string') fail(`bundle field ${field} must be a string`);
  }
  const entries = bundle.entries;
  if (!Array.isArray(entries)) return fail('bundle field entries must be an array');
  entries.forEach((entry: unknown, i) => {
    if (!isObject(entry) || !hasExactKeys(entry, ENTRY_KEYS)) fail(`entries[${i}] must have exactly the keys ${ENTRY_KEYS.join(', ')}`);
    const e = entry as Record<string, unknown>;
    if (typeof e.index !== 'number' || !Number.isSafeInteger(e.index) || e.index < 0) fail(`entries[${i}].index must be a non-negative integer`);
    if (typeof e.leaf !== 'string') fail(`entries[${i}].leaf must be a string`);
    if (!Array.isArray(e.proof) || !e.proof.every((h) => typeof h === 'string')) fail(`entries[${i}].proof must be an array of strings`);
  });
  return value as unknown as CustodyBundle;
}

// ---- text rules (hasUnsafeChars shared with the server; the key-name rule as in signed-note.ts) ----

const SPACE = /[\s\u0085]/u;
const isValidKeyName = (name: string) => name !== '' && !SPACE.test(name) && !name.includes('+') && !hasUnsafeChars(name, false);

interface VerifierKey {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

async function keyIdOf(subtle: SubtleCrypto, name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(subtle, concatBytes(utf8(name), Uint8Array.of(0x0a, 0x01), publicKey))).subarray(0, 4);
}

async function parseVerifierKey(text: string, subtle: SubtleCrypto): Promise<VerifierKey> {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) fail('verifier key: expected <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const keyData = decodeBase64Strict(text.slice(second + 1));
  if (!isValidKeyName(name)) fail(`verifier key: invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) fail('verifier key: the key id must be 8 lowercase hex digits');
  if (keyData === null) return fail('verifier key: the key is not canonical base64');
  if (keyData[0] !== 0x01) fail('verifier key: unknown algorithm (only Ed25519, 0x01)');
  if (keyData.length !== 33) fail('verifier key: an Ed25519 key is 32 bytes');
  const publicKey = keyData.subarray(1);
  const keyId = await keyIdOf(subtle, name, publicKey);
  if (toHex(keyId) !== idHex) fail('verifier key: the key id does not match the name and key');
  return { name, keyId, publicKey };
}

/** Ed25519 verification, or 'unsupported' when this browser's WebCrypto has no Ed25519. */
async function ed25519Verify(subtle: SubtleCrypto, publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean | 'unsupported'> {
  let key: CryptoKey;
  try {
    key = await subtle.importKey('raw', new Uint8Array(publicKey), { name: 'Ed25519' }, false, ['verify']);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotSupportedError') return 'unsupported';
    // Chromium without the algorithm throws NotSupportedError; a malformed point is a DataError.
    if (err instanceof DOMException && err.name === 'DataError') fail('verifier key: not a valid Ed25519 public key');
    return 'unsupported';
  }
  return subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(signature), new Uint8Array(message));
}

async function verifySignedNote(note: string, key: VerifierKey, subtle: SubtleCrypto): Promise<{ body: string; signature: 'verified' | 'unsupported' }> {
  if (typeof note !== 'string') fail('signed note: not a string');
  if (hasUnsafeChars(note, true)) fail('signed note: contains control characters or invalid Unicode');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) fail('signed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) fail('signed note: the signature block must end in a newline');
  if (text === '' || !text.endsWith('\n')) fail('signed note: the text must be non-empty and end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) fail('signed note: too many signatures');
  const keyIdHex = toHex(key.keyId);
  let verified = 0;
  let outcome: 'verified' | 'unsupported' = 'verified';
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line)) fail('signed note: duplicate signature line');
    seen.add(line);
    if (!line.startsWith(SIG_PREFIX)) fail('signed note: a signature line must start with "\u2014 "');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) fail('signed note: malformed signature line');
    const name = rest.slice(0, space);
    const blob = decodeBase64Strict(rest.slice(space + 1));
    if (!isValidKeyName(name)) fail('signed note: invalid key name in a signature line');
    if (blob === null || blob.length < 5) return fail('signed note: malformed signature in a signature line');
    const sigKeyId = toHex(blob.subarray(0, 4));
    const signature = blob.subarray(4);
    if (name !== key.name || sigKeyId !== keyIdHex) {
      fail(`signed note: signature by unknown key ${name}+${sigKeyId} (expected ${key.name}+${keyIdHex})`);
    }
    if (verified > 0) fail('signed note: more than one signature by the same key');
    const result = signature.length === 64 ? await ed25519Verify(subtle, key.publicKey, signature, utf8(text)) : false;
    if (result === false) fail(`signed note: invalid signature by ${key.name}`);
    if (result === 'unsupported') outcome = 'unsupported';
    verified++;
  }
  if (verified === 0) fail(`signed note: not signed by ${key.name}+${keyIdHex}`);
  return { body: text, signature: outcome };
}

function parseCheckpointBody(body: string): { origin: string; size: number; root: Uint8Array } {
  const lines = body.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') fail('checkpoint: expected origin, size and root lines');
  if (lines.length > 4) fail('checkpoint: unexpected lines after the root hash');
  const [origin, sizeText, rootText] = lines as [string, string, string, string];
  if (origin === '' || hasUnsafeChars(origin, false)) fail('checkpoint: invalid origin line');
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText)) fail(`checkpoint: the tree size ${JSON.stringify(sizeText)} is not a canonical decimal number`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) fail('checkpoint: the tree size is too large');
  const root = decodeBase64Strict(rootText);
  if (root === null || root.length !== HASH_SIZE) return fail('checkpoint: the root is not a canonical base64 SHA-256 hash');
  return { origin, size, root };
}

// ---- leaves (server/custody-log/leaf.ts) -------------------------------------------------------

const RFC3339_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d{1,9})?Z$/;
const HEX_HASH = /^[0-9a-f]{64}$/;
const STRING_FIELDS = ['type', 'ts_server', 'ts_device', 'device', 'actor', 'record', 'location', 'record_prev', 'reason'] as const;
const MAX_DEPTH = 32;

function isWellFormed(text: string): boolean {
  return !hasUnsafeSurrogate(text);
}
function hasUnsafeSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

function checkValue(value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) fail('leaf: a string has a lone surrogate');
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) fail(`leaf: numbers must be integers with |n| < 2^53, got ${String(value)}`);
      return;
    case 'object':
      break;
    default:
      fail(`leaf: a value of type ${typeof value} is not allowed`);
  }
  if (value === null) return;
  if (depth >= MAX_DEPTH) fail(`leaf: nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const item of value) checkValue(item, depth + 1);
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (!isWellFormed(key)) fail('leaf: a key has a lone surrogate');
    checkValue(item, depth + 1);
  }
}

/** The event in leaf bytes; refuses anything but the one canonical encoding of a valid event. */
export function decodeLeaf(bytes: Uint8Array): LeafEvent {
  const prefix = utf8(LEAF_PREFIX);
  if (bytes.length < prefix.length || !bytesEqual(bytes.subarray(0, prefix.length), prefix)) fail('leaf: missing the "safekeep/event/v1" prefix line');
  const text = decodeUtf8(bytes.subarray(prefix.length)) ?? fail('leaf: event is not valid UTF-8');
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    fail('leaf: event is not valid JSON');
  }
  if (!isObject(event)) return fail('leaf: an event must be a plain JSON object');
  checkValue(event, 0);
  for (const field of STRING_FIELDS) {
    if (event[field] !== undefined && typeof event[field] !== 'string') fail(`leaf: $.${field} must be a string`);
  }
  if (typeof event.type !== 'string' || event.type === '') fail('leaf: $.type is required');
  for (const field of ['ts_server', 'ts_device'] as const) {
    const value = event[field];
    if (value !== undefined && !RFC3339_UTC.test(value as string)) fail(`leaf: $.${field} must be an RFC 3339 UTC time ending in Z`);
  }
  const seq = event.record_seq;
  if (seq !== undefined && !(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1)) fail('leaf: $.record_seq must be an integer >= 1');
  if (event.record_prev !== undefined && !HEX_HASH.test(event.record_prev as string)) fail('leaf: $.record_prev must be 64 lowercase hex digits');
  const evidence = event.evidence;
  if (evidence !== undefined && (!Array.isArray(evidence) || evidence.some((id) => typeof id !== 'string' && typeof id !== 'number'))) {
    fail('leaf: $.evidence must be an array of ids (strings or integers)');
  }
  if (canonicalize(event) !== text) fail('leaf: event is not in canonical (RFC 8785) form');
  return event as LeafEvent;
}

// ---- RFC 9162 2.1.3.2 inclusion ----------------------------------------------------------------

async function verifyInclusion(subtle: SubtleCrypto, leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (leafIndex >= treeSize) return false;
  const node = (left: Uint8Array, right: Uint8Array) => sha256(subtle, concatBytes(Uint8Array.of(0x01), left, right));
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, root);
}
