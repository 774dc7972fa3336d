import { decodeBase64Strict, encodeBase64 } from './base64';
import { HASH_SIZE } from './merkle';
import { hasUnsafeChars } from './text';
import { parseVerifierKey, signNoteByAll, verifierKeyString, verifySignedNote, verifySignedNoteByAll } from './signed-note';
import type { NoteSigner, VerifierKey, VerifyNoteOptions } from './signed-note';

/**
 * C2SP tlog-checkpoint: `<origin>\n<tree size>\n<base64 root>\n`, carried in a signed note.
 * Only the three mandatory lines are accepted: this log never writes extension lines, and
 * refusing them keeps exactly one byte form per (origin, size, root).
 */

// The note primitives are re-exported so checkpoint users need a single import.
export { isValidKeyName, keyIdOf, parseVerifierKey, signNote, signNoteByAll, verifierKeyString, verifySignedNote, verifySignedNoteByAll } from './signed-note';
export type { NoteSigner, VerifierKey, VerifyNoteOptions } from './signed-note';

export interface Checkpoint {
  /** `safekeep/<office id>`. */
  origin: string;
  size: number;
  root: Buffer;
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

export function checkpointBody(checkpoint: { origin: string; size: number; root: Uint8Array }): string {
  const { origin, size, root } = checkpoint;
  if (typeof origin !== 'string' || origin === '' || hasUnsafeChars(origin, false)) {
    throw new Error(`checkpoint: invalid origin ${JSON.stringify(origin)}`);
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`checkpoint: invalid tree size ${String(size)}`);
  if (!(root instanceof Uint8Array) || root.length !== HASH_SIZE) throw new Error(`checkpoint: the root must be ${HASH_SIZE} bytes`);
  return `${origin}\n${size}\n${encodeBase64(root)}\n`;
}

/** The whole signed note for a checkpoint; several signers for a key rotation's transition checkpoint. */
export function signCheckpoint(checkpoint: { origin: string; size: number; root: Uint8Array }, signer: NoteSigner | readonly NoteSigner[]): string {
  const signers = Array.isArray(signer) ? (signer as readonly NoteSigner[]) : [signer as NoteSigner];
  const note = signNoteByAll(checkpointBody(checkpoint), signers);
  // A signer whose publicKey does not belong to its private key would publish checkpoints nobody
  // can verify; one Ed25519 verification per signature is cheap insurance.
  verifySignedNoteByAll(note, signers.map((s) => parseVerifierKey(verifierKeyString(s.name, s.publicKey))));
  return note;
}

/** Verifies the signature and parses the checkpoint. Throws a descriptive Error on any problem. */
export function verifyCheckpoint(note: string, verifierKey: string | VerifierKey, options: VerifyNoteOptions = {}): Checkpoint {
  const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const body = verifySignedNote(note, key, options);
  return parseCheckpointBody(body);
}

/** A checkpoint every `required` key signed; lines by `permitted` keys must verify too, others are refused. */
export function verifyCheckpointByAll(note: string, required: readonly VerifierKey[], permitted: readonly VerifierKey[] = []): Checkpoint {
  return parseCheckpointBody(verifySignedNoteByAll(note, required, permitted));
}

/**
 * The checkpoint a note claims, signatures NOT checked: only to pick which key must have signed
 * it (the one valid at that size) before verifying with it.
 */
export function claimedCheckpoint(note: string): Checkpoint {
  const split = typeof note === 'string' ? note.lastIndexOf('\n\n') : -1;
  if (split < 0) throw new Error('signed note: no blank line before the signatures');
  return parseCheckpointBody(note.slice(0, split + 1));
}

/** Parses an (already verified) checkpoint body. */
export function parseCheckpointBody(body: string): Checkpoint {
  const lines = body.split('\n');
  // A body ends in a newline, so split leaves one empty string after the last line.
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new Error('checkpoint: expected origin, size and root lines');
  if (lines.length > 4) throw new Error('checkpoint: unexpected lines after the root hash');
  const [origin, sizeText, rootText] = lines as [string, string, string, string];
  if (origin === '' || hasUnsafeChars(origin, false)) throw new Error('checkpoint: invalid origin line');
  if (!DECIMAL.test(sizeText)) throw new Error(`checkpoint: the tree size ${JSON.stringify(sizeText)} is not a canonical decimal number`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new Error('checkpoint: the tree size is too large');
  const root = decodeBase64Strict(rootText);
  if (root === null || root.length !== HASH_SIZE) throw new Error('checkpoint: the root is not a canonical base64 SHA-256 hash');
  return { origin, size, root };
}
