import { createHash, createPublicKey, verify as ed25519Verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeBase64Strict, encodeBase64 } from './base64';
import { hasUnsafeChars } from './text';

/**
 * C2SP signed-note with Ed25519 keys, as golang.org/x/mod/sumdb/note writes them, so that
 * checkpoints can be checked with the Go tooling as well as with ours.
 *
 * A note is a text ending in a newline, a blank line, then lines
 * `— <key name> <base64(4-byte key id || signature)>`. Parsing is stricter than the Go package
 * where leniency would let two different byte strings carry the same meaning: lowercase hex
 * key ids only, canonical base64 only, and by default no signature lines but the expected key's.
 */

const ALG_ED25519 = 0x01;
const PUBLIC_KEY_SIZE = 32;
const SIGNATURE_SIZE = 64;
const SIG_PREFIX = '\u2014 '; // em dash, space
const MAX_SIGNATURES = 100;

export interface NoteSigner {
  /** Key name: non-empty, no whitespace, no '+'. */
  readonly name: string;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Ed25519 signature (64 bytes) of the message. */
  sign(message: Buffer): Buffer;
}

export interface VerifierKey {
  readonly name: string;
  /** 4 bytes: SHA-256(name || 0x0A || 0x01 || public key)[0..4]. */
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
  /** The `<name>+<hex id>+<base64 key>` form it was parsed from. */
  readonly text: string;
  readonly keyObject: KeyObject;
}

/** Go's unicode.IsSpace set: JavaScript's \s plus NEL (U+0085). */
const SPACE = /[\s\u0085]/u;

export function isValidKeyName(name: string): boolean {
  return name !== '' && !SPACE.test(name) && !name.includes('+') && !hasUnsafeChars(name, false);
}

export function keyIdOf(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.of(0x0a, ALG_ED25519))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export function verifierKeyString(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new Error(`signed note: invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== PUBLIC_KEY_SIZE) throw new Error('signed note: an Ed25519 public key is 32 bytes');
  const keyData = Buffer.concat([Buffer.of(ALG_ED25519), publicKey]);
  return `${name}+${keyIdOf(name, publicKey).toString('hex')}+${encodeBase64(keyData)}`;
}

/** Parses `<name>+<8 hex key id>+<base64(0x01 || public key)>`. Throws on anything else. */
export function parseVerifierKey(text: string): VerifierKey {
  if (typeof text !== 'string') throw new Error('verifier key: not a string');
  // The name can't contain '+', the base64 key can: split at the first two only.
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new Error('verifier key: expected <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const keyData = decodeBase64Strict(text.slice(second + 1));
  if (!isValidKeyName(name)) throw new Error(`verifier key: invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new Error('verifier key: the key id must be 8 lowercase hex digits');
  if (keyData === null) throw new Error('verifier key: the key is not canonical base64');
  if (keyData[0] !== ALG_ED25519) throw new Error('verifier key: unknown algorithm (only Ed25519, 0x01)');
  if (keyData.length !== 1 + PUBLIC_KEY_SIZE) throw new Error('verifier key: an Ed25519 key is 32 bytes');
  const publicKey = keyData.subarray(1);
  const keyId = keyIdOf(name, publicKey);
  if (keyId.toString('hex') !== idHex) throw new Error('verifier key: the key id does not match the name and key');
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
  } catch {
    throw new Error('verifier key: not a valid Ed25519 public key');
  }
  return { name, keyId, publicKey: Buffer.from(publicKey), text, keyObject };
}

/** Signs `text` (which must end in a newline) and returns the whole signed note. */
export function signNote(text: string, signer: NoteSigner): string {
  return signNoteByAll(text, [signer]);
}

/**
 * A note signed by several keys, one line each in the order given: a key rotation's transition
 * checkpoint carries the retiring key's and its successor's signatures on the same text.
 */
export function signNoteByAll(text: string, signers: readonly NoteSigner[]): string {
  checkNoteText(text);
  if (signers.length === 0) throw new Error('signed note: no signer');
  const lines = signers.map((signer) => {
    if (!isValidKeyName(signer.name)) throw new Error(`signed note: invalid key name ${JSON.stringify(signer.name)}`);
    const signature = signer.sign(Buffer.from(text, 'utf8'));
    if (signature.length !== SIGNATURE_SIZE) throw new Error('signed note: the signer did not return a 64-byte Ed25519 signature');
    const blob = Buffer.concat([keyIdOf(signer.name, signer.publicKey), signature]);
    return `${SIG_PREFIX}${signer.name} ${encodeBase64(blob)}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

export interface VerifyNoteOptions {
  /**
   * Accept (and ignore) well-formed signature lines by other keys, such as witness cosignatures.
   * Off by default: then the note must be exactly the text plus this key's one signature.
   */
  allowOtherSignatures?: boolean;
}

/** Verifies a signed note against one key and returns its text (ending in a newline). Throws on any problem. */
export function verifySignedNote(note: string, key: string | VerifierKey, options: VerifyNoteOptions = {}): string {
  const verifier = typeof key === 'string' ? parseVerifierKey(key) : key;
  return verifyNote(note, [verifier], [], options.allowOtherSignatures ?? false);
}

/**
 * Verifies a note that every `required` key must have signed. Lines by `permitted` keys must be
 * valid too (a rotation's successor key on an interrupted transition checkpoint); any other line
 * is refused. Returns the text.
 */
export function verifySignedNoteByAll(note: string, required: readonly VerifierKey[], permitted: readonly VerifierKey[] = []): string {
  if (required.length === 0) throw new Error('signed note: no required key');
  return verifyNote(note, required, permitted, false);
}

function verifyNote(note: string, required: readonly VerifierKey[], permitted: readonly VerifierKey[], allowOthers: boolean): string {
  if (typeof note !== 'string') throw new Error('signed note: not a string');
  if (hasUnsafeChars(note, true)) throw new Error('signed note: contains control characters or invalid Unicode');
  // The text may itself contain blank lines; signatures start after the last one.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('signed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new Error('signed note: the signature block must end in a newline');
  checkNoteText(text);
  const message = Buffer.from(text, 'utf8');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new Error('signed note: too many signatures');

  const known = [...required, ...permitted];
  const signedBy = new Set<VerifierKey>();
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line)) throw new Error('signed note: duplicate signature line');
    seen.add(line);
    const sig = parseSignatureLine(line);
    const verifier = known.find((k) => sig.name === k.name && sig.keyId.equals(k.keyId));
    if (!verifier) {
      if (allowOthers) continue;
      const expected = required.map((k) => `${k.name}+${k.keyId.toString('hex')}`).join(', ');
      throw new Error(`signed note: signature by unknown key ${sig.name}+${sig.keyId.toString('hex')} (expected ${expected})`);
    }
    if (signedBy.has(verifier)) throw new Error('signed note: more than one signature by the same key');
    if (sig.signature.length !== SIGNATURE_SIZE || !ed25519Verify(null, message, verifier.keyObject, sig.signature)) {
      throw new Error(`signed note: invalid signature by ${verifier.name}`);
    }
    signedBy.add(verifier);
  }
  for (const key of required) {
    if (!signedBy.has(key)) throw new Error(`signed note: not signed by ${key.name}+${key.keyId.toString('hex')}`);
  }
  return text;
}

function parseSignatureLine(line: string): { name: string; keyId: Buffer; signature: Buffer } {
  if (!line.startsWith(SIG_PREFIX)) throw new Error('signed note: a signature line must start with "\u2014 "');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw new Error('signed note: malformed signature line');
  const name = rest.slice(0, space);
  const blob = decodeBase64Strict(rest.slice(space + 1));
  if (!isValidKeyName(name)) throw new Error('signed note: invalid key name in a signature line');
  if (blob === null || blob.length < 5) throw new Error('signed note: malformed signature in a signature line');
  return { name, keyId: blob.subarray(0, 4), signature: blob.subarray(4) };
}

function checkNoteText(text: string): void {
  if (text === '' || !text.endsWith('\n')) throw new Error('signed note: the text must be non-empty and end in a newline');
  if (hasUnsafeChars(text, true)) throw new Error('signed note: the text contains control characters or invalid Unicode');
}
