import { v7 as uuidv7 } from 'uuid';
import { Person } from '../../server/db/models';
import { decodeLeaf, type LeafEvent } from '../../server/custody-log/leaf';
import { silentLogger } from '../../server/shared/logger';
import { startVisitors, type VisitorsModule } from '../../server/visitors/visitors-module';
import type { RaisedAlert } from '../../server/visitors/visitor-service';
import type { TestDialect } from '../support/databases';
import { demoOffice } from '../support/office';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';

export interface VisitorFixture extends WriterFixture {
  visitors: VisitorsModule;
  host: Person;
  alerts: RaisedAlert[];
  arrivals: { visitId: string; hostPersonId: string }[];
  leaves(): Promise<LeafEvent[]>;
}

export const NDA_TEXT = 'Everything you see or hear at Hartley & Voss LLP is confidential. Version one.';

/** A migrated database, a writer and a running visitor module on the demo office, with one host. */
export async function visitorFixture(dialect: TestDialect, variables: NodeJS.ProcessEnv = {}): Promise<VisitorFixture> {
  const f = await writerFixture(dialect);
  const visitors = await startVisitors({ db: f.db, writer: f.writer, bus: f.bus, clock: f.clock, logger: silentLogger, office: demoOffice(), dataDir: f.dataDir, variables });
  const host = await Person.create({ id: uuidv7(), pseudonym: 'p_host0000000000000000000', name: 'Margaret Hartley', email: 'mh@hartley-voss.example', role: 'staff' });
  const alerts: RaisedAlert[] = [];
  const arrivals: { visitId: string; hostPersonId: string }[] = [];
  f.bus.on('alert.raised', (a) => alerts.push(a));
  f.bus.on('visitor.arrived', (a) => arrivals.push(a));
  return {
    ...f,
    visitors,
    host,
    alerts,
    arrivals,
    async leaves() {
      const out: LeafEvent[] = [];
      for await (const page of f.store.pages()) for (const row of page) out.push(decodeLeaf(row.leaf));
      return out;
    },
    close: async () => {
      await visitors.stop();
      await f.close();
    },
  };
}
