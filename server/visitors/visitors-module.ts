import type { OfficeConfig } from '../config/office-schema';
import type { Database } from '../db/connect';
import type { CustodyWriter } from '../ingest/custody-writer';
import type { EventBus } from '../ingest/event-bus';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { VisitorPurger } from './purge';
import { ReceptionDesk } from './reception';
import { buildRollCall, type RollCall } from './roll-call';
import { VisitorScheduler } from './scheduler';
import { loadOrCreateMasterKey, loadVisitorSettings, type VisitorSettings } from './settings';
import { VisitorVault } from './vault';
import { VisitorService, type OfficeHoursInfo } from './visitor-service';

export interface VisitorsModule {
  service: VisitorService;
  purger: VisitorPurger;
  reception: ReceptionDesk;
  scheduler: VisitorScheduler;
  settings: VisitorSettings;
  rollCall(now?: Date): Promise<RollCall>;
  stop(): Promise<void>;
}

export interface VisitorsDeps {
  db: Database;
  writer: CustodyWriter;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  office: OfficeConfig;
  dataDir: string;
  /** The process environment: SAFEKEEP_VISITOR_* (see settings.ts). */
  variables: NodeJS.ProcessEnv;
}

// The HTTP routes find the module through the Services object they are given. TODO(lead): make
// it a field of Services and drop this map.
const modules = new WeakMap<object, VisitorsModule>();

export function visitorsOf(services: object): VisitorsModule | undefined {
  return modules.get(services);
}

/** Attaches a running module to a Services object (the server does it; tests may too). */
export function attachVisitors(services: object, module: VisitorsModule): void {
  modules.set(services, module);
}

/** Builds the visitor module (loading or creating the master key) and starts its scheduler. */
export async function startVisitors(deps: VisitorsDeps, attachTo?: object): Promise<VisitorsModule> {
  const settings = loadVisitorSettings(deps.variables);
  const master = await loadOrCreateMasterKey(deps.dataDir, settings);
  const vault = new VisitorVault(master);
  const hours = deps.office.office.hours;
  const office: OfficeHoursInfo = { timeZone: deps.office.office.timezone, open: hours.open, close: hours.close, days: hours.days };
  const { sequelize } = deps.db;
  const service = new VisitorService({ sequelize, writer: deps.writer, bus: deps.bus, clock: deps.clock, logger: deps.logger, vault, office });
  const purger = new VisitorPurger({ sequelize, dialect: deps.db.dialect, writer: deps.writer, logger: deps.logger, retentionDays: settings.retentionDays });
  const scheduler = new VisitorScheduler({ service, purger, clock: deps.clock, logger: deps.logger, office, tickMs: settings.tickMs });
  const reception = new ReceptionDesk({ sequelize });
  const readers = deps.office.devices.filter((d) => d.role === 'badge_reader' || d.role === 'combo').map((d) => d.id);
  const places = placesOf(deps.office);
  const module: VisitorsModule = {
    service,
    purger,
    reception,
    scheduler,
    settings,
    rollCall: (now = deps.clock.now()) => buildRollCall({ sequelize, service, timeZone: office.timeZone, readers, places: (id) => places.get(id), now }),
    stop: () => scheduler.stop(),
  };
  scheduler.start();
  if (attachTo) attachVisitors(attachTo, module);
  return module;
}

function placesOf(office: OfficeConfig): Map<string, string> {
  const places = new Map<string, string>();
  const bind = (place: string, ...ids: (string | undefined)[]) => {
    for (const id of ids) if (id) places.set(id, place);
  };
  for (const c of office.cabinets) bind(c.id, c.reader);
  for (const b of office.shred_bins) bind(b.id, b.reader);
  for (const d of office.desks) bind(d.id, d.reader);
  if (office.reception) bind('reception', office.reception.reader);
  return places;
}
