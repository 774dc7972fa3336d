import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isValidKeyName, verifierKeyString } from './signed-note';
import type { NoteSigner } from './signed-note';

/**
 * The log's Ed25519 checkpoint signing key, kept as PKCS#8 PEM in `<dataDir>/log-signing-key.pem`.
 *
 * The key is the log's identity: every checkpoint ever exported names it. Losing or replacing it
 * would make all earlier checkpoints unverifiable against the new one, so this code creates it
 * once and never overwrites it, even if two processes start at the same moment.
 */

export const SIGNING_KEY_FILE = 'log-signing-key.pem';

export interface SigningKey extends NoteSigner {
  readonly name: string;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  /** `<name>+<key id>+<base64 key>`: what auditors and witnesses are given. */
  readonly verifierKey: string;
  sign(message: Buffer): Buffer;
}

export async function loadOrCreateSigningKey(dataDir: string, keyName: string): Promise<SigningKey> {
  if (!isValidKeyName(keyName)) throw new Error(`signing key: invalid key name ${JSON.stringify(keyName)} (no spaces or '+')`);
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  let privateKey = await readKey(file);
  if (!privateKey) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    privateKey = await createKeyFile(file);
  }
  return signingKeyFrom(privateKey, keyName);
}

async function readKey(file: string): Promise<KeyObject | undefined> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (process.platform !== 'win32') {
    const { mode } = await stat(file);
    // Anyone who can read this file can sign checkpoints as the office: refuse to use a key that
    // others could have read rather than silently tightening the mode and hiding the exposure.
    if ((mode & 0o077) !== 0) {
      throw new Error(`signing key: ${file} is accessible to other users (mode ${(mode & 0o777).toString(8)}); check who had access, then chmod 600 it`);
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`signing key: ${file} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`signing key: ${file} is not an Ed25519 key`);
  return key;
}

async function createKeyFile(file: string): Promise<KeyObject> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // 'wx' + explicit chmod: the file is never readable by others, whatever the umask.
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(pem, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // link, not rename: rename would replace a key another process created meanwhile; link fails
    // with EEXIST instead, and then that other key is the one to use.
    await link(temp, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(path.dirname(file));
  const stored = await readKey(file);
  if (!stored) throw new Error(`signing key: ${file} vanished right after it was created`);
  return stored;
}

/** Makes the new directory entry durable: a key lost in a power cut would orphan its checkpoints. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function signingKeyFrom(privateKey: KeyObject, name: string): SigningKey {
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
