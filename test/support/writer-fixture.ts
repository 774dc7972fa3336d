import { openDatabase, type Database } from '../../server/db/connect';
import { migrate } from '../../server/db/migrate';
import { defineModels } from '../../server/db/models';
import { EventBus } from '../../server/ingest/event-bus';
import { CustodyWriter } from '../../server/ingest/custody-writer';
import { LogStore } from '../../server/custody-log/log-store';
import { ManualClock } from '../../server/shared/clock';
import { silentLogger } from '../../server/shared/logger';
import { freshDatabase, type TestDialect } from './databases';

export interface WriterFixture {
  db: Database;
  bus: EventBus;
  writer: CustodyWriter;
  store: LogStore;
  clock: ManualClock;
  dataDir: string;
  url: string;
  close(): Promise<void>;
}

/** A migrated database with a started writer, on the given dialect. */
export async function writerFixture(dialect: TestDialect, options: { maxBatch?: number; maxBatchMs?: number; urgentBatchMs?: number; resumeProbeMs?: number } = {}): Promise<WriterFixture> {
  const fresh = await freshDatabase(dialect);
  const db = await openDatabase({ url: fresh.url }, silentLogger);
  await migrate(db.sequelize, silentLogger);
  defineModels(db.sequelize);
  const bus = new EventBus();
  const clock = new ManualClock();
  const writer = new CustodyWriter({ db, clock, logger: silentLogger, bus, ...options });
  await writer.start();
  return {
    db,
    bus,
    writer,
    store: new LogStore(db.sequelize),
    clock,
    dataDir: fresh.dataDir,
    url: fresh.url,
    close: async () => {
      await writer.stop();
      await db.close();
      await fresh.drop();
    },
  };
}
