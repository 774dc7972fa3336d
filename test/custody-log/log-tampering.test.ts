import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { Checkpointer } from '../../server/custody-log/checkpointer';
import { loadOrCreateSigningKey, type SigningKey } from '../../server/custody-log/signing-key';
import { verifyLog } from '../../server/custody-log/verify-log';
import { hashLeaf } from '../../server/custody-log/merkle';
import { silentLogger } from '../../server/shared/logger';

const dialects = await dialectsUnderTest();

/** Removes the database's own guards, as an attacker with file access would. */
async function dropGuards(f: WriterFixture): Promise<void> {
  if (f.db.dialect === 'sqlite') {
    for (const t of ['log_entries_no_update', 'log_entries_no_delete']) await f.db.sequelize.query(`DROP TRIGGER ${t}`);
  } else {
    await f.db.sequelize.query('DROP TRIGGER log_entries_append_only ON log_entries');
  }
}

async function leafAt(f: WriterFixture, idx: number): Promise<Buffer> {
  const [rows] = (await f.db.sequelize.query(`SELECT leaf FROM log_entries WHERE idx = ${idx}`)) as [{ leaf: Uint8Array }[], unknown];
  return Buffer.from(rows[0]!.leaf);
}

describe.each(dialects)('log verify on %s', (dialect) => {
  let f: WriterFixture;
  let key: SigningKey;
  let checkpointer: Checkpointer;

  beforeEach(async () => {
    f = await writerFixture(dialect);
    key = await loadOrCreateSigningKey(f.dataDir, 'safekeep-test');
    checkpointer = new Checkpointer({ store: f.store, key, origin: 'safekeep/test', clock: f.clock, logger: silentLogger });
    // 60 entries: a record chain woven through device reads, with checkpoints at 25 and 60.
    for (let i = 0; i < 60; i++) {
      await f.writer.submit({ run: async (ctx) => ctx.append(i % 3 === 0 ? { type: 'record.checked_out', record: `rec-${i % 2}` } : { type: 'device.read', device: 'r1' }) });
      if (i === 24) await checkpointer.checkpointNow();
    }
    await checkpointer.checkpointNow();
    expect((await verifyLog(f.store, key.verifierKey)).ok).toBe(true);
    await dropGuards(f);
  });
  afterEach(async () => f.close());

  const verify = () => verifyLog(f.store, key.verifierKey);

  it('names the index of an edited leaf', async () => {
    const leaf = await leafAt(f, 13);
    const edited = Buffer.from(leaf.toString('utf8').replace('"r1"', '"r2"'));
    await f.db.sequelize.query('UPDATE log_entries SET leaf = :edited WHERE idx = 13', { replacements: { edited } });
    expect(await verify()).toMatchObject({ ok: false, firstBadIndex: 13 });
  });

  it('catches an edit whose stored hash was rewritten too, through the signed root', async () => {
    const edited = Buffer.from((await leafAt(f, 13)).toString('utf8').replace('"r1"', '"r2"'));
    await f.db.sequelize.query('UPDATE log_entries SET leaf = :edited, leaf_hash = :hash WHERE idx = 13', {
      replacements: { edited, hash: hashLeaf(edited) },
    });
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.badRange).toEqual([0, 24]);
  });

  it('names the index of a deleted entry', async () => {
    await f.db.sequelize.query('DELETE FROM log_entries WHERE idx = 40');
    expect(await verify()).toMatchObject({ ok: false, firstBadIndex: 40 });
  });

  it('names the last index when entries are cut off after a checkpoint', async () => {
    await f.db.sequelize.query('DELETE FROM log_entries WHERE idx >= 55');
    expect(await verify()).toMatchObject({ ok: false, firstBadIndex: 55 });
  });

  it('names the index of an inserted entry', async () => {
    const copy = await leafAt(f, 10);
    await f.db.sequelize.query('INSERT INTO log_entries (idx, leaf, leaf_hash) VALUES (60, :copy, :hash)', {
      replacements: { copy, hash: hashLeaf(copy) },
    });
    expect(await verify()).toMatchObject({ ok: false, firstBadIndex: 60 });
  });

  it('names the first index of two reordered entries', async () => {
    const a = await leafAt(f, 31);
    const b = await leafAt(f, 32);
    // Move the rows out of the way first: idx is the primary key.
    await f.db.sequelize.query('UPDATE log_entries SET idx = 1000 WHERE idx = 31');
    await f.db.sequelize.query('UPDATE log_entries SET idx = 31 WHERE idx = 32');
    await f.db.sequelize.query('UPDATE log_entries SET idx = 32 WHERE idx = 1000');
    expect(hashLeaf(await leafAt(f, 31)).equals(hashLeaf(b))).toBe(true);
    expect(hashLeaf(await leafAt(f, 32)).equals(hashLeaf(a))).toBe(true);
    expect(await verify()).toMatchObject({ ok: false, firstBadIndex: 31 });
  });

  it('refuses a checkpoint that was not signed by the office key', async () => {
    const other = await loadOrCreateSigningKey(`${f.dataDir}/other`, 'safekeep-test');
    const report = await verifyLog(f.store, other.verifierKey);
    expect(report.ok).toBe(false);
    expect(report.problem).toMatch(/checkpoint 25 does not verify/);
  });

  it('refuses to sign a new checkpoint over a rewritten history', async () => {
    const edited = Buffer.from((await leafAt(f, 5)).toString('utf8').replace('"r1"', '"r2"'));
    await f.db.sequelize.query('UPDATE log_entries SET leaf = :edited, leaf_hash = :hash WHERE idx = 5', {
      replacements: { edited, hash: hashLeaf(edited) },
    });
    await f.writer.submit({ run: async (ctx) => ctx.append({ type: 'device.read' }) });
    // A fresh checkpointer has no memo of the old tree: it must rely on the consistency proof.
    const fresh = new Checkpointer({ store: f.store, key, origin: 'safekeep/test', clock: f.clock, logger: silentLogger });
    await expect(fresh.checkpointNow()).rejects.toThrow(/not consistent/);
  });
});
