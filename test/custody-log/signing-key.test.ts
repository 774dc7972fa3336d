import { verify } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseVerifierKey, signCheckpoint, verifyCheckpoint } from '../../server/custody-log/checkpoint';
import { hashLeaf } from '../../server/custody-log/merkle';
import { SIGNING_KEY_FILE, loadOrCreateSigningKey } from '../../server/custody-log/signing-key';

const posix = process.platform !== 'win32';

describe('loadOrCreateSigningKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'safekeep-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a PKCS#8 Ed25519 key with mode 0600 on first use, leaving no temp files', async () => {
    const key = await loadOrCreateSigningKey(dir, 'safekeep/office-1');
    const file = path.join(dir, SIGNING_KEY_FILE);
    expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([SIGNING_KEY_FILE]);
    expect(key.name).toBe('safekeep/office-1');
    expect(key.publicKey.length).toBe(32);
    expect(parseVerifierKey(key.verifierKey).publicKey.equals(key.publicKey)).toBe(true);
  });

  it('gives the same key on reload, and its signatures verify', async () => {
    const first = await loadOrCreateSigningKey(dir, 'safekeep/office-1');
    const again = await loadOrCreateSigningKey(dir, 'safekeep/office-1');
    expect(again.publicKey.equals(first.publicKey)).toBe(true);
    expect(again.verifierKey).toBe(first.verifierKey);
    const message = Buffer.from('checkpoint body\n');
    const spki = parseVerifierKey(first.verifierKey).keyObject;
    expect(verify(null, message, spki, again.sign(message))).toBe(true);
    const note = signCheckpoint({ origin: 'safekeep/office-1', size: 3, root: hashLeaf(Buffer.alloc(0)) }, again);
    expect(verifyCheckpoint(note, first.verifierKey).size).toBe(3);
  });

  it('never replaces an existing key, even when many callers race to create it', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(dir, 'k')));
    expect(new Set(keys.map((k) => k.verifierKey)).size).toBe(1);
    expect(await readdir(dir)).toEqual([SIGNING_KEY_FILE]);
  });

  it('creates the data directory when it is missing', async () => {
    const nested = path.join(dir, 'a', 'b');
    await loadOrCreateSigningKey(nested, 'k');
    expect(await readdir(nested)).toEqual([SIGNING_KEY_FILE]);
  });

  it.skipIf(!posix)('refuses a key file other users can read', async () => {
    await loadOrCreateSigningKey(dir, 'k');
    await chmod(path.join(dir, SIGNING_KEY_FILE), 0o644);
    await expect(loadOrCreateSigningKey(dir, 'k')).rejects.toThrow(/accessible to other users \(mode 644\)/);
  });

  it('refuses a file that is not an Ed25519 private key, and bad key names', async () => {
    await writeFile(path.join(dir, SIGNING_KEY_FILE), 'not a key', { mode: 0o600 });
    await expect(loadOrCreateSigningKey(dir, 'k')).rejects.toThrow(/not a PEM private key/);
    await expect(loadOrCreateSigningKey(dir, 'has space')).rejects.toThrow(/invalid key name/);
    await expect(loadOrCreateSigningKey(dir, 'a+b')).rejects.toThrow(/invalid key name/);
  });
});
