import { afterEach, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dialectsUnderTest } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { openDatabase } from '../../server/db/connect';
import { defineModels } from '../../server/db/models';
import { EventBus } from '../../server/ingest/event-bus';
import { CustodyWriter, WriterHaltedError } from '../../server/ingest/custody-writer';
import { decodeLeaf } from '../../server/custody-log/leaf';
import { hashLeaf } from '../../server/custody-log/merkle';
import { ManualClock } from '../../server/shared/clock';
import { silentLogger } from '../../server/shared/logger';
import type { CommittedLeaf } from '../../server/ingest/custody-writer';
import { AlertRaiser } from '../../server/domain/alert-raiser';
import { Alert } from '../../server/db/models';
import { Checkpointer } from '../../server/custody-log/checkpointer';
import { loadOrCreateSigningKey } from '../../server/custody-log/signing-key';
import { verifyLog } from '../../server/custody-log/verify-log';

const dialects = await dialectsUnderTest();

describe.each(dialects)('custody writer on %s', (dialect) => {
  let f: WriterFixture;
  afterEach(async () => f?.close());

  it('commits concurrent jobs in batches with gapless indexes and strictly increasing ts_server', async () => {
    f = await writerFixture(dialect, { maxBatch: 64 });
    const committed: CommittedLeaf[][] = [];
    f.bus.on('custody.committed', ({ leaves }) => committed.push(leaves));
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => f.writer.submit({ run: async (ctx) => (await ctx.append({ type: 'test.event', n: i })).index })),
    );
    expect(outcomes.map((o) => (o.duplicate ? -1 : o.value))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // Grouped: far fewer commits than jobs.
    expect(committed.length).toBeLessThan(300);
    expect(committed.flat().map((l) => l.index)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const times = committed.flat().map((l) => l.event.ts_server!);
    for (let i = 1; i < times.length; i++) expect(times[i]! > times[i - 1]!).toBe(true);
    expect(await f.store.size()).toBe(300);
  });

  it('lets an urgent job ahead of queued work, but never ahead of earlier jobs of its own lane', async () => {
    f = await writerFixture(dialect, { maxBatchMs: 60_000 });
    const slow = (n: number, lane: string) =>
      f.writer.submit({ lane, run: async (ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return (await ctx.append({ type: 'normal', n })).index;
      } });
    const normals = Array.from({ length: 40 }, (_, i) => slow(i, `cab-${i % 4}`));
    const urgent = (lane: string) => f.writer.submit({ urgent: true, lane, run: async (ctx) => (await ctx.append({ type: 'urgent', lane })).index });
    const elsewhere = urgent('cab-9');
    const behindItsLane = urgent('cab-1');
    const [free, held, ...rest] = await Promise.all([elsewhere, behindItsLane, ...normals]);
    const index = (o: typeof free) => (o.duplicate ? -1 : o.value);
    // The running batch ends at its first job once an urgent job waits.
    expect(index(free)).toBe(1);
    // cab-1 had reads queued before its badge: the badge waits its turn behind them.
    expect(index(held)).toBe(41);
    expect(rest.map(index)).toEqual([0, ...Array.from({ length: 39 }, (_, i) => i + 2)]);
    expect(await f.store.size()).toBe(42);
  });

  describe('urgent jobs and batches', () => {
    let commits: string[][];
    const job = (name: string, extra: { urgent?: boolean; waitMs?: number; meanwhile?: () => void } = {}): Promise<unknown> =>
      f.writer.submit({ urgent: extra.urgent, lane: name, run: async (ctx) => {
        // Jobs submitted from inside a running one queue up behind it, whatever the timing.
        extra.meanwhile?.();
        if (extra.waitMs) await new Promise((resolve) => setTimeout(resolve, extra.waitMs));
        return (await ctx.append({ type: 'test.event', name })).index;
      } });
    const later: Promise<unknown>[] = [];
    const submit = (...jobs: (() => Promise<unknown>)[]) => () => jobs.forEach((make) => later.push(make()));
    const settled = async () => {
      while (later.length > 0) await later.pop();
    };

    // Budgets far above what these few jobs take, so only the order of events decides the batches
    // on a loaded machine; the riders' test crosses its budget with a job that waits longer still.
    const URGENT_BUDGET_MS = 200;
    async function start(): Promise<void> {
      f = await writerFixture(dialect, { maxBatchMs: 1000, urgentBatchMs: URGENT_BUDGET_MS });
      commits = [];
      f.bus.on('custody.committed', ({ leaves }) => commits.push(leaves.map((l) => String(l.event.name))));
    }

    it('takes an urgent job into the running batch: one commit for the person at the door, not that one and then their own', async () => {
      await start();
      const normals = Array.from({ length: 5 }, (_, i) => () => job(`n${i}`, { waitMs: 2, meanwhile: i === 0 ? submit(() => job('badge', { urgent: true })) : undefined }));
      await job('first', { waitMs: 5, meanwhile: submit(...normals) });
      await settled();
      expect(commits).toEqual([['first'], ['n0', 'badge'], ['n1', 'n2', 'n3', 'n4']]);
    });

    it('checks an urgent job that jumps into a running batch against the keys already stored', async () => {
      await start();
      // A key counts as stored once its device_events row is.
      await f.writer.submit({ idempotencyKey: 'badge-7', run: async (ctx) => {
        const leaf = await ctx.append({ type: 'test.event', name: 'badge-7' });
        ctx.insertLater('device_events', { id: 'e7', idempotency_key: 'badge-7', device_id: 'door', kind: 'badge', payload: '{}', ts_device: null, ts_received: new Date().toISOString(), log_index: leaf.index });
      } });
      let replay: Promise<{ duplicate: boolean }> | null = null;
      const resend = () => (replay = f.writer.submit({ urgent: true, lane: 'door', idempotencyKey: 'badge-7', run: async (ctx) => ctx.append({ type: 'test.event', name: 'again' }) }));
      await job('first', { waitMs: 5, meanwhile: submit(() => job('n0', { waitMs: 2, meanwhile: resend }), () => job('n1')) });
      await settled();
      expect(await replay).toEqual({ duplicate: true });
      expect(commits).toEqual([['badge-7'], ['first'], ['n0'], ['n1']]);
    });

    it('retries alone only the jobs a failed batch had started: the rest commit together', async () => {
      await start();
      const failing = () => f.writer.submit({ urgent: true, lane: 'door', run: async () => { throw new Error('refused'); } });
      let refused: Promise<unknown> | null = null;
      await job('first', { waitMs: 5, meanwhile: submit(...['n1', 'n2', 'n3'].map((name) => () => job(name)), () => {
        refused = failing();
        return refused.catch(() => undefined);
      }) });
      await expect(refused).rejects.toThrow('refused');
      await settled();
      expect(commits).toEqual([['first'], ['n1', 'n2', 'n3']]);
    });

    it('lets normal jobs ride behind urgent ones for a short budget, never ahead of them', async () => {
      await start();
      await job('first', { waitMs: 5, meanwhile: submit(() => job('n1'), () => job('n2'), () => job('badge', { urgent: true })) });
      await settled();
      expect(commits).toEqual([['first'], ['badge', 'n1', 'n2']]);

      // Past the budget, the riders wait for the next commit.
      commits.length = 0;
      await job('second', { waitMs: 5, meanwhile: submit(() => job('slow', { waitMs: 2 * URGENT_BUDGET_MS }), () => job('n3'), () => job('badge2', { urgent: true })) });
      await settled();
      expect(commits).toEqual([['second'], ['badge2', 'slow'], ['n3']]);
    });
  });

  it('ends a batch after its time budget, so a commit is never held behind a flood', async () => {
    f = await writerFixture(dialect, { maxBatchMs: 5 });
    let commits = 0;
    f.bus.on('custody.committed', () => commits++);
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        f.writer.submit({ run: async (ctx) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          return (await ctx.append({ type: 'test.event', n: i })).index;
        } }),
      ),
    );
    expect(outcomes.map((o) => (o.duplicate ? -1 : o.value))).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(commits).toBeGreaterThanOrEqual(5);
  });

  it('stores a job with a repeated idempotency key once, within a batch and across batches', async () => {
    f = await writerFixture(dialect);
    const job = (n: number) => ({
      idempotencyKey: 'reader-1:boot-a:7',
      run: async (ctx: Parameters<Parameters<CustodyWriter['submit']>[0]['run']>[0]) => {
        const leaf = await ctx.append({ type: 'device.read', n });
        ctx.insertLater('device_events', {
          id: `e${n}`,
          idempotency_key: 'reader-1:boot-a:7',
          device_id: 'reader-1',
          kind: 'badge',
          payload: '{}',
          ts_device: null,
          ts_received: new Date().toISOString(),
          log_index: leaf.index,
        });
        return leaf.index;
      },
    });
    const [a, b] = await Promise.all([f.writer.submit(job(1)), f.writer.submit(job(2))]);
    const later = await f.writer.submit(job(3));
    expect([a.duplicate, b.duplicate, later.duplicate]).toEqual([false, true, true]);
    expect(await f.store.size()).toBe(1);
  });

  it('isolates a failing job: its batch-mates still commit and nothing of it remains', async () => {
    f = await writerFixture(dialect);
    const results = await Promise.allSettled([
      f.writer.submit({ run: async (ctx) => (await ctx.append({ type: 'good', n: 1 })).index }),
      f.writer.submit({
        run: async (ctx) => {
          await ctx.append({ type: 'bad' });
          throw new Error('rule refused');
        },
      }),
      f.writer.submit({ run: async (ctx) => (await ctx.append({ type: 'good', n: 2 })).index }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const types = [];
    for await (const page of f.store.pages()) types.push(...page.map((r) => decodeLeaf(r.leaf).type));
    expect(types).toEqual(['good', 'good']);
  });

  it('chains each record: record_seq counts up and record_prev is the previous leaf hash', async () => {
    f = await writerFixture(dialect);
    for (let i = 0; i < 3; i++) {
      await f.writer.submit({
        run: async (ctx) => {
          await ctx.append({ type: 'x', record: 'rec-A' });
          await ctx.append({ type: 'x', record: 'rec-B' });
        },
      });
    }
    const rows = await f.store.entriesOfRecord('rec-A');
    const events = rows.map((r) => decodeLeaf(r.leaf));
    expect(events.map((e) => e.record_seq)).toEqual([1, 2, 3]);
    expect(events[0]!.record_prev).toBeUndefined();
    expect(events[1]!.record_prev).toBe(hashLeaf(rows[0]!.leaf).toString('hex'));
    expect(events[2]!.record_prev).toBe(hashLeaf(rows[1]!.leaf).toString('hex'));
  });

  it("keeps every field of the job's event, whatever its name, and sets the chain fields only itself", async () => {
    f = await writerFixture(dialect);
    // Names an object inherits (constructor, toString…) are fields like any other in a leaf.
    await f.writer.submit({ run: async (ctx) => ctx.append({ type: 'x', record: 'rec-C', constructor: 'c', toString: 't', valueOf: 'v', record_seq: 99, ts_server: 'mine' } as never) });
    const [row] = await f.store.entriesOfRecord('rec-C');
    const event = decodeLeaf(row!.leaf) as unknown as Record<string, unknown>;
    expect(event).toMatchObject({ type: 'x', record: 'rec-C', record_seq: 1 });
    expect([event.constructor, event.toString, event.valueOf]).toEqual(['c', 't', 'v']);
    expect(event.ts_server).not.toBe('mine');
  });

  it('continues correctly after another process appended to the same log', async () => {
    f = await writerFixture(dialect);
    await f.writer.submit({ run: async (ctx) => ctx.append({ type: 'first', record: 'rec-A' }) });
    const otherDb = await openDatabase({ url: f.url }, silentLogger);
    defineModels(otherDb.sequelize);
    const other = new CustodyWriter({ db: otherDb, clock: new ManualClock(new Date('2030-01-01T00:00:00Z')), logger: silentLogger, bus: new EventBus() });
    await other.start();
    await other.submit({ run: async (ctx) => ctx.append({ type: 'from-cli', record: 'rec-A' }) });
    await other.stop();
    await otherDb.close();
    const outcome = await f.writer.submit({ run: async (ctx) => ctx.append({ type: 'after', record: 'rec-A' }) });
    expect(outcome.duplicate ? -1 : outcome.value.index).toBe(2);
    const events = (await f.store.entriesOfRecord('rec-A')).map((r) => decodeLeaf(r.leaf));
    expect(events.map((e) => e.record_seq)).toEqual([1, 2, 3]);
    // ts_server never goes back, even though this writer's clock is behind the other's.
    expect(events[2]!.ts_server! > events[1]!.ts_server!).toBe(true);
  });
});

describe('disk full (SQLite)', () => {
  it('stops acknowledging, raises an alert, keeps the log intact, and resumes when space returns', async () => {
    const f = await writerFixture('sqlite', { resumeProbeMs: 50 });
    const alerts = new AlertRaiser({ bus: f.bus, writer: f.writer, logger: silentLogger });
    alerts.start();
    try {
      const halted: string[] = [];
      f.bus.on('writer.halted', ({ reason }) => halted.push(reason));
      const resumed = new Promise<void>((resolve) => f.bus.on('writer.resumed', () => resolve()));
      await f.writer.submit({ run: async (ctx) => ctx.append({ type: 'before' }) });
      // Cap the database file at its current size: the next page allocation fails with SQLITE_FULL,
      // exactly as a full disk does. The limit is per connection, so set it on the writer's.
      const [{ page_count }] = (await f.db.sequelize.query('PRAGMA page_count', { type: QueryTypes.SELECT })) as [{ page_count: number }];
      const manager = f.db.sequelize.connectionManager as unknown as { getConnection(o?: object): Promise<{ run(sql: string, cb: (e: Error | null) => void): void }> };
      const open = manager.getConnection.bind(manager);
      let full = true;
      manager.getConnection = async (o?: object) => {
        const conn = await open(o);
        await new Promise<void>((resolve, reject) => conn.run(`PRAGMA max_page_count = ${full ? page_count : 1_000_000}`, (e) => (e ? reject(e) : resolve())));
        return conn;
      };
      const big = 'x'.repeat(200_000);
      await expect(f.writer.submit({ run: async (ctx) => ctx.append({ type: 'big', filler: big }) })).rejects.toBeInstanceOf(WriterHaltedError);
      expect(halted).toEqual(['the disk is full']);
      expect(f.writer.haltedSince).not.toBeNull();
      await expect(f.writer.submit({ run: async (ctx) => ctx.append({ type: 'refused' }) })).rejects.toBeInstanceOf(WriterHaltedError);
      expect(await f.store.size()).toBe(1);
      full = false;
      await resumed;
      // The alert raised while the disk was full is written as soon as writes resume.
      for (let i = 0; i < 100 && (await Alert.count()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const [alert] = await Alert.findAll();
      expect(alert).toMatchObject({ type: 'storage.writes_suspended', severity: 'critical', status: 'open' });
      const after = await f.writer.submit({ run: async (ctx) => (await ctx.append({ type: 'after' })).index });
      expect(after.duplicate ? -1 : after.value).toBe(2);
      const key = await loadOrCreateSigningKey(f.dataDir, 'safekeep-test');
      await new Checkpointer({ store: f.store, key, origin: 'safekeep/test', clock: f.clock, logger: silentLogger }).checkpointNow();
      expect(await verifyLog(f.store, key.verifierKey)).toMatchObject({ ok: true, size: 3, checkpointsVerified: 1 });
    } finally {
      alerts.stop();
      await f.close();
    }
  });
});
