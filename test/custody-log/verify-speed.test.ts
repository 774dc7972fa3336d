import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { Checkpointer } from '../../server/custody-log/checkpointer';
import { MerkleFrontier } from '../../server/custody-log/frontier';
import { LEAF_PREFIX } from '../../server/custody-log/leaf';
import { LeafHasher } from '../../server/custody-log/leaf-hasher';
import { MicrosReader } from '../../server/custody-log/log-checker';
import type { LogRow } from '../../server/custody-log/log-store';
import { hashLeaf } from '../../server/custody-log/merkle';
import { loadOrCreateSigningKey, type SigningKey } from '../../server/custody-log/signing-key';
import { verifyLog } from '../../server/custody-log/verify-log';
import { parseMicros } from '../../server/ingest/timestamp-sequencer';
import { silentLogger } from '../../server/shared/logger';

// The fast paths of `log verify` (paged reads, binary-string hashing, the ts_server cache) must
// agree exactly with the straightforward code they replace. Speed itself is the bench's business.

describe('verify fast paths', () => {
  it('LeafHasher gives the leaf hashes and the MerkleFrontier roots, page after page', async () => {
    const leaves = Array.from({ length: 300 }, (_, i) => randomBytes(i % 70));
    const sizes = [1, 2, 3, 64, 100, 101, 255, 256, 299, 300];
    const hasher = new LeafHasher([0, ...sizes, 1000]);
    try {
      const rows = leaves.map((leaf, idx) => ({ idx, leaf, leaf_hash: Buffer.alloc(0), record_id: null, record_seq: null }));
      // Uneven pages, an empty one included, all handed over before any answer is read.
      const pages = [rows.slice(0, 1), rows.slice(1, 100), rows.slice(100, 100), rows.slice(100, 256), rows.slice(256)];
      const answers = await Promise.all(pages.map((page) => hasher.hash(page)));
      const reference = new MerkleFrontier();
      const seen = new Set<number>();
      pages.forEach((page, p) => {
        const { hashes, roots } = answers[p]!;
        expect(hashes.length).toBe(32 * page.length);
        page.forEach((row, i) => {
          const hash = reference.appendLeaf(row.leaf);
          expect(hashes.subarray(32 * i, 32 * i + 32).equals(hash), `leaf ${row.idx}`).toBe(true);
          const root = roots.get(reference.size);
          if (sizes.includes(reference.size)) {
            expect(root?.equals(reference.root()), `root at ${reference.size}`).toBe(true);
            seen.add(reference.size);
          } else {
            expect(root).toBeUndefined();
          }
        });
      });
      expect([...seen]).toEqual(sizes);
    } finally {
      await hasher.close();
    }
    await expect(hasher.hash([])).rejects.toThrow(/closed/);
  });

  it('MicrosReader reads every ts_server exactly as parseMicros does', () => {
    const inputs = [
      '2026-01-05T09:00:00.000000Z',
      '2026-01-05T09:00:00.000001Z',
      '2026-01-05T09:00:00.999999Z',
      '2026-01-05T09:00:00.12345Z',
      '2026-01-05T09:00:00.1234567Z',
      '2026-01-05T09:00:00.00000aZ',
      '2026-01-05T09:00:00.000002z',
      '2026-01-05T09:00:00Z',
      '2026-01-05T09:00:01.000000Z',
      '2026-01-05T09:00:01.000000+00:00',
      '2026-13-05T09:00:01.000000Z',
      '2026-13-05T09:00:01.000001Z',
      '2026-01-05T09:00:60.000000Z',
      '2026-01-05T09:00:01.000003Z',
      '2025-12-31T23:59:59.999999Z',
      '',
      'not a time at all',
      '2026-01-05T09:00:01.000004Z',
    ];
    const reader = new MicrosReader();
    for (const text of inputs) expect(reader.read(text), text).toEqual(parseMicros(text));
  });
});

const dialects = await dialectsUnderTest();

/** Removes the database's own guards, as an attacker with file access would. */
async function dropGuards(f: WriterFixture): Promise<void> {
  if (f.db.dialect === 'sqlite') {
    for (const t of ['log_entries_no_update', 'log_entries_no_delete']) await f.db.sequelize.query(`DROP TRIGGER ${t}`);
  } else {
    await f.db.sequelize.query('DROP TRIGGER log_entries_append_only ON log_entries');
  }
}

async function append(f: WriterFixture, count: number): Promise<void> {
  // 50 leaves per job: the writer commits whole batches, so this stays quick on both databases.
  for (let done = 0; done < count; ) {
    const jobs = [];
    for (let j = 0; j < 10 && done < count; j++) {
      const n = Math.min(50, count - done);
      const first = done;
      done += n;
      jobs.push(
        f.writer.submit({
          run: async (ctx) => {
            for (let i = first; i < first + n; i++) {
              f.clock.advance(1);
              await ctx.append(i % 7 === 0 ? { type: 'record.checked_out', record: `rec-${i % 5}`, actor: `act_${i}` } : { type: 'device.read', device: 'r1', evidence: [`ev-${i}`, i] });
            }
          },
        }),
      );
    }
    await Promise.all(jobs);
  }
}

describe.each(dialects)('log verify over several pages on %s', (dialect) => {
  let f: WriterFixture;
  let key: SigningKey;
  let checkpointer: Checkpointer;

  beforeAll(async () => {
    f = await writerFixture(dialect);
    key = await loadOrCreateSigningKey(f.dataDir, 'safekeep-test');
    checkpointer = new Checkpointer({ store: f.store, key, origin: 'safekeep/test', clock: f.clock, logger: silentLogger });
    await append(f, 1234);
    await checkpointer.checkpointNow();
    await append(f, 2500 - 1234);
    await checkpointer.checkpointNow();
    await append(f, 20); // past the last checkpoint
  });
  afterAll(async () => f.close());

  it('pages() returns every row once, in order, byte for byte, in pages of at most pageSize', async () => {
    const [expected] = (await f.db.sequelize.query('SELECT idx, leaf, leaf_hash, record_id, record_seq FROM log_entries ORDER BY idx')) as [Record<string, unknown>[], unknown];
    const rows: LogRow[] = [];
    for await (const page of f.store.pages(700)) {
      expect(page.length).toBeGreaterThan(0);
      expect(page.length).toBeLessThanOrEqual(700);
      rows.push(...page);
    }
    expect(rows.length).toBe(2520);
    rows.forEach((row, i) => {
      const want = expected[i]!;
      expect(row.idx).toBe(i);
      expect(Buffer.from(row.leaf).equals(Buffer.from(want.leaf as Uint8Array))).toBe(true);
      expect(Buffer.from(row.leaf_hash).equals(Buffer.from(want.leaf_hash as Uint8Array))).toBe(true);
      expect(row.record_id).toBe(want.record_id ?? null);
      expect(row.record_seq).toBe(want.record_seq === null ? null : Number(want.record_seq));
    });
  });

  it('verifies the whole log, and names the first bad index wherever it lies', async () => {
    expect(await verifyLog(f.store, key.verifierKey)).toMatchObject({ ok: true, size: 2520, checkpointsVerified: 2 });
    await dropGuards(f);

    // A malformed leaf after the last checkpoint, its stored hash rewritten: only the structural check sees it.
    const malformed = Buffer.from(`${LEAF_PREFIX}["not", "an", "event"]`);
    await f.db.sequelize.query('UPDATE log_entries SET leaf = :leaf, leaf_hash = :hash WHERE idx = 2510', { replacements: { leaf: malformed, hash: hashLeaf(malformed) } });
    const structural = await verifyLog(f.store, key.verifierKey);
    expect(structural).toMatchObject({ ok: false, firstBadIndex: 2510, checkpointsVerified: 2 });
    expect(structural.problem).toMatch(/not a canonical safekeep leaf/);

    const noPrefix = Buffer.from('{"ts_server":"2026-01-05T09:00:00.000000Z","type":"device.read"}');
    await f.db.sequelize.query('UPDATE log_entries SET leaf = :leaf, leaf_hash = :hash WHERE idx = 2505', { replacements: { leaf: noPrefix, hash: hashLeaf(noPrefix) } });
    expect(await verifyLog(f.store, key.verifierKey)).toMatchObject({ ok: false, firstBadIndex: 2505, problem: expect.stringMatching(/prefix/) });

    // Deep in a later page.
    await f.db.sequelize.query('DELETE FROM log_entries WHERE idx = 1717');
    expect(await verifyLog(f.store, key.verifierKey)).toMatchObject({ ok: false, firstBadIndex: 1717, size: 1717, checkpointsVerified: 1 });
  });
});
