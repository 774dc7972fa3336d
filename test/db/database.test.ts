import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dialectsUnderTest } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { FileRecord } from '../../server/db/models';
import { MIGRATION_NAMES } from '../../server/db/migrate';

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
