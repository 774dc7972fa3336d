import path from 'node:path';
import { OfficeServer, type OfficeServerOptions } from '../../server/office-server';
import { silentLogger } from '../../server/shared/logger';
import { freshDatabase, type TestDialect } from './databases';
import { demoOffice, testEnv } from './office';
import { signIn, type ApiClient, type SignInRole } from './auth-client';

export interface ServerFixture {
  server: OfficeServer;
  url: string;
  mqttUrl: string;
  dataDir: string;
  /** A signed-in client of that role, made on first use. */
  as(role: SignInRole): Promise<ApiClient>;
  close(): Promise<void>;
}

/** A whole running office on ephemeral ports: HTTP, socket.io, broker (embedded unless given). */
export async function startTestServer(
  options: {
    dialect?: TestDialect;
    /** SQLite in this directory (it must exist) instead of a fresh temporary one. */
    dataDir?: string;
    mqttUrl?: string;
    checkpointIntervalMs?: number;
    dashboardDir?: string;
    devicePolicy?: OfficeServerOptions['devicePolicy'];
  } = {},
): Promise<ServerFixture> {
  const db = options.dataDir
    ? { dataDir: options.dataDir, url: `sqlite:${path.join(options.dataDir, 'safekeep.sqlite')}`, drop: async () => undefined }
    : await freshDatabase(options.dialect ?? 'sqlite');
  const env = testEnv({ dataDir: db.dataDir, databaseUrl: db.url, ...(options.mqttUrl ? { mqttUrl: options.mqttUrl } : {}) });
  const server = await OfficeServer.start({
    env,
    office: demoOffice(),
    logger: silentLogger,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 60_000,
    ...(options.devicePolicy ? { devicePolicy: options.devicePolicy } : {}),
    ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
  });
  const clients = new Map<SignInRole, Promise<ApiClient>>();
  return {
    server,
    as: (role) => {
      if (!clients.has(role)) clients.set(role, signIn(server, role));
      return clients.get(role)!;
    },
    url: server.url,
    mqttUrl: server.services.brokerStatus().url,
    dataDir: db.dataDir,
    close: async () => {
      await server.stop();
      await db.drop();
    },
  };
}
