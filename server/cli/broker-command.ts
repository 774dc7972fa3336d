import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GeneratedFile } from '../../devices/firmware-config/generate';
import { mosquittoConfigFiles, type MosquittoAccount } from '../../devices/firmware-config/mosquitto-config';
import { MqttCredentialStore } from '../broker/credential-store';
import { officeBoards } from '../broker/office-accounts';
import { aclOverlaps, boardAcl, serverAcl } from '../broker/topic-acl';
import { UsageError, type CliContext } from './context';

export interface MosquittoConfigCliOptions {
  out: string;
  port?: string;
  bind?: string;
}

/**
 * `npx safekeep broker mosquitto-config --out DIR`: Mosquitto's password file, ACL and a listener
 * configuration for the office's accounts, from the data directory's credential store. Boards
 * without a password yet (no `firmware-config generate` so far) are left out and named.
 */
export function brokerMosquittoConfig(ctx: CliContext, options: MosquittoConfigCliOptions): number {
  const out = path.resolve(options.out);
  // mosquitto.conf names the files by path and cannot quote one.
  if (/\s/.test(out)) throw new UsageError(`broker: "${out}" contains white space, which mosquitto.conf cannot hold; choose another --out`);
  if (options.bind !== undefined && !/^[A-Za-z0-9.:-]{1,253}$/.test(options.bind)) throw new UsageError(`broker: --bind must be an IP address or host name, got "${options.bind}"`);
  const port = listenPort(options.port ?? defaultPort(ctx));
  const store = MqttCredentialStore.open(ctx.env.dataDir);
  const boards = officeBoards(ctx.office);
  const server = store.server();
  const accounts: MosquittoAccount[] = [
    { username: server.username, hash: store.serverHashes().mosquitto, comment: 'The Safekeep server: reads every board, sends lock commands and acknowledgements.', ...serverAcl(boards) },
  ];
  const missing: string[] = [];
  for (const board of boards) {
    const record = store.board(board.name);
    if (!record) {
      missing.push(board.name);
      continue;
    }
    accounts.push({ username: board.username, hash: record.mosquitto, comment: `Board ${board.name} (${board.firmware}, topic ${board.topic})`, ...boardAcl(board) });
  }
  const files = mosquittoConfigFiles(accounts, { dir: out, port, ...(options.bind ? { bind: options.bind } : {}) });
  mkdirSync(out, { recursive: true, mode: 0o700 });
  for (const file of files) writeAtomically(out, file);
  console.log(`wrote ${files.map((f) => f.path).join(', ')} to ${out}: ${accounts.length} account(s), listener on port ${port}`);
  for (const name of missing) console.error(`warning: board ${name} has no MQTT password yet and was left out: run \`npx safekeep firmware-config generate\`, then this again`);
  for (const warning of aclOverlaps(boards)) console.error(`warning: ${warning}`);
  console.log(`Start it with: mosquitto -c ${path.join(out, 'mosquitto.conf')} (Mosquitto must be able to read passwd and acl), then set MQTT_URL=mqtt://<host>:${port}`);
  return 0;
}

/** `npx safekeep broker forget <board>`: drops a board's password so the next generate issues a new one. */
export function brokerForget(ctx: CliContext, board: string): number {
  const store = MqttCredentialStore.open(ctx.env.dataDir);
  if (!store.forget(board)) {
    const known = store.boardNames();
    throw new UsageError(`broker: no MQTT password is stored for board "${board}"${known.length > 0 ? ` (boards with one: ${known.join(', ')})` : ''}`);
  }
  console.log(`Board ${board} can no longer log in. \`npx safekeep firmware-config generate\` issues it a new password; flash the board with the new config.`);
  return 0;
}

/** The external broker's port when MQTT_URL names one, else Mosquitto's default. */
function defaultPort(ctx: CliContext): string {
  if (ctx.env.mqtt.mode !== 'external') return '1883';
  const url = new URL(ctx.env.mqtt.url);
  return url.port || (url.protocol === 'mqtts:' ? '8883' : '1883');
}

function listenPort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`broker: --port must be a port number from 1 to 65535, got "${text}"`);
  return port;
}

function writeAtomically(dir: string, file: GeneratedFile): void {
  const target = path.join(dir, file.path);
  const temp = `${target}.tmp-${process.pid}`;
  writeFileSync(temp, file.content, { mode: file.mode });
  chmodSync(temp, file.mode);
  renameSync(temp, target);
}
