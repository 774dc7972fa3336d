import { mkdtempSync, statSync, chmodSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MasterKey,
  SealError,
  commitmentOf,
  hashVisitToken,
  isVisitToken,
  newCommitment,
  newVisitToken,
  seal,
  sealJson,
  unseal,
  unsealJson,
  verifyCommitment,
} from '../../server/visitors/crypto';
import { loadOrCreateMasterKey, loadVisitorSettings, MASTER_KEY_FILE } from '../../server/visitors/settings';
import { ConfigError } from '../../server/config/config-error';

const key = randomBytes(32);
const flip = (b: Buffer, at: number, mask: number) => void b.writeUInt8(b.readUInt8(at) ^ mask, at);

describe('AES-256-GCM seals', () => {
  it('round-trips, with a fresh IV each time', () => {
    const a = sealJson(key, 'visitor-personal', 'v1', { name: 'Ada Lovelace', email: 'ada@example.com' });
    const b = sealJson(key, 'visitor-personal', 'v1', { name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(a.equals(b)).toBe(false);
    expect(unsealJson(key, 'visitor-personal', 'v1', a)).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(a.includes(Buffer.from('Ada'))).toBe(false);
  });

  it.each([
    ['a flipped tag bit', (b: Buffer) => flip(b, 1 + 12, 0x01)],
    ['a flipped ciphertext bit', (b: Buffer) => flip(b, b.length - 1, 0x80)],
    ['a flipped IV bit', (b: Buffer) => flip(b, 1, 0x01)],
  ])('refuses %s', (_what, tamper) => {
    const blob = seal(key, 'visitor-personal', 'v1', Buffer.from('secret'));
    tamper(blob);
    expect(() => unseal(key, 'visitor-personal', 'v1', blob)).toThrow(SealError);
  });

  it('refuses a truncated blob, another key, another row and another purpose', () => {
    const blob = seal(key, 'visitor-personal', 'v1', Buffer.from('secret'));
    expect(() => unseal(key, 'visitor-personal', 'v1', blob.subarray(0, 20))).toThrow(SealError);
    expect(() => unseal(randomBytes(32), 'visitor-personal', 'v1', blob)).toThrow(SealError);
    // Copied into another visitor's row, or read as another kind of secret: refused.
    expect(() => unseal(key, 'visitor-personal', 'v2', blob)).toThrow(SealError);
    expect(() => unseal(key, 'visit-details', 'v1', blob)).toThrow(SealError);
  });
});

describe('the master key', () => {
  it('wraps per-visitor keys bound to their visitor', () => {
    const master = new MasterKey(randomBytes(32));
    const dataKey = randomBytes(32);
    const wrapped = master.wrap('visitor-1', dataKey);
    expect(master.unwrap('visitor-1', wrapped).equals(dataKey)).toBe(true);
    expect(() => master.unwrap('visitor-2', wrapped)).toThrow(SealError);
    expect(() => new MasterKey(randomBytes(32)).unwrap('visitor-1', wrapped)).toThrow(SealError);
    expect(master.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is created once in the data directory, mode 0600, and read back the same', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'sk-visitor-key-')), 'data');
    const first = await loadOrCreateMasterKey(dir, { masterKey: null });
    const file = path.join(dir, MASTER_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const again = await loadOrCreateMasterKey(dir, { masterKey: null });
    expect(again.id).toBe(first.id);
    const [a, b] = await Promise.all([loadOrCreateMasterKey(dir, { masterKey: null }), loadOrCreateMasterKey(dir, { masterKey: null })]);
    expect(a.id).toBe(first.id);
    expect(b.id).toBe(first.id);
  });

  it('refuses a key file others can read, and one that is not 32 bytes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sk-visitor-key-'));
    const file = path.join(dir, MASTER_KEY_FILE);
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    await expect(loadOrCreateMasterKey(dir, { masterKey: null })).rejects.toThrow(/accessible to other users/);
    chmodSync(file, 0o600);
    writeFileSync(file, 'c2hvcnQ=\n');
    await expect(loadOrCreateMasterKey(dir, { masterKey: null })).rejects.toThrow(/32 bytes/);
  });

  it('comes from SAFEKEEP_VISITOR_MASTER_KEY when set, and then no file is written', async () => {
    const raw = randomBytes(32);
    const settings = loadVisitorSettings({ SAFEKEEP_VISITOR_MASTER_KEY: raw.toString('base64') });
    const dir = mkdtempSync(path.join(tmpdir(), 'sk-visitor-key-'));
    const master = await loadOrCreateMasterKey(dir, settings);
    expect(master.id).toBe(new MasterKey(raw).id);
    expect(() => statSync(path.join(dir, MASTER_KEY_FILE))).toThrow();
  });
});

describe('visitor settings', () => {
  it('defaults to 90 days of retention', () => {
    expect(loadVisitorSettings({})).toEqual({ retentionDays: 90, masterKey: null, tickMs: 60_000 });
    expect(loadVisitorSettings({ SAFEKEEP_VISITOR_RETENTION_DAYS: '30', SAFEKEEP_VISITOR_TICK_SECONDS: '5' })).toMatchObject({ retentionDays: 30, tickMs: 5000 });
  });

  it('reports every bad variable at once and never echoes the key', () => {
    const secret = Buffer.from('too short').toString('base64');
    let error: unknown;
    try {
      loadVisitorSettings({ SAFEKEEP_VISITOR_RETENTION_DAYS: 'ninety', SAFEKEEP_VISITOR_MASTER_KEY: secret });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.field).sort()).toEqual(['SAFEKEEP_VISITOR_MASTER_KEY', 'SAFEKEEP_VISITOR_RETENTION_DAYS']);
    expect((error as Error).message).not.toContain(secret);
  });
});

describe('commitments', () => {
  it('are SHA-256(salt || JCS(fields)): key order does not matter, the salt does', () => {
    const { salt, commitment } = newCommitment({ typed_name: 'Ada Lovelace', b: 1 });
    expect(commitmentOf(salt, { b: 1, typed_name: 'Ada Lovelace' })).toBe(commitment);
    expect(verifyCommitment(commitment, salt, { typed_name: 'Ada Lovelace', b: 1 })).toBe(true);
    expect(verifyCommitment(commitment, salt, { typed_name: 'Ada Lovelace ', b: 1 })).toBe(false);
    expect(verifyCommitment(commitment, randomBytes(32), { typed_name: 'Ada Lovelace', b: 1 })).toBe(false);
    // Salted: the same name commits differently each time, so a guess can't be checked without the salt.
    expect(newCommitment({ typed_name: 'Ada Lovelace' }).commitment).not.toBe(newCommitment({ typed_name: 'Ada Lovelace' }).commitment);
  });

  it('match a by-hand computation', async () => {
    const { createHash } = await import('node:crypto');
    const salt = Buffer.alloc(32, 7);
    const expected = createHash('sha256').update(Buffer.concat([salt, Buffer.from('{"a":"x","typed_name":"Zoë"}', 'utf8')])).digest('hex');
    expect(commitmentOf(salt, { typed_name: 'Zoë', a: 'x' })).toBe(expected);
  });
});

describe('visit tokens', () => {
  it('are 128 random bits in QR-alphanumeric text that can never be a file barcode', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newVisitToken()));
    expect(tokens.size).toBe(200);
    for (const t of tokens) {
      expect(isVisitToken(t)).toBe(true);
      expect(t).toMatch(/^[0-9A-Z:]+$/);
      expect(t).not.toMatch(/^[A-Z0-9][A-Z0-9-]{2,63}$/);
    }
    expect(isVisitToken('SK-000123')).toBe(false);
    expect(hashVisitToken('SKV:X')).toMatch(/^[0-9a-f]{64}$/);
  });
});
