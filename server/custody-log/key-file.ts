import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readPrivateFile, writePrivateFile } from '../shared/secret-file';
import { isValidKeyName, verifierKeyString } from './signed-note';
import type { NoteSigner } from './signed-note';

/** One Ed25519 checkpoint key, read from a PKCS#8 PEM file (mode 0600). */
export interface LogSigner extends NoteSigner {
  readonly name: string;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  /** `<name>+<key id>+<base64 key>`: what auditors and witnesses are given. */
  readonly verifierKey: string;
  sign(message: Buffer): Buffer;
}

export function checkKeyName(keyName: string): void {
  if (!isValidKeyName(keyName)) throw new Error(`signing key: invalid key name ${JSON.stringify(keyName)} (no spaces or '+')`);
}

/** The key in `file`, or undefined when there is none. Throws on a readable-by-others or damaged file. */
export async function readSignerFile(file: string, keyName: string): Promise<LogSigner | undefined> {
  const pem = await readPrivateFile(file, 'signing key');
  if (pem === undefined) return undefined;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`signing key: ${file} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`signing key: ${file} is not an Ed25519 key`);
  return signerFrom(key, keyName);
}

/**
 * The key in `file`, creating a fresh one if there is none. Never replaces an existing key, even
 * when several processes race: every caller gets the key that won.
 */
export async function readOrCreateSignerFile(file: string, keyName: string): Promise<LogSigner> {
  const existing = await readSignerFile(file, keyName);
  if (existing) return existing;
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await writePrivateFile(file, pem, 'create-once');
  const stored = await readSignerFile(file, keyName);
  if (!stored) throw new Error(`signing key: ${file} vanished right after it was created`);
  return stored;
}

function signerFrom(privateKey: KeyObject, name: string): LogSigner {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('signing key: could not derive the public key');
  const publicKey = Buffer.from(jwk.x, 'base64url');
  return {
    name,
    publicKey,
    verifierKey: verifierKeyString(name, publicKey),
    sign: (message: Buffer) => cryptoSign(null, message, privateKey),
  };
}
