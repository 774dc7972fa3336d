import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BoardError } from '../../devices/firmware-config/boards';
import { BrokerAddressError, isLoopback, parseBrokerAddress, type BrokerAddress } from '../../devices/firmware-config/broker';
import { CredentialsFileError, parseCredentials } from '../../devices/firmware-config/credentials';
import { MqttCredentialStore } from '../broker/credential-store';
import { CredentialConflictError, planStoreUpdate } from '../broker/office-accounts';
import { CREDENTIALS_FILE, generateFirmwareConfigs, type GeneratedFile } from '../../devices/firmware-config/generate';
import type { EnvConfig } from '../config/env';
import { UsageError, type CliContext } from './context';

export interface FirmwareGenerateOptions {
  out: string;
  broker?: string;
  esphomeBoard?: string;
}

/** `npx safekeep firmware-config generate --out DIR`: per-board configs and credentials.csv. */
export function firmwareConfigGenerate(ctx: CliContext, options: FirmwareGenerateOptions): number {
  const out = path.resolve(options.out);
  const broker = brokerAddress(ctx.env, options.broker);
  const credentialsPath = path.join(out, CREDENTIALS_FILE);
  const existing = existsSync(credentialsPath) ? readFileSync(credentialsPath, 'utf8') : undefined;
  let result;
  try {
    result = generateFirmwareConfigs(ctx.office, {
      broker,
      ...(existing === undefined ? {} : { existingCredentials: existing }),
      ...(options.esphomeBoard ? { esphomeBoard: options.esphomeBoard } : {}),
    });
  } catch (err) {
    if (err instanceof BoardError || err instanceof CredentialsFileError) throw new UsageError(`firmware-config: ${err.message}`);
    throw err;
  }
  // The broker checks the data directory's credential store: it must learn exactly these
  // passwords, and a board flashed with a password this directory does not hold stops us here.
  const [credentials, ...rest] = result.files;
  let storeUpdate: { apply(): void };
  try {
    storeUpdate = planStoreUpdate(MqttCredentialStore.open(ctx.env.dataDir), credentials ? parseCredentials(credentials.content) : []);
  } catch (err) {
    if (err instanceof CredentialConflictError) throw new UsageError(`firmware-config: ${err.message}`);
    throw err;
  }
  mkdirSync(out, { recursive: true, mode: 0o700 });
  // Passwords first, atomically: configs flashed with a password the file no longer holds would
  // be locked out once the broker checks credentials.
  if (credentials) writeAtomically(out, credentials);
  storeUpdate.apply();
  let written = credentials ? 1 : 0;
  for (const file of rest) {
    if (file.keepIfExists && existsSync(path.join(out, file.path))) continue;
    writeAtomically(out, file);
    written++;
  }
  console.log(`wrote ${written} file(s) for ${result.boards.length} board(s) to ${out} (broker ${broker.host}:${broker.port})`);
  if (result.created.length > 0) console.log(`new MQTT passwords: ${result.created.join(', ')}`);
  if (result.removed.length > 0) console.log(`removed credentials of boards no longer in the office file: ${result.removed.join(', ')}`);
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  console.log('The files hold MQTT passwords: keep the directory private. Next steps: firmware-config/INSTALL.md');
  return 0;
}

/** --broker, else an external MQTT_URL that boards can reach; the embedded broker's port by default. */
function brokerAddress(env: EnvConfig, flag: string | undefined): BrokerAddress {
  const external = env.mqtt.mode === 'external' ? new URL(env.mqtt.url) : undefined;
  const defaultPort = external ? Number(external.port || (external.protocol === 'mqtts:' ? 8883 : 1883)) : env.mqtt.mode === 'embedded' ? env.mqtt.port : 1883;
  try {
    if (flag !== undefined) return parseBrokerAddress(flag, defaultPort);
    if (external && !isLoopback(external.hostname)) return parseBrokerAddress(external.hostname.replace(/^\[|\]$/g, ''), defaultPort);
  } catch (err) {
    if (err instanceof BrokerAddressError) throw new UsageError(`firmware-config: ${err.message}`);
    throw err;
  }
  throw new UsageError(
    'firmware-config: give --broker <host[:port]>, the address boards use to reach the MQTT broker on the office network (e.g. --broker 192.168.10.2)',
  );
}

function writeAtomically(dir: string, file: GeneratedFile): void {
  const target = path.join(dir, file.path);
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const temp = `${target}.tmp-${process.pid}`;
  writeFileSync(temp, file.content, { mode: file.mode });
  // The mode option only applies to new files; chmod covers a leftover temp file too.
  chmodSync(temp, file.mode);
  renameSync(temp, target);
}
