import { BoardError, boardsOf, type Board } from '../../devices/firmware-config/boards';
import type { BoardCredential } from '../../devices/firmware-config/credentials';
import { ConfigError } from '../config/config-error';
import type { OfficeConfig } from '../config/office-schema';
import type { Logger } from '../shared/logger';
import { BrokerAccess, type ThrottlePolicy } from './broker-access';
import { MqttCredentialStore, SERVER_USERNAME, verifyPasswordSync } from './credential-store';

/**
 * The office's MQTT accounts put together: the credential store of the data directory and the
 * boards of the office file (boards.ts, the same list `firmware-config generate` writes configs
 * for), for the embedded broker, the server's own clients, the simulator and the generator.
 */

export interface OfficeBrokerAccess {
  store: MqttCredentialStore;
  boards: Board[];
  access: BrokerAccess;
}

export function officeBoards(office: OfficeConfig): Board[] {
  try {
    const boards = boardsOf(office);
    const reserved = boards.find((b) => b.username === SERVER_USERNAME);
    if (reserved) throw new BoardError(`board "${reserved.name}" may not log in as ${SERVER_USERNAME}: that is the server's own MQTT account`);
    return boards;
  } catch (err) {
    // The broker cannot tell boards apart without this: the office file has to be fixed first.
    if (err instanceof BoardError) throw new ConfigError([{ field: 'devices', message: err.message }]);
    throw err;
  }
}

export function openBrokerAccess(options: { dataDir: string; office: OfficeConfig; throttle?: Partial<ThrottlePolicy> }): OfficeBrokerAccess {
  const store = MqttCredentialStore.open(options.dataDir);
  const boards = officeBoards(options.office);
  return { store, boards, access: new BrokerAccess({ store, boards, ...(options.throttle ? { throttle: options.throttle } : {}) }) };
}

export interface MqttLogin {
  username: string;
  password: string;
}

/** `mqtt://host:port` with the login in it (MQTT.js reads it from there); passwords are letters and digits. */
export function withLogin(url: string, login: MqttLogin): string {
  const u = new URL(url);
  u.username = encodeURIComponent(login.username);
  u.password = encodeURIComponent(login.password);
  return u.toString();
}

export function withoutLogin(url: string): string {
  if (!url) return url;
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/**
 * The URL the server's own clients (the MQTT transport, the command dispatcher, `devices watch`)
 * connect with: a login given in MQTT_URL is kept; otherwise they log in as `safekeep-server`, the
 * account `broker mosquitto-config` also writes for an external Mosquitto.
 */
export function serverClientUrl(url: string, store: MqttCredentialStore): string {
  if (!url || new URL(url).username !== '') return url;
  return withLogin(url, store.server());
}

/**
 * Logins for the simulated boards (demo, `safekeep simulate`), keyed `firmware|topic` as the
 * simulator groups boards. A board whose password came from `firmware-config generate` belongs to
 * real hardware: it is left alone (replacing it would lock the flashed board out) and not
 * simulated. Any other board gets a fresh password, which is the only way to learn one.
 */
export function simulatorLogins(options: { store: MqttCredentialStore; office: OfficeConfig; logger: Logger }): Map<string, MqttLogin> {
  const logins = new Map<string, MqttLogin>();
  for (const board of officeBoards(options.office)) {
    const key = `${board.firmware}|${board.topic}`;
    if (logins.has(key)) continue;
    if (options.store.board(board.name)?.issuedBy === 'firmware-config') {
      options.logger.warn({ board: board.name }, 'board has a password from firmware-config generate: not simulated, so the real board keeps its login');
      continue;
    }
    logins.set(key, { username: board.username, password: options.store.issue(board, 'simulator') });
  }
  return logins;
}

export class CredentialConflictError extends Error {}

/**
 * What `firmware-config generate` changes in the store so the broker accepts exactly the
 * passwords it writes: a password new to the store (a new board, or a credentials.csv from before
 * the store existed) is added, a simulator's or test's password is replaced, a username change is
 * followed, and boards gone from the office are removed. A board whose flashed password the
 * output directory does not hold is a conflict: the configs would lock it out. Checked before any
 * file is written; `apply` runs after credentials.csv is safely on disk.
 */
export function planStoreUpdate(store: MqttCredentialStore, credentials: readonly BoardCredential[]): { apply(): void } {
  store.refresh();
  const set: BoardCredential[] = [];
  const renamed: BoardCredential[] = [];
  const conflicts: string[] = [];
  for (const c of credentials) {
    const record = store.board(c.board);
    if (!record) set.push(c);
    else if (verifyPasswordSync(c.password, record.scrypt)) {
      if (record.username !== c.username) renamed.push(c);
    } else if (record.issuedBy !== 'firmware-config') set.push(c);
    else conflicts.push(c.board);
  }
  if (conflicts.length > 0) {
    throw new CredentialConflictError(
      `board(s) ${conflicts.join(', ')} already have an MQTT password (in ${store.file}) that this directory's credentials.csv does not hold, so ` +
        'configs written here would lock them out. Generate into the directory used before, or, to give a board a new password ' +
        '(it must then be flashed again), run `npx safekeep broker forget <board>` first.',
    );
  }
  const current = new Set(credentials.map((c) => c.board));
  const gone = store.boardNames().filter((name) => !current.has(name));
  return {
    apply: () => {
      for (const c of set) store.setPassword({ name: c.board, username: c.username }, c.password, 'firmware-config');
      for (const c of renamed) store.rename({ name: c.board, username: c.username });
      for (const name of gone) store.forget(name);
    },
  };
}
