import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JsonObject, JsonValue } from '../custody-log/leaf';
import { kioskCanRead } from './kiosk-readable';

/**
 * The cryptography behind erasable visitor data (shared/reference/custody-log.md, "Erasure without
 * breaking proofs"):
 *
 * - personal data is sealed with AES-256-GCM under a random 32-byte key per visitor;
 * - that key is itself sealed (wrapped) under the office's visitor master key;
 * - facts that must stay provable carry a commitment SHA-256(32-byte salt || JCS(fields)) in the
 *   log, while salt and fields are sealed off-log under the visitor's key.
 *
 * Deleting a visitor's key, salts and ciphertexts leaves commitments that prove nothing any more,
 * and a log that still verifies.
 *
 * Sealed blob: version (1 byte, 0x01) || IV (12 bytes) || GCM tag (16 bytes) || ciphertext.
 * Every seal is bound to what it is for by its associated data (`purpose` + the row's id), so a
 * ciphertext copied into another visitor's row, or used as another kind of secret, fails to open.
 */

const SEAL_VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;
export const SALT_BYTES = 32;

export type SealPurpose = 'visitor-personal' | 'visit-details' | 'nda-opening' | 'visitor-key' | 'watch-list';

export class SealError extends Error {
  override readonly name = 'SealError';
}

function associatedData(purpose: SealPurpose, id: string): Buffer {
  return Buffer.from(`safekeep/${purpose}/v1\n${id}`, 'utf8');
}

export function seal(key: Buffer, purpose: SealPurpose, id: string, plaintext: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new Error('seal: the key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(purpose, id));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([SEAL_VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Opens a sealed blob; any change to it, to the key, the purpose or the id throws SealError. */
export function unseal(key: Buffer, purpose: SealPurpose, id: string, blob: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new Error('unseal: the key must be 32 bytes');
  if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== SEAL_VERSION) throw new SealError(`${purpose}: not a sealed value`);
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(purpose, id));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealError(`${purpose} ${id}: the sealed value was altered or the key is wrong`);
  }
}

export function sealJson(key: Buffer, purpose: SealPurpose, id: string, value: unknown): Buffer {
  const text = Buffer.from(JSON.stringify(value), 'utf8');
  try {
    return seal(key, purpose, id, text);
  } finally {
    text.fill(0);
  }
}

export function unsealJson<T>(key: Buffer, purpose: SealPurpose, id: string, blob: Buffer): T {
  const text = unseal(key, purpose, id, blob);
  try {
    return JSON.parse(text.toString('utf8')) as T;
  } finally {
    text.fill(0);
  }
}

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * The office's visitor master key. It only wraps per-visitor keys and the watch list: it never
 * seals personal data directly, so erasing one visitor never needs the master key to change.
 */
export class MasterKey {
  readonly id: string;
  private readonly watchListKey: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error('visitor master key: must be 32 bytes');
    // Identifies the key without revealing it: tells "wrong master key" apart from "tampered row".
    this.id = createHmac('sha256', key).update('safekeep/visitor-master-key/id').digest('hex').slice(0, 16);
    this.watchListKey = createHmac('sha256', key).update('safekeep/visitor-master-key/watch-list').digest();
  }

  wrap(visitorId: string, dataKey: Buffer): Buffer {
    return seal(this.key, 'visitor-key', visitorId, dataKey);
  }

  unwrap(visitorId: string, wrapped: Buffer): Buffer {
    return unseal(this.key, 'visitor-key', visitorId, wrapped);
  }

  /** Watch-list entries are the office's data, not a visitor's: sealed under a key derived from this one. */
  sealWatchEntry(entryId: string, value: unknown): Buffer {
    return sealJson(this.watchListKey, 'watch-list', entryId, value);
  }

  openWatchEntry<T>(entryId: string, blob: Buffer): T {
    return unsealJson<T>(this.watchListKey, 'watch-list', entryId, blob);
  }
}

/** SHA-256(salt || JCS(fields)), hex: what a leaf carries for a personal fact kept off-log. */
export function commitmentOf(salt: Buffer, fields: JsonObject): string {
  if (salt.length !== SALT_BYTES) throw new Error('commitment: the salt must be 32 bytes');
  const jcs = canonicalize(fields as JsonValue);
  if (jcs === undefined) throw new Error('commitment: fields are not JSON');
  return createHash('sha256').update(salt).update(Buffer.from(jcs, 'utf8')).digest('hex');
}

export function newCommitment(fields: JsonObject): { salt: Buffer; commitment: string } {
  const salt = randomBytes(SALT_BYTES);
  return { salt, commitment: commitmentOf(salt, fields) };
}

export function verifyCommitment(commitment: string, salt: Buffer, fields: JsonObject): boolean {
  if (!/^[0-9a-f]{64}$/.test(commitment) || salt.length !== SALT_BYTES) return false;
  return timingSafeEqual(Buffer.from(commitmentOf(salt, fields), 'hex'), Buffer.from(commitment, 'hex'));
}

/**
 * Visit tokens (the pre-registration QR code, the printed badge): 128 random bits as 26 Crockford
 * base32 characters after `SKV:`. Upper case, digits, ':' are all in QR's compact alphanumeric
 * mode, and the ':' keeps a token from ever reading as a file barcode at the reception scanner.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TOKEN_PATTERN = /^SKV:[0-9A-HJKMNP-TV-Z]{26}$/;

/** Tokens drawn before giving up on one the kiosk reads: each is unreadable with p ≈ 0.07. */
const READABLE_TOKEN_TRIES = 32;

/** A fresh token whose QR code, as the dashboard draws it, the kiosk's camera decoder reads. */
export function newVisitToken(): string {
  let token = randomVisitToken();
  for (let tries = 1; tries < READABLE_TOKEN_TRIES && !kioskCanRead(token); tries++) token = randomVisitToken();
  return token;
}

function randomVisitToken(): string {
  const bytes = randomBytes(16);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(bits & 31n)]! + out;
    bits >>= 5n;
  }
  return `SKV:${out}`;
}

export function isVisitToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** Tokens are stored only as this hash: a copy of the database lets nobody sign in or out. */
export function hashVisitToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
