import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OfficeConfig } from '../../server/config/office-schema';
import { OfficeServer } from '../../server/office-server';
import { createLogger, silentLogger } from '../../server/shared/logger';
import { testEnv } from '../support/office';
import { issueBoardLogins, type BoardLogin } from './board-logins';
import { signInDashboard, type DashboardHeaders } from './dashboard';
import { enrollStaff } from './enroll';
import { benchOfficeConfig } from './office-config';

/** Temp directories the bench made; all removed on exit, whatever happens. */
const tempDirs = new Set<string>();

export function benchTempDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `safekeep-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

export interface BenchOffice {
  server: OfficeServer;
  dataDir: string;
  databaseUrl: string;
  mqttUrl: string;
  env: ReturnType<typeof testEnv>;
  office: OfficeConfig;
  dashboard: DashboardHeaders;
  boardLogins: BoardLogin[];
}

/**
 * An office run as `safekeep serve` runs it: SQLite in WAL with synchronous=FULL, the embedded
 * broker, socket.io, the workflows, the default checkpoint interval; but on ephemeral ports, in a
 * temp data dir (never ./data), with the silent logger so stdout stays the bench's own, with the
 * bench's cabinet boards (office-config.ts) and its staff enrolled (enroll.ts).
 */
export async function startBenchOffice(options: { boards: number; checkpointIntervalMs?: number }): Promise<BenchOffice> {
  const dataDir = benchTempDir('office');
  const databaseUrl = `sqlite:${path.join(dataDir, 'safekeep.sqlite')}`;
  const env = testEnv({ dataDir, databaseUrl });
  const office = benchOfficeConfig(options.boards);
  const boardLogins = issueBoardLogins(dataDir, office, options.boards);
  // Server logs go to stderr only, and only when SAFEKEEP_BENCH_LOG is set (e.g. to "warn").
  const logger = process.env.SAFEKEEP_BENCH_LOG ? createLogger(process.env.SAFEKEEP_BENCH_LOG) : silentLogger;
  const server = await OfficeServer.start({ env, office, logger, ...(options.checkpointIntervalMs ? { checkpointIntervalMs: options.checkpointIntervalMs } : {}) });
  let dashboard: DashboardHeaders;
  try {
    await enrollStaff(server.services, options.boards);
    dashboard = await signInDashboard(server.services, server.url);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { server, dataDir, databaseUrl, mqttUrl: server.services.brokerStatus().url, env, office, dashboard, boardLogins };
}
