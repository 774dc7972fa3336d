import { afterEach, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dialectsUnderTest } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { Utf8Bytes } from '../../server/ingest/deferred-writes';

const dialects = await dialectsUnderTest();

/** Deferred inserts and updates, through the writer, on cabinet_visits (a table with timestamps). */
describe.each(dialects)('deferred writes on %s', (dialect) => {
  let f: WriterFixture;
  afterEach(async () => f?.close());

  async function seedPeopleAndCabinet(): Promise<void> {
    const { sequelize } = f.db;
    const now = new Date().toISOString();
    await sequelize.query(`INSERT INTO sites (id, name, created_at, updated_at) VALUES ('s', 'Site', :now, :now)`, { replacements: { now } });
    await sequelize.query(`INSERT INTO rooms (id, site_id, name, kind, created_at, updated_at) VALUES ('r', 's', 'Room', 'file_room', :now, :now)`, { replacements: { now } });
    await sequelize.query(`INSERT INTO cabinets (id, room_id, name, created_at, updated_at) VALUES ('c', 'r', 'Cab', :now, :now)`, { replacements: { now } });
    for (const id of ['p1', 'p2', 'p3'])
      await sequelize.query(`INSERT INTO people (id, name, role, active, pseudonym, created_at, updated_at) VALUES (:id, :id, 'staff', :yes, :pseudo, :now, :now)`, {
        replacements: { id, now, yes: true, pseudo: `ps-${id}` },
      });
  }

  const visits = () =>
    f.db.sequelize.query<{ id: string; ended_at: unknown; end_reason: string | null }>('SELECT id, ended_at, end_reason FROM cabinet_visits ORDER BY id', { type: QueryTypes.SELECT });

  it('writes inserts and updates at the end of the batch, folding an update of a row inserted in the same batch into it', async () => {
    f = await writerFixture(dialect);
    await seedPeopleAndCabinet();
    const t0 = new Date('2026-11-22T10:00:00.000Z');
    const row = (id: string, person: string) => ({ id, cabinet_id: 'c', person_id: person, started_at: t0.toISOString(), last_activity_at: t0.toISOString() });
    await f.writer.submit({ run: async (ctx) => {
      ctx.insertLater('cabinet_visits', row('v1', 'p1'));
      ctx.insertLater('cabinet_visits', row('v2', 'p2'));
    } });
    const ended = new Date('2026-11-22T10:05:00.000Z');
    await Promise.all([
      f.writer.submit({ run: async (ctx) => {
        ctx.insertLater('cabinet_visits', row('v3', 'p3'));
        ctx.updateLater('cabinet_visits', 'v3', { ended_at: ended, end_reason: 'door_closed' });
      } }),
      f.writer.submit({ run: async (ctx) => ctx.updateLater('cabinet_visits', 'v1', { ended_at: ended, end_reason: 'timeout' }) }),
      f.writer.submit({ run: async (ctx) => ctx.updateLater('cabinet_visits', 'v2', { ended_at: ended, end_reason: 'door_closed' }) }),
    ]);
    const rows = await visits();
    expect(rows.map((r) => [r.id, r.end_reason, new Date(String(r.ended_at instanceof Date ? r.ended_at.toISOString() : r.ended_at)).toISOString()])).toEqual([
      ['v1', 'timeout', ended.toISOString()],
      ['v2', 'door_closed', ended.toISOString()],
      ['v3', 'door_closed', ended.toISOString()],
    ]);
  });

  it('writes a batch larger than one statement can bind, a column missing from some rows as NULL, and Dates in the dialect\'s own form', async () => {
    f = await writerFixture(dialect);
    await seedPeopleAndCabinet();
    const t0 = new Date('2026-11-22T10:00:00.000Z');
    const n = 7000;
    await f.writer.submit({ run: async (ctx) => {
      for (let i = 0; i < n; i++) {
        const at = new Date(t0.getTime() + i * 1000).toISOString();
        ctx.insertLater('cabinet_visits', { id: `v${String(i).padStart(5, '0')}`, cabinet_id: 'c', person_id: `p${1 + (i % 3)}`, started_at: at, last_activity_at: at, ...(i % 2 ? { end_reason: 'timeout' } : {}) });
      }
    } });
    const rows = await visits();
    expect(rows).toHaveLength(n);
    expect(rows[0]).toMatchObject({ id: 'v00000', end_reason: null });
    expect(rows[n - 1]).toMatchObject({ id: `v0${n - 1}`, end_reason: 'timeout' });
    // A Date goes through Sequelize, as any other write of that column does: it reads back the same.
    await f.writer.submit({ run: async (ctx) => ctx.insertLater('cabinet_visits', { id: 'vdate', cabinet_id: 'c', person_id: 'p1', started_at: t0, last_activity_at: t0 }) });
    const [dated] = await f.db.sequelize.query<{ started_at: unknown }>(`SELECT started_at FROM cabinet_visits WHERE id = 'vdate'`, { type: QueryTypes.SELECT });
    expect(new Date(String(dated!.started_at instanceof Date ? dated!.started_at.toISOString() : dated!.started_at)).toISOString()).toBe(t0.toISOString());
  });

  it('writes nothing of a batch whose deferred statements fail, and refuses names that are not plain identifiers', async () => {
    f = await writerFixture(dialect);
    await seedPeopleAndCabinet();
    await expect(f.writer.submit({ run: async (ctx) => ctx.updateLater('cabinet_visits; DROP TABLE people', 'x', { end_reason: 'x' }) })).rejects.toThrow(/not a plain table or column name/);
    // A foreign key the database refuses at the end of the batch: the job's leaf goes too.
    const before = await f.store.size();
    await expect(
      f.writer.submit({ run: async (ctx) => {
        await ctx.append({ type: 'test.event' });
        ctx.insertLater('cabinet_visits', { id: 'bad', cabinet_id: 'no-such-cabinet', person_id: 'p1', started_at: new Date().toISOString(), last_activity_at: new Date().toISOString() });
      } }),
    ).rejects.toThrow();
    expect(await f.store.size()).toBe(before);
    expect(await visits()).toEqual([]);
  });

  it('upserts a latest-value table: once per key and batch, the last value winning, over rows of earlier batches', async () => {
    f = await writerFixture(dialect);
    const last = () =>
      f.db.sequelize.query<{ device_id: string; kind: string; state: string; log_index: number | string }>('SELECT device_id, kind, state, log_index FROM device_last_states ORDER BY device_id, kind', { type: QueryTypes.SELECT });
    const report = (device_id: string, kind: string, state: string, log_index: number) => ({ device_id, kind, state, ts_received: new Date(1_800_000_000_000 + log_index).toISOString(), log_index });
    const upsert = (row: ReturnType<typeof report>) => f.writer.submit({ run: async (ctx) => ctx.upsertLater('device_last_states', ['device_id', 'kind'], row) });
    await Promise.all([upsert(report('d1', 'door', 'open', 1)), upsert(report('d1', 'lock', 'unlocked', 2)), upsert(report('d1', 'door', 'closed', 3))]);
    expect((await last()).map((r) => [r.device_id, r.kind, r.state, Number(r.log_index)])).toEqual([
      ['d1', 'door', 'closed', 3],
      ['d1', 'lock', 'unlocked', 2],
    ]);
    await Promise.all([upsert(report('d1', 'door', 'open', 4)), upsert(report('d2', 'door', 'closed', 5))]);
    expect((await last()).map((r) => [r.device_id, r.kind, r.state])).toEqual([
      ['d1', 'door', 'open'],
      ['d1', 'lock', 'unlocked'],
      ['d2', 'door', 'closed'],
    ]);
    await expect(f.writer.submit({ run: async (ctx) => ctx.upsertLater('device_last_states', ['device_id', 'kind'], { ...report('d3', 'door', 'open', 6), 'state = 1; --': 'x' }) })).rejects.toThrow(/not a plain table or column name/);
    await expect(f.writer.submit({ run: async (ctx) => ctx.upsertLater('device_last_states', ['device_id', 'kind;'], report('d3', 'door', 'open', 6)) })).rejects.toThrow(/needs a value for its key|not a plain/);
    const { kind: _kind, ...keyless } = report('d3', 'door', 'open', 6);
    await expect(f.writer.submit({ run: async (ctx) => ctx.upsertLater('device_last_states', ['device_id', 'kind'], keyless) })).rejects.toThrow(/needs a value for its key kind/);
  });

  it('stores every kind of value it takes exactly as given: bytes, big integers, numeric-looking and non-ASCII text', async () => {
    f = await writerFixture(dialect);
    // The checkpoints table is a convenient one with bytes, a big integer and free text.
    const rows = [
      { tree_size: 2 ** 40, root_hash: Buffer.from(Array.from({ length: 256 }, (_, i) => i)), note: '0042', created_at: '2026-12-07T01:00:00.000Z' },
      { tree_size: 7, root_hash: Buffer.alloc(0), note: 'café ☃ 📁 "quoted" \\ back\n end', created_at: '2026-12-07T01:00:01.000Z' },
      // Single quotes: on SQLite the rows travel inside a SQL string literal.
      { tree_size: 6, root_hash: Buffer.from('27', 'hex'), note: "O'Brien's file'); DROP TABLE people; --", created_at: '2026-12-07T01:00:04.000Z' },
    ];
    await f.writer.submit({ run: async (ctx) => rows.forEach((row) => ctx.insertLater('checkpoints', row)) });
    const stored = await f.db.sequelize.query<{ tree_size: number | string; root_hash: Buffer; note: string }>('SELECT tree_size, root_hash, note FROM checkpoints ORDER BY tree_size DESC', { type: QueryTypes.SELECT });
    expect(stored.map((r) => ({ tree_size: Number(r.tree_size), root_hash: Buffer.from(r.root_hash), note: r.note }))).toEqual(rows.map(({ created_at: _, ...r }) => r));
    if (dialect === 'sqlite') {
      const types = await f.db.sequelize.query<Record<string, string>>('SELECT typeof(tree_size) AS n, typeof(root_hash) AS h, typeof(note) AS t FROM checkpoints', { type: QueryTypes.SELECT });
      expect(types).toEqual(rows.map(() => ({ n: 'integer', h: 'blob', t: 'text' })));
    }
    // A column with bytes in one row and text in another, and a number JSON can't carry: written as given all the same.
    await f.writer.submit({ run: async (ctx) => {
      ctx.insertLater('checkpoints', { tree_size: 8, root_hash: Buffer.from('ab'), note: 'n', created_at: '2026-12-07T01:00:02.000Z' });
      ctx.insertLater('checkpoints', { tree_size: 9, root_hash: 'ab', note: 'n', created_at: '2026-12-07T01:00:03.000Z' });
    } });
    const mixed = await f.db.sequelize.query<{ root_hash: Buffer | string }>('SELECT root_hash FROM checkpoints WHERE tree_size IN (8, 9) ORDER BY tree_size', { type: QueryTypes.SELECT });
    expect(mixed.map((r) => Buffer.from(r.root_hash).toString())).toEqual(['ab', 'ab']);

    // Bytes given as the text they are the UTF-8 of (the log's leaves): stored as those bytes.
    const text = "safekeep/event/v1\n{\"a\":\"café ☃ 📁 O'Brien \\\\ \\\"\"}";
    await f.writer.submit({ run: async (ctx) => ctx.insertLater('checkpoints', { tree_size: 10, root_hash: new Utf8Bytes(text), note: 'n', created_at: '2026-12-07T01:00:05.000Z' }) });
    const [leafLike] = await f.db.sequelize.query<{ root_hash: Buffer }>('SELECT root_hash FROM checkpoints WHERE tree_size = 10', { type: QueryTypes.SELECT });
    expect(Buffer.from(leafLike!.root_hash).equals(Buffer.from(text, 'utf8'))).toBe(true);
    if (dialect === 'sqlite') {
      const [type] = await f.db.sequelize.query<{ h: string }>('SELECT typeof(root_hash) AS h FROM checkpoints WHERE tree_size = 10', { type: QueryTypes.SELECT });
      expect(type).toEqual({ h: 'blob' });
    }
  });
});
