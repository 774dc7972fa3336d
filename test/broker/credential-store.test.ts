import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mosquittoPasswordHash, verifyMosquittoPassword } from '../../devices/firmware-config/mosquitto-passwd';
import {
  CREDENTIAL_STORE_FILE,
  CredentialStoreError,
  MqttCredentialStore,
  SERVER_USERNAME,
  verifyPassword,
  verifyPasswordSync,
} from '../../server/broker/credential-store';
import { CredentialConflictError, openBrokerAccess, planStoreUpdate, serverClientUrl, simulatorLogins, withLogin, withoutLogin } from '../../server/broker/office-accounts';
import { silentLogger } from '../../server/shared/logger';
import { demoOffice } from '../support/office';
import { missingComponent } from '../support/requirements';

const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';
const dataDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-creds-')), 'data');
const cab2 = { name: 'cab-2', username: 'cab-2' };

describe('the MQTT credential store', () => {
  it('is created private, with a server account, and keeps board passwords only as hashes', async () => {
    const dir = dataDir();
    const store = MqttCredentialStore.open(dir);
    const file = path.join(dir, CREDENTIAL_STORE_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(store.server()).toEqual({ username: SERVER_USERNAME, password: expect.stringMatching(/^[A-Za-z0-9]{24}$/) });

    const password = store.issue(cab2, 'firmware-config');
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(password);
    const record = store.board('cab-2')!;
    expect(record).toMatchObject({ username: 'cab-2', issuedBy: 'firmware-config', scrypt: expect.stringMatching(/^scrypt\$14\$8\$1\$/), mosquitto: expect.stringMatching(/^\$7\$101\$/) });
    expect(await verifyPassword(password, record.scrypt)).toBe(true);
    expect(await verifyPassword(Buffer.from(password), record.scrypt)).toBe(true);
    expect(await verifyPassword(`${password}x`, record.scrypt)).toBe(false);
    expect(await verifyPassword(password, 'scrypt$garbage')).toBe(false);
    expect(verifyMosquittoPassword(password, record.mosquitto)).toBe(true);
    expect(verifyMosquittoPassword('nope', record.mosquitto)).toBe(false);

    // Reopened (a restart), the server keeps its password and the board its hash.
    const again = MqttCredentialStore.open(dir);
    expect(again.server()).toEqual(store.server());
    expect(again.board('cab-2')).toEqual(record);
  });

  it('sees passwords another process issued, and keeps theirs when it writes', () => {
    const dir = dataDir();
    const server = MqttCredentialStore.open(dir);
    const cli = MqttCredentialStore.open(dir);
    cli.issue(cab2, 'firmware-config');
    expect(server.board('cab-2')).toBeUndefined();
    server.refresh();
    expect(server.board('cab-2')).toBeDefined();
    cli.issue({ name: 'safekeep-cab-4', username: 'safekeep-cab-4' }, 'firmware-config');
    server.issue({ name: 'safekeep-cab-1', username: 'safekeep-cab-1' }, 'simulator');
    expect(MqttCredentialStore.open(dir).boardNames().sort()).toEqual(['cab-2', 'safekeep-cab-1', 'safekeep-cab-4']);
    expect(server.forget('cab-2')).toBe(true);
    expect(server.forget('cab-2')).toBe(false);
  });

  it('refuses a damaged file instead of starting over, and tightens a loose mode', () => {
    const dir = dataDir();
    MqttCredentialStore.open(dir);
    const file = path.join(dir, CREDENTIAL_STORE_FILE);
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, '{"version":1,', { mode: 0o644 });
    expect(() => MqttCredentialStore.open(dir)).toThrow(CredentialStoreError);
    writeFileSync(file, JSON.stringify({ version: 1, server: { username: 'x' }, boards: {} }));
    expect(() => MqttCredentialStore.open(dir)).toThrow(/server account is incomplete/);
    writeFileSync(file, good, { mode: 0o644 });
    execFileSync('chmod', ['0644', file]);
    MqttCredentialStore.open(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes hashes Mosquitto\'s own tool agrees with, and reads the hashes that tool writes', () => {
    if (!existsSync(MOSQUITTO_PASSWD)) return missingComponent('mosquitto_passwd', `${MOSQUITTO_PASSWD} is missing (apt-get install mosquitto)`);
    const dir = mkdtempSync(path.join(tmpdir(), 'safekeep-passwd-'));
    const file = path.join(dir, 'passwd');
    writeFileSync(file, '');
    execFileSync(MOSQUITTO_PASSWD, ['-b', file, 'cab-2', 'Abcdefghijklmnop12345678']);
    const theirs = readFileSync(file, 'utf8').trim().split(':')[1]!;
    expect(theirs).toMatch(/^\$7\$101\$/);
    expect(verifyMosquittoPassword('Abcdefghijklmnop12345678', theirs)).toBe(true);
    // Same salt and count: byte for byte what mosquitto_passwd wrote.
    const [, , iterations, salt] = theirs.split('$');
    expect(mosquittoPasswordHash('Abcdefghijklmnop12345678', { iterations: Number(iterations), salt: Buffer.from(salt!, 'base64') })).toBe(theirs);
  });
});

describe('logins for the server\'s clients and the simulator', () => {
  it('puts the server account into a broker URL unless MQTT_URL has its own login', () => {
    const store = MqttCredentialStore.open(dataDir());
    const { password } = store.server();
    expect(serverClientUrl('mqtt://127.0.0.1:18830', store)).toBe(`mqtt://safekeep-server:${password}@127.0.0.1:18830`);
    expect(serverClientUrl('mqtt://me:secret@broker.lan:1883', store)).toBe('mqtt://me:secret@broker.lan:1883');
    expect(serverClientUrl('', store)).toBe('');
    expect(withoutLogin(withLogin('mqtt://[::1]:1883', { username: 'a', password: 'b' }))).toBe('mqtt://[::1]:1883');
  });

  it('issues simulator passwords, but never replaces a flashed board\'s', () => {
    const store = MqttCredentialStore.open(dataDir());
    store.issue(cab2, 'firmware-config');
    const flashed = store.board('cab-2');
    const logins = simulatorLogins({ store, office: demoOffice(), logger: silentLogger });
    expect(logins.has('tasmota|cab-2')).toBe(false);
    expect(store.board('cab-2')).toEqual(flashed);
    const cab4 = logins.get('safekeep|safekeep/cab-4')!;
    expect(cab4.username).toBe('safekeep-cab-4');
    expect(verifyPasswordSync(cab4.password, store.board('safekeep-cab-4')!.scrypt)).toBe(true);
    expect(store.board('safekeep-cab-4')!.issuedBy).toBe('simulator');
    expect([...logins.keys()]).toEqual(['esphome|safekeep/cab-1', 'esp-rfid|esp-rfid/cab-3', 'safekeep|safekeep/cab-4', 'esphome|safekeep/shred-1', 'safekeep|safekeep/shred-1-scanner']);
  });
});

describe('firmware-config generate and the store', () => {
  const csv = (board: string, username: string, password: string) => ({ board, username, password });

  it('adds new passwords, replaces a simulator\'s, follows a username change and drops boards that are gone', () => {
    const store = MqttCredentialStore.open(dataDir());
    store.issue({ name: 'safekeep-cab-4', username: 'safekeep-cab-4' }, 'simulator');
    store.setPassword({ name: 'cab-2', username: 'cab-2' }, 'Kept00000000000000000000', 'firmware-config');
    store.issue({ name: 'old-board', username: 'old-board' }, 'firmware-config');
    const plan = planStoreUpdate(store, [
      csv('cab-2', 'cabinet-b', 'Kept00000000000000000000'),
      csv('safekeep-cab-4', 'safekeep-cab-4', 'Flashed00000000000000000'),
      csv('safekeep-cab-1', 'safekeep-cab-1', 'New000000000000000000000'),
    ]);
    expect(store.boardNames().sort()).toEqual(['cab-2', 'old-board', 'safekeep-cab-4']);
    plan.apply();
    expect(store.boardNames().sort()).toEqual(['cab-2', 'safekeep-cab-1', 'safekeep-cab-4']);
    expect(store.board('cab-2')!.username).toBe('cabinet-b');
    expect(verifyPasswordSync('Kept00000000000000000000', store.board('cab-2')!.scrypt)).toBe(true);
    expect(verifyPasswordSync('Flashed00000000000000000', store.board('safekeep-cab-4')!.scrypt)).toBe(true);
    expect(store.board('safekeep-cab-4')!.issuedBy).toBe('firmware-config');
    expect(verifyPasswordSync('New000000000000000000000', store.board('safekeep-cab-1')!.scrypt)).toBe(true);
  });

  it('refuses configs that would lock out a flashed board', () => {
    const store = MqttCredentialStore.open(dataDir());
    store.setPassword(cab2, 'Flashed00000000000000000', 'firmware-config');
    expect(() => planStoreUpdate(store, [csv('cab-2', 'cab-2', 'Other0000000000000000000')])).toThrow(CredentialConflictError);
    expect(() => planStoreUpdate(store, [csv('cab-2', 'cab-2', 'Other0000000000000000000')])).toThrow(/broker forget/);
  });
});

describe('broker logins', () => {
  it('accept a board\'s current password only, also after a reconnect took the quick path', async () => {
    const dir = dataDir();
    const { access, store } = openBrokerAccess({ dataDir: dir, office: demoOffice() });
    const first = store.issue(cab2, 'firmware-config');
    expect(await access.authenticate('cab-2', Buffer.from(first), '10.0.0.2')).toMatchObject({ ok: true, account: { role: 'board', board: 'cab-2' } });
    expect((await access.authenticate('cab-2', Buffer.from(first), '10.0.0.2')).ok).toBe(true);
    expect((await access.authenticate('cab-2', Buffer.from(`${first}x`), '10.0.0.2')).ok).toBe(false);
    // A new password (issued by another process) replaces the old one at once.
    const second = MqttCredentialStore.open(dir).issue(cab2, 'firmware-config');
    expect((await access.authenticate('cab-2', Buffer.from(first), '10.0.0.2')).ok).toBe(false);
    expect((await access.authenticate('cab-2', Buffer.from(second), '10.0.0.2')).ok).toBe(true);
    expect((await access.authenticate(SERVER_USERNAME, Buffer.from(store.server().password), '10.0.0.3')).ok).toBe(true);
    expect((await access.authenticate('safekeep-cab-4', Buffer.from(second), '10.0.0.3')).ok).toBe(false);
    expect((await access.authenticate(undefined, undefined, '10.0.0.3')).ok).toBe(false);
  });
});
