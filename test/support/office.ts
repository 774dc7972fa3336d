import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadEnvConfig, type EnvConfig } from '../../server/config/env';
import { parseOfficeFile } from '../../server/config/office-file';
import type { OfficeConfig } from '../../server/config/office-schema';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEMO_OFFICE_FILE = path.join(PROJECT_ROOT, 'server/demo/office.yaml');

/** Serial ports of test offices live under this process's own folder, never the demo's /tmp/safekeep-demo. */
export const TEST_SERIAL_DIR = path.join(tmpdir(), `safekeep-test-serial-${process.pid}`);

export function demoOffice(): OfficeConfig {
  const text = readFileSync(DEMO_OFFICE_FILE, 'utf8').replaceAll('/tmp/safekeep-demo/', `${TEST_SERIAL_DIR}/`);
  return parseOfficeFile(text, DEMO_OFFICE_FILE);
}

/** Environment for a test office: ephemeral ports, its own data dir and database. */
export function testEnv(opts: { dataDir: string; databaseUrl: string; mqttUrl?: string }): EnvConfig {
  return loadEnvConfig(
    {
      PORT: '0',
      MQTT_PORT: '0',
      SAFEKEEP_DATA_DIR: opts.dataDir,
      DATABASE_URL: opts.databaseUrl,
      SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE,
      LOG_LEVEL: 'silent',
      ...(opts.mqttUrl ? { MQTT_URL: opts.mqttUrl } : {}),
    },
    PROJECT_ROOT,
  );
}
