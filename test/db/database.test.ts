import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dialectsUnderTest, freshDatabase } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { FileRecord } from '../../server/db/models';
import { migrate, MIGRATION_NAMES } from '../../server/db/migrate';
import { openDatabase } from '../../server/db/connect';
import { silentLogger } from '../../server/shared/logger';

const dialects = await dialectsUnderTest();

/** Sequelize wraps SQLite's trigger error as a "Validation error": the database's own words are in `parent`. */
async function expectRefused(query: Promise<unknown>): Promise<void> {
  const err = await query.then(
    () => null,
    (e: unknown) => e as { message: string; parent?: { message: string } },
  );
  expect(err, 'the database accepted the change').not.toBeNull();
  expect(`${err!.message} ${err!.parent?.message ?? ''}`).toMatch(/append-only/);
}

describe.each(dialects)('database on %s', (dialect) => {
  let f: WriterFixture;
  beforeEach(async () => {
    f = await writerFixture(dialect);
  });
  afterEach(async () => f.close());

  it('runs versioned migrations once and records them', async () => {
    const rows = await f.db.sequelize.query<{ name: string }>('SELECT name FROM schema_migrations', { type: QueryTypes.SELECT });
    expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES());
    expect(MIGRATION_NAMES()[0]).toBe('0001-initial');
  });

  it('refuses UPDATE and DELETE on log entries and checkpoints', async () => {
    await f.writer.submit({ run: async (ctx) => ctx.append({ type: 'test.event' }) });
    await expectRefused(f.db.sequelize.query("UPDATE log_entries SET record_id = 'x'"));
    await expectRefused(f.db.sequelize.query('DELETE FROM log_entries'));
    await f.store.insertCheckpoint(1, Buffer.alloc(32), 'note', new Date());
    await expectRefused(f.db.sequelize.query("UPDATE checkpoints SET note = 'forged'"));
    await expectRefused(f.db.sequelize.query('DELETE FROM checkpoints'));
    expect(await f.store.size()).toBe(1);
  });

  it('enforces foreign keys', async () => {
    await expect(
      FileRecord.create({
        id: 'r1',
        barcode: 'SK-1',
        client: 'c',
        matter: 'm',
        volume: 1,
        title: 't',
        confidentiality: 'standard',
        home_cabinet_id: 'no-such-cabinet',
        retention_class: null,
        status: 'in',
        custodian_person_id: null,
        location_id: null,
      }),
    ).rejects.toThrow(/FOREIGN KEY|foreign key/i);
  });
});

describe('SQLite durability settings', () => {
  it('uses WAL, synchronous=FULL and foreign keys on every connection, including transactions', async () => {
    const f = await writerFixture('sqlite');
    try {
      const [mode] = await f.db.sequelize.query<{ journal_mode: string }>('PRAGMA journal_mode', { type: QueryTypes.SELECT });
      expect(mode?.journal_mode).toBe('wal');
      // Sequelize opens a separate connection for each transaction: check there, where commits happen.
      await f.db.sequelize.transaction(async (transaction) => {
        const [sync] = await f.db.sequelize.query<{ synchronous: number }>('PRAGMA synchronous', { type: QueryTypes.SELECT, transaction });
        const [fk] = await f.db.sequelize.query<{ foreign_keys: number }>('PRAGMA foreign_keys', { type: QueryTypes.SELECT, transaction });
        expect(sync?.synchronous).toBe(2);
        expect(fk?.foreign_keys).toBe(1);
      });
    } finally {
      await f.close();
    }
  });
});

describe.each(dialects)('migration 0008 on %s', (dialect) => {
  it("keeps each door's and lock's last report when it moves them to device_last_states", async () => {
    const fresh = await freshDatabase(dialect);
    const db = await openDatabase({ url: fresh.url }, silentLogger);
    try {
      await migrate(db.sequelize, silentLogger, { to: '0007-files' });
      const read = (n: number, device: string, kind: string, payload: object) =>
        db.sequelize.query(
          `INSERT INTO device_events (id, idempotency_key, device_id, kind, payload, ts_device, ts_received, log_index) VALUES (:id, :key, :device, :kind, :payload, NULL, :at, :n)`,
          { replacements: { id: `e${n}`, key: `k${n}`, device, kind, payload: JSON.stringify(payload), at: new Date(1_800_000_000_000 + n * 1000).toISOString(), n } },
        );
      await read(1, 'cab-1-door', 'door', { state: 'open' });
      await read(2, 'cab-1-door', 'door', { state: 'closed' });
      await read(3, 'cab-1-lock', 'lock', { state: 'unlocked' });
      await read(4, 'cab-1-reader', 'badge', { credential: { canonical: 'X' } });
      await read(5, 'cab-2-door', 'door', { state: 'open' });
      expect(await migrate(db.sequelize, silentLogger)).toEqual(['0008-write-locality']);
      const rows = await db.sequelize.query<{ device_id: string; kind: string; state: string; log_index: number | string }>(
        'SELECT device_id, kind, state, log_index FROM device_last_states ORDER BY device_id, kind',
        { type: QueryTypes.SELECT },
      );
      expect(rows.map((r) => [r.device_id, r.kind, r.state, Number(r.log_index)])).toEqual([
        ['cab-1-door', 'door', 'closed', 2],
        ['cab-1-lock', 'lock', 'unlocked', 3],
        ['cab-2-door', 'door', 'open', 5],
      ]);
    } finally {
      await db.close();
      await fresh.drop();
    }
  });
});
