import http from 'node:http';
import https from 'node:https';
import { hostname, networkInterfaces } from 'node:os';
import type { TlsMaterial } from './tls/tls-material';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { EnvConfig } from './config/env';
import type { OfficeConfig } from './config/office-schema';
import { openDatabase, type Database } from './db/connect';
import { migrate } from './db/migrate';
import { defineModels } from './db/models';
import { EventBus } from './ingest/event-bus';
import { CustodyWriter } from './ingest/custody-writer';
import { DeviceIngest } from './ingest/device-ingest';
import { LogStore } from './custody-log/log-store';
import { Checkpointer } from './custody-log/checkpointer';
import { loadOrCreateSigningKey } from './custody-log/signing-key';
import { Directory } from './domain/directory';
import { syncOffice } from './domain/office-sync';
import { AlertRaiser } from './domain/alert-raiser';
import { Correlator } from './workflows/correlator';
import { startVisitors } from './visitors/visitors-module';
import { CabinetWatch } from './workflows/cabinet-watch';
import { FileWatch } from './workflows/file-watch';
import { AlertEscalator } from './domain/alerts-service';
import { startBrokerThread, type BrokerThread } from './broker/broker-thread';
import { MqttCredentialStore } from './broker/credential-store';
import { openBrokerAccess, serverClientUrl } from './broker/office-accounts';
import { createHttpApp } from './api/http-app';
import { LiveSocket } from './api/live-socket';
import { DeviceLayer } from '../devices/device-layer';
import type { RegistryPolicy } from '../devices/registry/registry-rules';
import { CommandDispatcher } from '../devices/commands/command-dispatcher';
import type { MqttLinkOpener } from '../devices/transports/mqtt-link';
import { mqttClientLinks } from '../devices/transports/mqtt-link-client';
import { systemClock, type Clock } from './shared/clock';
import type { Logger } from './shared/logger';
import type { Services } from './services';
import { createAuthServices } from './auth/auth-services';

export interface OfficeServerOptions {
  env: EnvConfig;
  office: OfficeConfig;
  logger: Logger;
  clock?: Clock;
  checkpointIntervalMs?: number;
  /** Where the built dashboard lives; defaults to dashboard/dist. */
  dashboardDir?: string;
  /** HTTPS with this certificate; cookies become Secure and responses carry HSTS. */
  tls?: TlsMaterial;
  /** Device registry settings (debounce, flood limits); scripted tests shorten the debounce. */
  devicePolicy?: Partial<RegistryPolicy>;
}

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VERSION = '0.1.0';

/** Opens the database and brings the schema and log up to date: shared by the server and the CLI. */
export async function openOfficeDatabase(env: EnvConfig, logger: Logger, options: { walCheckpointMs?: number } = {}): Promise<Database> {
  const db = await openDatabase({ ...env.database, ...options }, logger);
  await migrate(db.sequelize, logger);
  defineModels(db.sequelize);
  return db;
}

export function signingKeyFor(env: EnvConfig, office: OfficeConfig) {
  return loadOrCreateSigningKey(env.dataDir, `safekeep-${office.office.id}`);
}

/**
 * A running office: data flows devices -> normalized events -> writer (domain change + custody
 * leaf in one transaction) -> socket.io and API. Modules start in that order and stop in reverse.
 */
export class OfficeServer {
  private constructor(
    readonly services: Services,
    readonly url: string,
    private readonly stops: (() => Promise<void> | void)[],
    /** The embedded broker's thread, when the office runs one (for its load, in diagnostics). */
    readonly broker: BrokerThread | null,
  ) {}

  static async start(options: OfficeServerOptions): Promise<OfficeServer> {
    const { env, office, logger } = options;
    const clock = options.clock ?? systemClock;
    const stops: (() => Promise<void> | void)[] = [];
    const stopAll = async () => {
      for (const stop of stops.splice(0).reverse()) await stop();
    };
    try {
      // A running office checkpoints SQLite's write-ahead log beside the writer, not in its commits.
      const db = await openOfficeDatabase(env, logger, { walCheckpointMs: 1000 });
      stops.push(() => db.close());
      const bus = new EventBus();
      const writer = new CustodyWriter({ db, clock, logger, bus });
      await writer.start();
      stops.push(() => writer.stop());
      await syncOffice(writer, office);
      const directory = new Directory(office);
      await directory.refreshBadges(db.sequelize);
      const store = new LogStore(db.sequelize);
      const key = await signingKeyFor(env, office);
      const alerts = new AlertRaiser({ bus, writer, logger });
      alerts.start();
      stops.push(() => alerts.stop());
      const checkpointer = new Checkpointer({
        store,
        key,
        origin: `safekeep/${office.office.id}`,
        clock,
        logger,
        intervalMs: options.checkpointIntervalMs ?? 10_000,
        onIntegrityFailure: (error) => alerts.raise({ type: 'log.integrity_failure', severity: 'critical', message: error.message }),
        write: async (work) => {
          const outcome = await writer.submit({ run: (ctx) => work(ctx.transaction) });
          if (outcome.duplicate) throw new Error('checkpoint: the writer answered a job without a key as a duplicate');
          return outcome.value;
        },
      });
      stops.push(bus.on('custody.committed', ({ leaves }) => checkpointer.learnCommitted(leaves)));
      checkpointer.start();
      stops.push(() => checkpointer.stop());

      // Every MQTT client logs in: each board with its own password (the data directory's
      // mqtt-credentials.json), the server's own clients as safekeep-server or with MQTT_URL's login.
      let broker: BrokerThread | null = null;
      let credentials: MqttCredentialStore;
      if (env.mqtt.mode === 'embedded') {
        // Opened here first, so the broker thread finds the credential store made, never racing to make it.
        credentials = openBrokerAccess({ dataDir: env.dataDir, office }).store;
        broker = await startBrokerThread({ port: env.mqtt.port, ...(env.mqtt.host ? { host: env.mqtt.host } : {}), dataDir: env.dataDir, office, logger });
        stops.push(() => broker!.close());
      } else credentials = MqttCredentialStore.open(env.dataDir);
      const mqttUrl = broker ? broker.url : env.mqtt.mode === 'external' ? env.mqtt.url : '';
      // The embedded broker is reached through its thread; an external one over MQTT.js, with the login.
      const embedded = broker;
      const mqttLinks: MqttLinkOpener | undefined = embedded
        ? async () => embedded.localLink()
        : mqttUrl
          ? mqttClientLinks(serverClientUrl(mqttUrl, credentials), logger)
          : undefined;
      const devices = new DeviceLayer({ bus, office, ...(mqttLinks ? { mqtt: mqttLinks } : {}), logger, clock, ...(options.devicePolicy ? { policy: options.devicePolicy } : {}) });
      const auth = await createAuthServices({ db, writer, clock, logger, dataDir: env.dataDir, secure: !!options.tls });
      let origins: ReadonlySet<string> = new Set();
      let live: LiveSocket | null = null;
      const services: Services = {
        db,
        bus,
        writer,
        store,
        checkpointer,
        directory,
        key,
        origin: `safekeep/${office.office.id}`,
        clock,
        logger,
        dataDir: env.dataDir,
        brokerStatus: () => ({ ok: devices.brokerConnected(), mode: broker ? 'embedded' : 'external', url: redact(mqttUrl) }),
        auth,
        allowedOrigins: () => origins,
        disconnectUser: (userId) => live?.disconnectUser(userId),
      };
      const sessionSweep = setInterval(() => void auth.sessions.purgeExpired().catch(() => undefined), 10 * 60_000);
      sessionSweep.unref();
      stops.push(() => clearInterval(sessionSweep));

      const visitors = await startVisitors({ db, writer, bus, clock, logger, office, dataDir: env.dataDir, variables: process.env }, services);
      stops.push(() => visitors.stop());
      const correlator = new Correlator({ office, directory, sequelize: db.sequelize, visitors: visitors.reception });
      // Access decisions read cached facts: any committed change to people, rules or files refreshes them.
      stops.push(bus.on('custody.committed', ({ leaves }) => correlator.access.noteCommitted(leaves.map((l) => l.event.type))));
      stops.push(
        bus.on('writer.external_append', () => {
          correlator.access.noteCommitted(['person.external']);
          void directory.refreshBadges(db.sequelize);
        }),
      );
      const ingest = new DeviceIngest({ bus, writer, directory, logger, correlator });
      ingest.start();
      stops.push(() => ingest.stop());
      const cabinetWatch = new CabinetWatch({ office, writer, bus, correlator, clock, logger });
      cabinetWatch.start();
      stops.push(() => cabinetWatch.stop());
      const fileWatch = new FileWatch({ office, writer, bus, clock, logger });
      fileWatch.start();
      stops.push(() => fileWatch.stop());
      const escalator = new AlertEscalator({ writer, bus, clock });
      escalator.start();
      stops.push(() => escalator.stop());
      await devices.start();
      stops.push(() => devices.stop());
      if (mqttLinks) {
        const commands = new CommandDispatcher({ openLink: mqttLinks, bus, devices: office.devices, logger, clock });
        await commands.start();
        stops.push(() => commands.stop());
      }

      const app = createHttpApp(services, { version: VERSION, hsts: !!options.tls, dashboardDir: options.dashboardDir ?? path.join(PROJECT_ROOT, 'dashboard/dist') });
      const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, app) : http.createServer(app);
      live = new LiveSocket(services);
      live.start(server, () => origins);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(env.port, env.host, () => resolve());
      });
      stops.push(async () => {
        await live?.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
      const port = (server.address() as AddressInfo).port;
      const scheme = options.tls ? 'https' : 'http';
      const url = `${scheme}://${env.host.includes(':') ? `[${env.host}]` : env.host}:${port}`;
      origins = allowedOriginsFor(scheme, env.host, port, process.env.SAFEKEEP_PUBLIC_URL);
      logger.info({ url, log_size: writer.size }, 'safekeep is running');
      return new OfficeServer(services, url, stops, broker);
    } catch (err) {
      await stopAll();
      throw err;
    }
  }

  async stop(): Promise<void> {
    // Sign what was committed, so the next start (or an auditor) finds the tail covered.
    await this.services.checkpointer.checkpointNow().catch(() => undefined);
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}

/** The origins browsers use to reach this server: loopback names, the listen address, and the public URL if set. */
function allowedOriginsFor(scheme: string, host: string, port: number, publicUrl: string | undefined): ReadonlySet<string> {
  const hosts = new Set([host.includes(':') ? `[${host}]` : host, '127.0.0.1', 'localhost', '[::1]', hostname()]);
  const origins = new Set([...hosts].map((h) => `${scheme}://${h}:${port}`));
  // Listening on every address: a browser may come by any of this machine's LAN addresses.
  if (host === '0.0.0.0' || host === '::') {
    for (const a of Object.values(networkInterfaces()).flat()) if (a) origins.add(`${scheme}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${port}`);
  }
  if (publicUrl) origins.add(new URL(publicUrl).origin);
  return origins;
}

/** Broker URLs may carry a password; health answers never do. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
