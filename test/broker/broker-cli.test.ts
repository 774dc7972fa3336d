import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCredentials } from '../../devices/firmware-config/credentials';
import { verifyMosquittoPassword } from '../../devices/firmware-config/mosquitto-passwd';
import { MqttCredentialStore, verifyPasswordSync } from '../../server/broker/credential-store';
import { startEmbeddedBroker } from '../../server/broker/embedded-broker';
import { openBrokerAccess } from '../../server/broker/office-accounts';
import { ConfigError } from '../../server/config/config-error';
import { loadEnvConfig } from '../../server/config/env';
import { silentLogger } from '../../server/shared/logger';
import { boardClient } from '../support/board-client';
import { runCli } from '../support/cli';
import { DEMO_OFFICE_FILE, demoOffice } from '../support/office';
import { startTestServer } from '../support/server';

/** `npx safekeep broker …` and `firmware-config generate` sharing one credential store, run as an installer would. */
describe('safekeep broker mosquitto-config', () => {
  let dir: string;
  let env: Record<string, string>;
  let boardsDir: string;
  let mosquittoDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'safekeep-broker-cli-'));
    env = { SAFEKEEP_DATA_DIR: path.join(dir, 'data'), SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE };
    boardsDir = path.join(dir, 'boards');
    mosquittoDir = path.join(dir, 'mosquitto');
    const generated = await runCli(['firmware-config', 'generate', '--out', boardsDir, '--broker', '192.168.10.2:1883'], env);
    expect(generated.code, generated.stderr).toBe(0);
  });

  it('writes the same passwords firmware-config generated, as Mosquitto hashes, with an explicit ACL and a listener that requires both', async () => {
    const result = await runCli(['broker', 'mosquitto-config', '--out', mosquittoDir, '--port', '18883'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/wrote passwd, acl, mosquitto\.conf .* 7 account\(s\), listener on port 18883/);
    expect(result.stderr).toBe('');

    const passwd = readFileSync(path.join(mosquittoDir, 'passwd'), 'utf8');
    expect(statSync(path.join(mosquittoDir, 'passwd')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(mosquittoDir, 'acl')).mode & 0o777).toBe(0o600);
    const hashes = new Map(passwd.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] as const));
    expect([...hashes.keys()]).toEqual(['safekeep-server', 'safekeep-cab-1', 'cab-2', 'cab-3', 'safekeep-cab-4', 'safekeep-shred-1', 'safekeep-shred-1-scanner']);
    const credentials = parseCredentials(readFileSync(path.join(boardsDir, 'credentials.csv'), 'utf8'));
    for (const c of credentials) {
      expect(passwd).not.toContain(c.password);
      expect(verifyMosquittoPassword(c.password, hashes.get(c.username)!), c.board).toBe(true);
    }
    const store = MqttCredentialStore.open(env.SAFEKEEP_DATA_DIR!);
    expect(verifyMosquittoPassword(store.server().password, hashes.get('safekeep-server')!)).toBe(true);
    for (const c of credentials) expect(verifyPasswordSync(c.password, store.board(c.board)!.scrypt)).toBe(true);

    const acl = readFileSync(path.join(mosquittoDir, 'acl'), 'utf8');
    expect(acl).not.toMatch(/^pattern/m);
    expect(acl).toContain(['user cab-2', 'topic write tele/cab-2/#', 'topic write stat/cab-2/#', 'topic read cmnd/cab-2/#'].join('\n'));
    expect(acl).toContain(['user safekeep-cab-4', 'topic write safekeep/cab-4/read', 'topic write safekeep/cab-4/status', 'topic read safekeep/cab-4/ack', 'topic read safekeep/cab-4/command'].join('\n'));
    expect(acl).toMatch(/user safekeep-server\ntopic write safekeep\/cab-1\/lock\/lock\/command\n/);
    expect(acl).toContain('topic write cmnd/cab-2/#\n');
    expect(acl).toContain('topic read safekeep/cab-1/#\n');

    const conf = readFileSync(path.join(mosquittoDir, 'mosquitto.conf'), 'utf8');
    const settings = conf.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(settings).toEqual([
      'listener 18883',
      'allow_anonymous false',
      `password_file ${path.join(mosquittoDir, 'passwd')}`,
      `acl_file ${path.join(mosquittoDir, 'acl')}`,
      'set_tcp_nodelay true',
    ]);
  }, 60_000);

  it('refuses to write board configs that would lock out boards already flashed, until a password is forgotten', async () => {
    const elsewhere = await runCli(['firmware-config', 'generate', '--out', path.join(dir, 'fresh'), '--broker', '192.168.10.2'], env);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/already have an MQTT password/);
    expect(elsewhere.stderr).toMatch(/broker forget/);

    const unknown = await runCli(['broker', 'forget', 'no-such-board'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no MQTT password is stored for board "no-such-board"/);

    const forgot = await runCli(['broker', 'forget', 'cab-2'], env);
    expect(forgot.code, forgot.stderr).toBe(0);
    const later = await runCli(['broker', 'mosquitto-config', '--out', mosquittoDir, '--port', 'x'], env);
    expect(later.code).toBe(2);
    const injected = await runCli(['broker', 'mosquitto-config', '--out', mosquittoDir, '--bind', '0.0.0.0\nallow_anonymous true'], env);
    expect(injected.code).toBe(2);
    expect(injected.stderr).toMatch(/--bind must be an IP address or host name/);
    const without = await runCli(['broker', 'mosquitto-config', '--out', mosquittoDir], env);
    expect(without.code).toBe(0);
    expect(without.stderr).toMatch(/board cab-2 has no MQTT password yet and was left out/);
    expect(readFileSync(path.join(mosquittoDir, 'mosquitto.conf'), 'utf8')).toMatch(/^listener 1883$/m);

    // Regenerating into the first directory gives cab-2 its old password back from credentials.csv.
    const again = await runCli(['firmware-config', 'generate', '--out', boardsDir, '--broker', '192.168.10.2'], env);
    expect(again.code, again.stderr).toBe(0);
    const cab2 = parseCredentials(readFileSync(path.join(boardsDir, 'credentials.csv'), 'utf8')).find((c) => c.board === 'cab-2')!;
    expect(verifyPasswordSync(cab2.password, MqttCredentialStore.open(env.SAFEKEEP_DATA_DIR!).board('cab-2')!.scrypt)).toBe(true);
  }, 120_000);
});

describe('the embedded broker beyond loopback', () => {
  it('reads MQTT_HOST for the embedded broker only', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'safekeep-env-'));
    expect(loadEnvConfig({ MQTT_HOST: '0.0.0.0' }, cwd).mqtt).toEqual({ mode: 'embedded', port: 18830, host: '0.0.0.0' });
    expect(loadEnvConfig({}, cwd).mqtt).toEqual({ mode: 'embedded', port: 18830 });
    expect(() => loadEnvConfig({ MQTT_HOST: 'not a host!' }, cwd)).toThrow(ConfigError);
  });

  it('listens on all interfaces when asked, and still takes only logged-in boards', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-anyhost-')), 'data');
    const broker = await startEmbeddedBroker({ port: 0, host: '0.0.0.0', logger: silentLogger, access: openBrokerAccess({ dataDir, office: demoOffice() }).access });
    try {
      expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
      const anonymous = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 }).catch((e: Error) => e);
      expect(anonymous).toBeInstanceOf(Error);
      const board = await boardClient({ mqttUrl: broker.url, dataDir }, 'cab-2', { reconnectPeriod: 0 });
      expect(board.connected).toBe(true);
      board.end(true);
    } finally {
      await broker.close();
    }
  });
});

describe('a running office', () => {
  it('keeps its broker account private, shows a broker URL without a login, and refuses a board with a wrong password', async () => {
    const f = await startTestServer();
    try {
      expect(f.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      expect(statSync(path.join(f.dataDir, 'mqtt-credentials.json')).mode & 0o777).toBe(0o600);
      const health = (await (await fetch(`${f.url}/api/health`)).json()) as Record<string, unknown>;
      expect(JSON.stringify(health)).not.toContain(MqttCredentialStore.open(f.dataDir).server().password);
      expect(f.server.services.brokerStatus().ok).toBe(true);
      const wrong = await mqtt.connectAsync(f.mqttUrl, { username: 'safekeep-cab-4', password: 'Guessed00000000000000000', reconnectPeriod: 0 }).catch((e: Error & { code?: number }) => e);
      expect((wrong as Error & { code?: number }).code).toBe(5);
    } finally {
      await f.close();
    }
  });
});
