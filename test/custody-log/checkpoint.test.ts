import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  keyIdOf,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  verifierKeyString,
  verifyCheckpoint,
  verifySignedNote,
} from '../../server/custody-log/checkpoint';
import type { NoteSigner } from '../../server/custody-log/checkpoint';
import { hashLeaf } from '../../server/custody-log/merkle';

// The published example of golang.org/x/mod/sumdb/note.
const PETER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

function makeSigner(name: string): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x as string;
  return { name, publicKey: Buffer.from(x, 'base64url'), sign: (m) => sign(null, m, privateKey) };
}

describe('signed notes (C2SP signed-note, golang.org/x/mod/sumdb/note)', () => {
  it('verifies the published Go example', () => {
    expect(verifySignedNote(PETER_NOTE, PETER_KEY)).toBe(PETER_TEXT);
    const key = parseVerifierKey(PETER_KEY);
    expect(key.name).toBe('PeterNeumann');
    expect(key.keyId.toString('hex')).toBe('c74f20a3');
    expect(keyIdOf(key.name, key.publicKey).toString('hex')).toBe('c74f20a3');
    expect(verifierKeyString(key.name, key.publicKey)).toBe(PETER_KEY);
  });

  it('rejects the Go example after any change', () => {
    expect(() => verifySignedNote(PETER_NOTE.replace('cryptography', 'Cryptography'), PETER_KEY)).toThrow(/invalid signature/);
    expect(() => verifySignedNote(PETER_NOTE.replace('PeterNeumann x08', 'PeterNeuman x08'), PETER_KEY)).toThrow(/unknown key/);
    expect(() => verifySignedNote(PETER_NOTE.slice(0, -1), PETER_KEY)).toThrow(/end in a newline/);
    expect(() => verifySignedNote(`${PETER_NOTE}\n`, PETER_KEY)).toThrow(/signed note/);
    expect(() => verifySignedNote(PETER_NOTE.replace('\u2014', '-'), PETER_KEY)).toThrow(/must start with/);
    expect(() => verifySignedNote(PETER_NOTE.replace('\n\n', '\n'), PETER_KEY)).toThrow(/no blank line/);
    expect(() => verifySignedNote(PETER_NOTE.replace('nAM=', 'nAN='), PETER_KEY)).toThrow(/malformed signature|invalid signature/);
    expect(() => verifySignedNote(PETER_NOTE.replace('is.', 'is.\r'), PETER_KEY)).toThrow(/control characters/);
  });

  it('parses only well-formed verifier keys', () => {
    const bad = [
      'PeterNeumann+c74f20a3', // no key
      'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // uppercase id: a second spelling
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // wrong id
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // space in name
      'PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // not base64 of 33 bytes
      'PeterNeumann+c74f20a3+AhpjmQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // algorithm 2
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW', // base64url
      '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ];
    for (const key of bad) expect(() => parseVerifierKey(key), key).toThrow(/verifier key/);
  });

  it('signs notes that verify, and can ignore cosignatures only when asked', () => {
    const log = makeSigner('safekeep/office-1');
    const witness = makeSigner('witness.example');
    const key = verifierKeyString(log.name, log.publicKey);
    const note = signNote('hello\nworld\n', log);
    expect(verifySignedNote(note, key)).toBe('hello\nworld\n');
    const cosigned = note + signNote('hello\nworld\n', witness).split('\n\n')[1]!;
    expect(() => verifySignedNote(cosigned, key)).toThrow(/unknown key witness.example/);
    expect(verifySignedNote(cosigned, key, { allowOtherSignatures: true })).toBe('hello\nworld\n');
    expect(() => verifySignedNote(signNote('hello\n', witness), key, { allowOtherSignatures: true })).toThrow(/not signed by/);
    expect(() => verifySignedNote(note + note.split('\n\n')[1]!, key)).toThrow(/duplicate/);
    expect(() => signNote('no newline', log)).toThrow(/end in a newline/);
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  const signer = makeSigner('safekeep/office-1');
  const key = verifierKeyString(signer.name, signer.publicKey);
  const root = hashLeaf(Buffer.from('x'));

  it('round-trips origin, size and root in the exact C2SP layout', () => {
    const note = signCheckpoint({ origin: 'safekeep/office-1', size: 42, root }, signer);
    const [body, sig] = note.split('\n\n');
    expect(`${body}\n`).toBe(`safekeep/office-1\n42\n${root.toString('base64')}\n`);
    expect(sig).toMatch(/^\u2014 safekeep\/office-1 [A-Za-z0-9+/]{91}=\n$/);
    const blob = Buffer.from(sig!.split(' ')[2]!, 'base64');
    expect(blob.length).toBe(68);
    expect(blob.subarray(0, 4).equals(keyIdOf(signer.name, signer.publicKey))).toBe(true);
    const parsed = verifyCheckpoint(note, key);
    expect(parsed).toEqual({ origin: 'safekeep/office-1', size: 42, root });
    expect(verifyCheckpoint(signCheckpoint({ origin: 'o', size: 0, root }, signer), key).size).toBe(0);
  });

  it('rejects wrong keys, tampering and malformed bodies', () => {
    const note = signCheckpoint({ origin: 'safekeep/office-1', size: 42, root }, signer);
    const other = makeSigner('safekeep/office-1');
    expect(() => verifyCheckpoint(note, verifierKeyString(other.name, other.publicKey))).toThrow(/unknown key/);
    expect(() => verifyCheckpoint(note.replace('\n42\n', '\n43\n'), key)).toThrow(/invalid signature/);
    const resign = (body: string): string => signNote(body, signer);
    const b64 = root.toString('base64');
    expect(() => verifyCheckpoint(resign(`o\n01\n${b64}\n`), key)).toThrow(/not a canonical decimal/);
    expect(() => verifyCheckpoint(resign(`o\n+1\n${b64}\n`), key)).toThrow(/not a canonical decimal/);
    expect(() => verifyCheckpoint(resign(`o\n${2 ** 53}\n${b64}\n`), key)).toThrow(/too large/);
    expect(() => verifyCheckpoint(resign(`o\n1\n${b64}\nextension\n`), key)).toThrow(/unexpected lines/);
    expect(() => verifyCheckpoint(resign(`o\n1\n`), key)).toThrow(/expected origin, size and root/);
    expect(() => verifyCheckpoint(resign(`o\n1\n${b64.slice(0, -2)}\n`), key)).toThrow(/root/);
    expect(() => verifyCheckpoint(resign(`o\n1\n${Buffer.alloc(31).toString('base64')}\n`), key)).toThrow(/root/);
    expect(() => verifyCheckpoint(resign(`\n1\n${b64}\n`), key)).toThrow(/origin/);
    expect(() => verifyCheckpoint(`${note}trailing`, key)).toThrow(/end in a newline/);
    expect(() => verifyCheckpoint(`${note}\n`, key)).toThrow(/signed note/);
    expect(() => verifyCheckpoint(`x${note}`, key)).toThrow(/invalid signature/);
  });

  it('refuses to sign what it could not verify', () => {
    expect(() => signCheckpoint({ origin: 'a\nb', size: 1, root }, signer)).toThrow(/origin/);
    expect(() => signCheckpoint({ origin: 'o', size: 1.5, root }, signer)).toThrow(/size/);
    expect(() => signCheckpoint({ origin: 'o', size: 1, root: root.subarray(1) }, signer)).toThrow(/root/);
    const mismatched: NoteSigner = { ...signer, publicKey: makeSigner('x').publicKey };
    expect(() => signCheckpoint({ origin: 'o', size: 1, root }, mismatched)).toThrow(/invalid signature/);
  });
});
