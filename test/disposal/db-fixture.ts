import { QueryTypes } from 'sequelize';
import { Correlator } from '../../server/workflows/correlator';
import { DeviceIngest } from '../../server/ingest/device-ingest';
import { Directory } from '../../server/domain/directory';
import { syncOffice } from '../../server/domain/office-sync';
import { importCsv } from '../../server/domain/csv-import';
import { binsOf, DisposalService } from '../../server/disposal/disposal-service';
import type { OfficeConfig } from '../../server/config/office-schema';
import type { IngestOutcome } from '../../server/ingest/event-bus';
import { canonicalCredential } from '../../devices/credentials/canonical';
import { silentLogger } from '../../server/shared/logger';
import { demoOffice } from '../support/office';
import type { TestDialect } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { CLASSES, FILES, PEOPLE } from './model';

/**
 * The demo office plus what the disposal tests need: a lid lock (`seal`) on shred-1, and a desk
 * with both a reader and a scanner (desk-9), so check-outs, check-ins and transfers can be driven
 * through the real correlator.
 */
export function disposalOffice(): OfficeConfig {
  const office = demoOffice();
  const mqtt = (topic: string) => ({ type: 'mqtt' as const, firmware: 'safekeep' as const, topic });
  office.devices.push(
    { id: 'shred-1-seal', role: 'lock', transport: mqtt('safekeep/shred-1-seal') },
    { id: 'desk-9-reader', role: 'badge_reader', credential_format: 'hex', transport: mqtt('safekeep/desk-9-reader') },
    { id: 'desk-9-scanner', role: 'barcode_scanner', transport: mqtt('safekeep/desk-9-scanner') },
  );
  office.shred_bins[0]!.seal = 'shred-1-seal';
  office.desks.push({ id: 'desk-9', name: 'Test desk', room: 'office-voss', reader: 'desk-9-reader', scanner: 'desk-9-scanner' });
  return office;
}

/** Badge numbers (hex) of the people in model.ts, in that order. */
export const BADGES = ['A1000001', 'A1000002', 'A1000003', 'A1000004', 'A1000005', 'A1000006'];

export interface DisposalFixture extends WriterFixture {
  office: OfficeConfig;
  directory: Directory;
  ingest: DeviceIngest;
  service: DisposalService;
  commands: { deviceId: string; command: string }[];
  /** people.id by the key in model.ts (ada, bob, mia, max, ann, vic). */
  person: Record<string, string>;
  pseudonym: Record<string, string>;
  recordId: Record<string, string>;
  badge(deviceId: string, personKey: string): Promise<IngestOutcome>;
  scan(deviceId: string, data: string): Promise<IngestOutcome>;
  lid(deviceId: string, state: 'open' | 'closed'): Promise<IngestOutcome>;
  query<T extends object>(sql: string, replacements?: Record<string, unknown>): Promise<T[]>;
}

/** A migrated database with the office synced, the people, badges and files of model.ts, classes and closed matters. */
export async function disposalFixture(dialect: TestDialect): Promise<DisposalFixture> {
  const f = await writerFixture(dialect);
  const office = disposalOffice();
  await syncOffice(f.writer, office);
  const directory = new Directory(office);
  const people = `name,email,role\n${PEOPLE.map((p) => `${p.key} Person,${p.key}@example.com,${p.role}`).join('\n')}\n`;
  const badges = `person_email,badge,format\n${PEOPLE.map((p, i) => `${p.key}@example.com,${BADGES[i]},hex`).join('\n')}\n`;
  const files = `barcode,client,matter,title,home_cabinet,retention_class\n${FILES.map((r) => `${r.barcode},${r.client},${r.matter},File,cab-4,${r.cls ?? ''}`).join('\n')}\n`;
  for (const [kind, text] of [['people', people], ['badges', badges], ['records', files]] as const) {
    const report = await importCsv(f.writer, kind, text, 'system:test');
    if (!report.ok) throw new Error(`${kind}: ${JSON.stringify(report.problems)}`);
  }
  await directory.refreshBadges(f.db.sequelize);
  const correlator = new Correlator({ office, directory, sequelize: f.db.sequelize });
  const ingest = new DeviceIngest({ bus: f.bus, writer: f.writer, directory, logger: silentLogger, correlator });
  const service = new DisposalService({ writer: f.writer, bus: f.bus, sequelize: f.db.sequelize, clock: f.clock, dataDir: f.dataDir, findBin: binsOf(directory) });
  const commands: { deviceId: string; command: string }[] = [];
  f.bus.on('device.command', (c) => commands.push(c));

  const query = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) => f.db.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
  const person: Record<string, string> = {};
  const pseudonym: Record<string, string> = {};
  for (const p of await query<{ id: string; email: string; pseudonym: string }>('SELECT id, email, pseudonym FROM people')) {
    person[p.email.split('@')[0]!] = p.id;
    pseudonym[p.email.split('@')[0]!] = p.pseudonym;
  }
  const recordId: Record<string, string> = {};
  for (const r of await query<{ id: string; barcode: string }>('SELECT id, barcode FROM records')) recordId[r.barcode] = r.id;

  for (const c of CLASSES) await service.createClass({ name: c.name, trigger: c.trigger, years: c.years, return_to_client: c.returnToClient });
  for (const m of new Set(FILES.map((r) => `${r.client}\n${r.matter}`))) {
    const [client, matter] = m.split('\n') as [string, string];
    await service.upsertMatter({ client, matter, closed_at: '2010-01-01T00:00:00Z' });
  }
  for (const r of FILES) if (r.ret !== null) await service.setDisposition(r.barcode, { return_to_client: r.ret });

  let seq = 0;
  const send = (event: Record<string, unknown>) =>
    ingest.accept({ event: { idempotencyKey: `test:${seq++}`, ...event } as never, receivedAt: f.clock.now() });
  return {
    ...f,
    office,
    directory,
    ingest,
    service,
    commands,
    person,
    pseudonym,
    recordId,
    query,
    badge: (deviceId, key) => send({ kind: 'badge', deviceId, credential: canonicalCredential(BADGES[PEOPLE.findIndex((p) => p.key === key)]!, 'hex') }),
    scan: (deviceId, data) => send({ kind: 'barcode', deviceId, data }),
    lid: (deviceId, state) => send({ kind: 'door', deviceId, state }),
  };
}
