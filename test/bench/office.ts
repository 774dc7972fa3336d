import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OfficeServer } from '../../server/office-server';
import { silentLogger } from '../../server/shared/logger';
import { demoOffice, testEnv } from '../support/office';

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
  office: ReturnType<typeof demoOffice>;
}

/**
 * The demo office as `safekeep serve` runs it: SQLite in WAL with synchronous=FULL, the embedded
 * broker, socket.io, the default checkpoint interval, but on ephemeral ports, in a temp data dir
 * (never ./data), with the silent logger so stdout stays the bench's own.
 */
export async function startBenchOffice(options: { checkpointIntervalMs?: number } = {}): Promise<BenchOffice> {
  const dataDir = benchTempDir('office');
  const databaseUrl = `sqlite:${path.join(dataDir, 'safekeep.sqlite')}`;
  const env = testEnv({ dataDir, databaseUrl });
  const office = demoOffice();
  const server = await OfficeServer.start({ env, office, logger: silentLogger, ...(options.checkpointIntervalMs ? { checkpointIntervalMs: options.checkpointIntervalMs } : {}) });
  return { server, dataDir, databaseUrl, mqttUrl: server.services.brokerStatus().url, env, office };
}
