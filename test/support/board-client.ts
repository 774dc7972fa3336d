import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { boardsOf, type Board } from '../../devices/firmware-config/boards';
import { MqttCredentialStore } from '../../server/broker/credential-store';
import { withoutLogin } from '../../server/broker/office-accounts';
import type { OfficeConfig } from '../../server/config/office-schema';
import { demoOffice } from './office';

/**
 * Test boards log in as the office's boards do: with the board's own MQTT user and a password
 * issued in the data directory's credential store (as `firmware-config generate` would), which
 * the running broker picks up at once. Each board's password is issued once per data directory
 * and reused, so several clients of one board can connect.
 */

const issued = new Map<string, string>();

export interface BoardLogin {
  board: Board;
  username: string;
  password: string;
}

/** `boardTopic` is the transport topic in the office file: 'safekeep/cab-4', 'cab-2', … */
export function boardLogin(dataDir: string, boardTopic: string, office: OfficeConfig = demoOffice()): BoardLogin {
  const board = boardsOf(office).find((b) => b.topic === boardTopic);
  if (!board) throw new Error(`no MQTT board with topic "${boardTopic}" in the office file`);
  const key = `${dataDir}\0${board.name}`;
  let password = issued.get(key);
  if (password === undefined) {
    password = MqttCredentialStore.open(dataDir).issue(board, 'test');
    issued.set(key, password);
  }
  return { board, username: board.username, password };
}

/** An MQTT client logged in as that board, on the fixture's broker. */
export async function boardClient(
  fixture: { mqttUrl: string; dataDir: string },
  boardTopic: string,
  options: IClientOptions & { office?: OfficeConfig } = {},
): Promise<MqttClient> {
  const { office, ...clientOptions } = options;
  const login = boardLogin(fixture.dataDir, boardTopic, office);
  return mqtt.connectAsync(withoutLogin(fixture.mqttUrl), {
    clientId: `${login.board.name}-test-${randomBytes(4).toString('hex')}`,
    ...clientOptions,
    username: login.username,
    password: login.password,
  });
}

/** An MQTT client logged in as the server's own account (reads every board, sends commands). */
export async function serverAccountClient(fixture: { mqttUrl: string; dataDir: string }, options: IClientOptions = {}): Promise<MqttClient> {
  const server = MqttCredentialStore.open(fixture.dataDir).server();
  return mqtt.connectAsync(withoutLogin(fixture.mqttUrl), {
    clientId: `safekeep-server-test-${randomBytes(4).toString('hex')}`,
    ...options,
    username: server.username,
    password: server.password,
  });
}
