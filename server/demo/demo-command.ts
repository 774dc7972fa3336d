import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnvConfig } from '../config/env';
import { loadOfficeFile } from '../config/office-file';
import { OfficeServer } from '../office-server';
import { createLogger } from '../shared/logger';
import { systemClock } from '../shared/clock';
import { runUntilSignal, requireTlsOffLoopback } from '../cli/serve-command';
import { Simulator } from '../../devices/simulator/simulator';
import { MqttCredentialStore } from '../broker/credential-store';
import { simulatorLogins } from '../broker/office-accounts';
import { DEMO_CLIENTS, DEMO_PEOPLE, DEMO_RECORD_COUNT, demoBarcode, seedDemoOffice } from './seed';
import { demoAccounts, describeAccounts } from './demo-accounts';
import { DemoVisitors, seedDemoWorkflows } from './demo-activity';

const DEMO_OFFICE_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'office.yaml');

/**
 * A live demo office from nothing: its own data directory (so it never mixes with a real office),
 * the demo office file, seeded people and files, and simulated readers driving the real transports.
 */
export async function demoCommand(): Promise<number> {
  const env = loadEnvConfig(
    {
      ...process.env,
      SAFEKEEP_DATA_DIR: process.env.SAFEKEEP_DATA_DIR ?? './data/demo',
      SAFEKEEP_OFFICE_FILE: process.env.SAFEKEEP_OFFICE_FILE ?? DEMO_OFFICE_FILE,
    },
    process.cwd(),
  );
  requireTlsOffLoopback(env.host, false);
  const office = loadOfficeFile(env.officeFile);
  const logger = createLogger(env.logLevel);
  const simulator = new Simulator({
    office,
    clock: systemClock,
    logger,
    badges: DEMO_PEOPLE.map((p) => p.badge),
    barcodes: Array.from({ length: DEMO_RECORD_COUNT }, (_, i) => demoBarcode(i + 1)),
  });
  // The serial readers' pseudo-terminals exist before the server looks for its ports (it would
  // find them later anyway: serial transports keep retrying).
  await simulator.openPorts();
  let server: OfficeServer;
  try {
    server = await OfficeServer.start({ env, office, logger });
  } catch (err) {
    await simulator.stop();
    throw err;
  }
  const { services } = server;
  // The demo's data directory carries the office file it runs, so every other command pointed
  // at it (SAFEKEEP_DATA_DIR=data/demo npx safekeep log verify) finds the same office.
  if (env.officeFile === DEMO_OFFICE_FILE) copyIfChanged(DEMO_OFFICE_FILE, path.join(env.dataDir, 'office.yaml'));
  const seeded = await seedDemoOffice(services.writer);
  await services.directory.refreshBadges(services.db.sequelize);
  if (seeded) await seedDemoWorkflows(services, DEMO_CLIENTS);
  const accounts = await demoAccounts(services.auth, services.writer, services.clock, env.dataDir);
  const visitors = new DemoVisitors(services);
  visitors.start();
  // The simulated boards log in as the boards, with passwords issued for them now.
  const logins = simulatorLogins({ store: MqttCredentialStore.open(env.dataDir), office, logger });
  await simulator.start({ mqttUrl: services.brokerStatus().url, logins });
  console.log(
    [
      '',
      `Safekeep demo office "${office.office.name}" is running at ${server.url}`,
      `  data: ${env.dataDir}${seeded ? ' (seeded: 8 people with badges, 500 client files SK-000001..SK-000500)' : ''}`,
      `  health: ${server.url}/api/health   API: ${server.url}/api/openapi.json`,
      `  audit the log: SAFEKEEP_DATA_DIR=${path.relative(process.cwd(), env.dataDir) || '.'} npx safekeep log verify`,
      '  sign in as (demo accounts; managers and admins also need the code from an authenticator app set up with the secret):',
      ...describeAccounts(accounts),
      '  simulated readers are sending badge reads, scans and door events; press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  return runUntilSignal(server, async () => {
    visitors.stop();
    await simulator.stop();
  });
}

function copyIfChanged(from: string, to: string): void {
  const text = readFileSync(from, 'utf8');
  let current: string | null = null;
  try {
    current = readFileSync(to, 'utf8');
  } catch {
    // Not there yet.
  }
  if (current !== text) writeFileSync(to, text);
}
