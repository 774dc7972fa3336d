import { readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { Checkpointer, type SignedCheckpoint } from '../../server/custody-log/checkpointer';
import { parseVerifierKey, verifyCheckpoint, verifyCheckpointByAll } from '../../server/custody-log/checkpoint';
import { serializeBundle, verifyBundle } from '../../server/custody-log/bundle';
import { decodeLeaf } from '../../server/custody-log/leaf';
import { parseKeyHistory, serializeKeyHistory, verifyKeyHistory } from '../../server/custody-log/key-history';
import { KEY_HISTORY_FILE, NEXT_SIGNING_KEY_FILE, SIGNING_KEY_FILE } from '../../server/custody-log/key-ring';
import { KeyRotationBusyError, rotateSigningKey } from '../../server/custody-log/key-rotation';
import { loadOrCreateSigningKey, type SigningKey } from '../../server/custody-log/signing-key';
import { MerkleTree } from '../../server/custody-log/tree';
import { verifyLog } from '../../server/custody-log/verify-log';
import { silentLogger } from '../../server/shared/logger';

const dialects = await dialectsUnderTest();
const posix = process.platform !== 'win32';

describe.each(dialects)('log signing key rotation on %s', (dialect) => {
  let f: WriterFixture;
  let key: SigningKey;
  let checkpointer: Checkpointer;

  const deps = () => ({ key, writer: f.writer, store: f.store, checkpointer, logger: silentLogger });
  const append = (n: number, record = 'rec-1') =>
    f.writer.submit({ run: async (ctx) => { for (let i = 0; i < n; i++) await ctx.append(i % 2 ? { type: 'record.checked_out', record } : { type: 'device.read', device: 'r1' }); } });
  /** A custody bundle of `record`, as bundle-export.ts makes it (without the records table). */
  const bundleOf = async (record: string, cp: SignedCheckpoint, verifierKey: string) => {
    const tree = new MerkleTree(f.store);
    const rows = (await f.store.entriesOfRecord(record)).filter((r) => r.idx < cp.size);
    const entries = [];
    for (const row of rows) entries.push({ index: row.idx, leaf: row.leaf.toString('base64'), proof: (await tree.inclusionProof(row.idx, cp.size)).map((h) => h.toString('base64')) });
    return serializeBundle({ format: 'safekeep-custody-bundle/v1', origin: 'safekeep/test', verifier_key: verifierKey, checkpoint: cp.note, record, entries });
  };

  beforeEach(async () => {
    f = await writerFixture(dialect);
    key = await loadOrCreateSigningKey(f.dataDir, 'safekeep-test');
    checkpointer = new Checkpointer({ store: f.store, key, origin: 'safekeep/test', clock: f.clock, logger: silentLogger });
  });
  afterEach(async () => f.close());

  it('logs the rotation, signs the transition with both keys, then signs with the new key only', async () => {
    await append(10);
    const before = (await checkpointer.checkpointNow())!;
    const oldKey = key.verifierKey;
    const rotation = await rotateSigningKey(deps(), 'u_admin1');
    expect(rotation.oldKey).toBe(oldKey);
    expect(rotation.newKey).toBe(key.verifierKey);
    expect(rotation.newKey).not.toBe(oldKey);

    // The log entry, covered by the transition checkpoint.
    const [record] = key.history.history.rotations;
    const event = decodeLeaf(Buffer.from(record!.leaf, 'base64'));
    expect(event).toMatchObject({ type: 'log.key_rotated', actor: 'u_admin1', old_key: oldKey, new_key: rotation.newKey });
    expect(record!.index).toBe(before.size);
    const transition = rotation.checkpoint;
    expect(transition.size).toBe(before.size + 1);
    expect(verifyCheckpointByAll(transition.note, [parseVerifierKey(oldKey), parseVerifierKey(rotation.newKey)]).size).toBe(transition.size);
    expect(transition.note.match(/^\u2014 /gm)).toHaveLength(2);
    expect(() => verifyCheckpoint(transition.note, oldKey)).toThrow(/unknown key/);

    await append(3);
    const after = (await checkpointer.checkpointNow())!;
    expect(verifyCheckpoint(after.note, rotation.newKey).size).toBe(transition.size + 3);
    expect(() => verifyCheckpoint(after.note, oldKey)).toThrow();

    // The whole log still verifies: old checkpoint by the old key, the rest by the new one.
    expect(await verifyLog(f.store, key.history)).toMatchObject({ ok: true, checkpointsVerified: 3 });
    // With the old key alone, the checkpoints after the rotation can't be checked.
    expect((await verifyLog(f.store, oldKey)).ok).toBe(false);
  });

  it('keeps bundles from before the rotation verifiable, and makes new ones verifiable from either key', async () => {
    await append(8);
    const oldKey = key.verifierKey;
    const oldBundle = await bundleOf('rec-1', (await checkpointer.checkpointNow())!, oldKey);
    const { newKey } = await rotateSigningKey(deps(), 'u_admin1');
    await append(4);
    const newBundle = await bundleOf('rec-1', (await checkpointer.checkpointNow())!, newKey);
    const history = serializeKeyHistory(key.history.history);

    expect(verifyBundle(oldBundle).ok).toBe(true);
    expect(verifyBundle(oldBundle, { trustedKey: newKey })).toMatchObject({ ok: false, error: expect.stringMatching(/key history/) });
    expect(verifyBundle(oldBundle, { trustedKey: newKey, keyHistory: history })).toMatchObject({ ok: true });
    expect(verifyBundle(newBundle, { trustedKey: oldKey, keyHistory: history })).toMatchObject({ ok: true });
    expect(verifyBundle(newBundle, { trustedKey: newKey })).toMatchObject({ ok: true });
    // A retired key can't vouch for a checkpoint after its retirement.
    const misnamed = newBundle.replace(JSON.stringify(newKey), JSON.stringify(oldKey));
    expect(verifyBundle(misnamed, { keyHistory: history }).ok).toBe(false);
  });

  it('keeps the history private and in the data directory, destroys the retired private key, and reloads the same state', async () => {
    await append(3);
    const { oldKey, newKey } = await rotateSigningKey(deps(), 'u_admin1');
    expect((await readdir(f.dataDir)).filter((n) => n.startsWith('log-')).sort()).toEqual([KEY_HISTORY_FILE, SIGNING_KEY_FILE].sort());
    if (posix) for (const file of [KEY_HISTORY_FILE, SIGNING_KEY_FILE]) expect((await stat(path.join(f.dataDir, file))).mode & 0o777).toBe(0o600);
    const reloaded = await loadOrCreateSigningKey(f.dataDir, 'safekeep-test');
    expect(reloaded.verifierKey).toBe(newKey);
    expect(reloaded.history.periods.map((p) => [p.verifierKey, p.fromSize, p.untilSize])).toEqual([
      [oldKey, 0, 4],
      [newKey, 4, null],
    ]);
    // A second rotation chains on the first.
    await append(2);
    const second = await rotateSigningKey(deps(), 'u_admin1');
    expect(second.oldKey).toBe(newKey);
    expect(key.history.periods).toHaveLength(3);
    expect((await verifyLog(f.store, key.history)).ok).toBe(true);
  });

  it('detects a tampered, truncated or forged key history', async () => {
    await append(3);
    await rotateSigningKey(deps(), 'u_admin1');
    const file = path.join(f.dataDir, KEY_HISTORY_FILE);
    const text = await readFile(file, 'utf8');

    const flipped = text.replace(/"index":(\d+)/, (_, n: string) => `"index":${Number(n) + 1}`);
    await writeFile(file, flipped, { mode: 0o600 });
    await expect(loadOrCreateSigningKey(f.dataDir, 'safekeep-test')).rejects.toThrow(/inclusion proof/);

    await writeFile(file, serializeKeyHistory({ ...parseKeyHistory(text), rotations: [] }), { mode: 0o600 });
    // Dropping the rotation: the current key no longer matches, and the log's checkpoints say so.
    const withoutHistory = await loadOrCreateSigningKey(f.dataDir, 'safekeep-test');
    expect(await verifyLog(f.store, withoutHistory.history)).toMatchObject({ ok: false, problem: expect.stringMatching(/does not verify/) });

    const history = parseKeyHistory(text);
    const forged = { ...history.rotations[0]!, checkpoint: history.rotations[0]!.checkpoint.replace(/\n\u2014 [^\n]+\n$/, '\n') };
    expect(() => verifyKeyHistory({ ...history, rotations: [forged] })).toThrow(/signed by the old and the new key/);
    await writeFile(file, `${text} `, { mode: 0o600 });
    await expect(loadOrCreateSigningKey(f.dataDir, 'safekeep-test')).rejects.toThrow(/canonical form/);
  });

  it('lets only one of two simultaneous rotations through', async () => {
    await append(3);
    const results = await Promise.allSettled([rotateSigningKey(deps(), 'u_a'), rotateSigningKey(deps(), 'u_b')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(KeyRotationBusyError);
    expect(key.history.history.rotations).toHaveLength(1);
    expect((await loadOrCreateSigningKey(f.dataDir, 'safekeep-test')).verifierKey).toBe(key.verifierKey);
    expect((await verifyLog(f.store, key.history)).ok).toBe(true);
  });

  it('finishes a rotation interrupted after the history was written, without losing a key', async () => {
    await append(3);
    const oldPem = await readFile(path.join(f.dataDir, SIGNING_KEY_FILE), 'utf8');
    const { newKey } = await rotateSigningKey(deps(), 'u_admin1');
    // As if the process died before renaming the new key into place.
    await rename(path.join(f.dataDir, SIGNING_KEY_FILE), path.join(f.dataDir, NEXT_SIGNING_KEY_FILE));
    await writeFile(path.join(f.dataDir, SIGNING_KEY_FILE), oldPem, { mode: 0o600 });
    const reloaded = await loadOrCreateSigningKey(f.dataDir, 'safekeep-test');
    expect(reloaded.verifierKey).toBe(newKey);
    expect(await readdir(f.dataDir)).not.toContain(NEXT_SIGNING_KEY_FILE);
  });

  it('resumes a rotation interrupted before the history was written, with the successor it already chose', async () => {
    await append(3);
    const oldKey = key.verifierKey;
    // A successor left behind by a crash: it may already be named in the log.
    const pending = await loadOrCreateSigningKey(path.join(f.dataDir, 'elsewhere'), 'safekeep-test');
    await writeFile(path.join(f.dataDir, NEXT_SIGNING_KEY_FILE), await readFile(path.join(f.dataDir, 'elsewhere', SIGNING_KEY_FILE)), { mode: 0o600 });
    expect((await loadOrCreateSigningKey(f.dataDir, 'safekeep-test')).verifierKey).toBe(oldKey);
    const rotation = await rotateSigningKey(deps(), 'u_admin1');
    expect(rotation.newKey).toBe(pending.verifierKey);
  });

  it('stores a checkpoint only on top of the one its consistency proof started from', async () => {
    await append(3);
    const first = (await checkpointer.checkpointNow())!;
    const root = Buffer.alloc(32, 1);
    expect(await f.store.insertCheckpointAfter(null, 5, root, 'stale', new Date())).toBe(false);
    expect(await f.store.insertCheckpointAfter(first.size - 1, 5, root, 'stale', new Date())).toBe(false);
    expect((await f.store.latestCheckpoint())!.tree_size).toBe(first.size);
  });
});
