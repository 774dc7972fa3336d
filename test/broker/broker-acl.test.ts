import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardsOf } from '../../devices/firmware-config/boards';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/broker/embedded-broker';
import { openBrokerAccess } from '../../server/broker/office-accounts';
import { serverAcl } from '../../server/broker/topic-acl';
import { silentLogger } from '../../server/shared/logger';
import { boardClient, boardLogin, serverAccountClient } from '../support/board-client';
import { runCli } from '../support/cli';
import { DEMO_OFFICE_FILE, demoOffice } from '../support/office';
import { missingComponent } from '../support/requirements';

/**
 * The broker's side of issue 3: every client logs in, and a board may use only its own topics.
 * The same checks run on the embedded broker and on a real Mosquitto started from the files
 * `safekeep broker mosquitto-config` writes (never the machine's shared instance on 1883: a
 * private one on a free port, in a temp directory). What is checked is what a subscriber sees:
 * MQTT 3.1.1 cannot tell a publisher its publish was refused.
 */

const MOSQUITTO = '/usr/sbin/mosquitto';

interface Target {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

async function embedded(): Promise<Target> {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-acl-')), 'data');
  const broker: EmbeddedBroker = await startEmbeddedBroker({ port: 0, logger: silentLogger, access: openBrokerAccess({ dataDir, office: demoOffice() }).access });
  return { url: broker.url, dataDir, close: () => broker.close() };
}

async function mosquitto(): Promise<Target> {
  const dir = mkdtempSync(path.join(tmpdir(), 'safekeep-mosquitto-'));
  const dataDir = path.join(dir, 'data');
  // Every board has a password, as after `firmware-config generate`.
  for (const board of boardsOf(demoOffice())) boardLogin(dataDir, board.topic);
  const out = path.join(dir, 'mosquitto');
  const port = await freePort();
  const generated = await runCli(['broker', 'mosquitto-config', '--out', out, '--port', String(port), '--bind', '127.0.0.1'], {
    SAFEKEEP_DATA_DIR: dataDir,
    SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE,
  });
  if (generated.code !== 0) throw new Error(`mosquitto-config failed: ${generated.stderr}`);
  const conf = path.join(out, 'mosquitto.conf');
  // Started as root, Mosquitto runs as the mosquitto user: give it the directory, as the conf file says.
  if (process.getuid?.() === 0) {
    const owner = mosquittoUser();
    if (owner) for (const p of [dir, out, path.join(out, 'passwd'), path.join(out, 'acl')]) chownSync(p, owner.uid, owner.gid);
  }
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`mosquitto did not start with ${conf}:\n${log}`);
    }
    await sleep(50);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    dataDir,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const targets: [string, () => Promise<Target>][] = [['the embedded broker', embedded]];
if (existsSync(MOSQUITTO)) targets.push(['a real Mosquitto', mosquitto]);
else missingComponent('Mosquitto', `${MOSQUITTO} is missing (apt-get install mosquitto)`);

describe.each(targets)('on %s', (name, start) => {
  const isEmbedded = name === 'the embedded broker';
  let target: Target;
  const clients: MqttClient[] = [];
  const fixture = () => ({ mqttUrl: target.url, dataDir: target.dataDir });
  const board = async (topic: string, options: IClientOptions = {}) => track(await boardClient(fixture(), topic, { reconnectPeriod: 0, ...options }));
  const server = async (options: IClientOptions = {}) => track(await serverAccountClient(fixture(), { reconnectPeriod: 0, ...options }));
  const track = (client: MqttClient) => {
    clients.push(client);
    return client;
  };
  const listen = async (client: MqttClient, filters: string[]) => {
    const seen: { topic: string; payload: string }[] = [];
    client.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
    // MQTT.js rejects a SUBACK that refuses any of the filters; the codes are on the packet.
    const granted = await client.subscribeAsync(filters, { qos: 1 }).then(
      (g) => g.map((s) => s.qos),
      (err: Error & { packet?: { granted?: (number | object)[] } }) => {
        if (!err.packet?.granted) throw err;
        return err.packet.granted.map((g) => (typeof g === 'number' ? g : -1));
      },
    );
    return { seen, granted };
  };

  beforeAll(async () => {
    target = await start();
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await target?.close();
  });

  it('refuses a wrong password, an unknown user and a client without a login', async () => {
    const { username, password } = boardLogin(target.dataDir, 'cab-2');
    const attempts: IClientOptions[] = [{ username, password: `${password}x` }, { username: 'nobody', password }, {}];
    for (const attempt of attempts) {
      const err = await mqtt.connectAsync(target.url, { reconnectPeriod: 0, connectTimeout: 5000, ...attempt }).then(
        (c) => {
          c.end(true);
          return null;
        },
        (e: Error & { code?: number }) => e,
      );
      expect(err, JSON.stringify({ ...attempt, password: undefined })).not.toBeNull();
      expect(err!.code ?? err!.message).toSatisfy((c: unknown) => c === 5 || c === 4 || /not authori[sz]ed/i.test(String(c)));
    }
    // The right password gets in.
    const ok = await board('cab-2');
    expect(ok.connected).toBe(true);
  });

  it("delivers a board's reads on its own topics to the server, never reads on another board's", async () => {
    const watcher = await server();
    const { seen } = await listen(watcher, ['safekeep/cab-4/read', 'safekeep/cab-4/status', 'tele/cab-2/#']);
    const cab2 = await board('cab-2');
    // A QoS 1 publish is still acknowledged (3.1.1 has no refusal), then dropped.
    await cab2.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: 'forged', seq: 1, kind: 'badge', uid: '0BADC0DE', format: 'hex' }), { qos: 1 });
    await cab2.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: 'forged', seq: 2, kind: 'badge', uid: '0BADC0DE', format: 'hex' }), { qos: 0 });
    await cab2.publishAsync('safekeep/cab-4/status', 'online', { qos: 1, retain: true });
    await cab2.publishAsync('tele/cab-2/SENSOR', '{"Switch1":"ON"}', { qos: 1 });
    await waitFor(() => seen.some((m) => m.topic === 'tele/cab-2/SENSOR'));
    await sleep(200);
    expect(seen).toEqual([{ topic: 'tele/cab-2/SENSOR', payload: '{"Switch1":"ON"}' }]);
    // Nor was the forged status kept as a retained message for later subscribers.
    const later = await server();
    const retained = await listen(later, ['safekeep/cab-4/status']);
    await sleep(200);
    expect(retained.seen).toEqual([]);
    // The real board's reads go through.
    const cab4 = await board('safekeep/cab-4');
    await cab4.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: 'real', seq: 1, kind: 'badge', uid: '1A2B3C4D', format: 'hex' }), { qos: 1 });
    await waitFor(() => seen.some((m) => m.topic === 'safekeep/cab-4/read'));
    expect(seen.filter((m) => m.topic === 'safekeep/cab-4/read').map((m) => JSON.parse(m.payload).boot)).toEqual(['real']);
  });

  it("keeps a board off another board's command topic; the server sends commands to the board they are for", async () => {
    const cab2 = await board('cab-2');
    const snooper = await listen(cab2, ['safekeep/cab-4/command', '#']);
    const cab4 = await board('safekeep/cab-4');
    const own = await listen(cab4, ['safekeep/cab-4/command', 'safekeep/cab-4/ack']);
    expect(own.granted).toEqual([1, 1]);
    // Mosquitto 2.0 grants the subscription and filters each delivery; the embedded broker refuses it outright.
    if (isEmbedded) expect(snooper.granted).toEqual([128, 128]);

    // A board cannot command another board either.
    await cab2.publishAsync('safekeep/cab-4/command', JSON.stringify({ cmd: 'unlock', id: 'cab-4-lock' }), { qos: 1 });
    const commander = await server();
    await commander.publishAsync('safekeep/cab-4/command', JSON.stringify({ cmd: 'lock', id: 'cab-4-lock' }), { qos: 1 });
    await waitFor(() => own.seen.length > 0);
    await sleep(200);
    expect(own.seen).toEqual([{ topic: 'safekeep/cab-4/command', payload: JSON.stringify({ cmd: 'lock', id: 'cab-4-lock' }) }]);
    expect(snooper.seen.filter((m) => !m.topic.startsWith('$'))).toEqual([]);
  });

  it('lets the server subscribe to every board, and publish only commands and acknowledgements', async () => {
    const reader = await server();
    const all = await listen(reader, [...serverAcl(boardsOf(demoOffice())).subscribe]);
    expect(all.granted.every((q) => q === 1)).toBe(true);
    const sender = await server();
    // Not a command topic: the server cannot forge a board's reads.
    await sender.publishAsync('safekeep/cab-1/binary_sensor/door/state', 'ON', { qos: 1 });
    await sender.publishAsync('safekeep/cab-1/lock/lock/command', 'LOCK', { qos: 1 });
    await sender.publishAsync('cmnd/cab-2/POWER1', 'OFF', { qos: 1 });
    await waitFor(() => all.seen.some((m) => m.topic === 'safekeep/cab-1/lock/lock/command'));
    const cab1 = await board('safekeep/cab-1');
    await cab1.publishAsync('safekeep/cab-1/binary_sensor/door/state', 'OFF', { qos: 1 });
    await waitFor(() => all.seen.some((m) => m.topic === 'safekeep/cab-1/binary_sensor/door/state'));
    await sleep(200);
    expect(all.seen.filter((m) => m.topic === 'safekeep/cab-1/binary_sensor/door/state').map((m) => m.payload)).toEqual(['OFF']);
  });

  it("never delivers a will on another board's topic; a board's own will arrives", async () => {
    const watcher = await server();
    const { seen } = await listen(watcher, ['safekeep/cab-4/status']);
    const forged = await boardClient(fixture(), 'cab-2', { reconnectPeriod: 0, will: { topic: 'safekeep/cab-4/status', payload: Buffer.from('offline'), qos: 1, retain: false } }).then(
      (c) => c,
      (e: Error & { code?: number }) => e,
    );
    if (isEmbedded) {
      // Refused at CONNECT: the installer sees it at once instead of a will that silently never arrives.
      expect(forged).toBeInstanceOf(Error);
      expect((forged as Error & { code?: number }).code).toBe(5);
    } else {
      expect(forged).not.toBeInstanceOf(Error);
      (forged as MqttClient).stream.destroy();
    }
    const cab4 = await boardClient(fixture(), 'safekeep/cab-4', { reconnectPeriod: 0, will: { topic: 'safekeep/cab-4/status', payload: Buffer.from('offline'), qos: 1, retain: false } });
    cab4.stream.destroy();
    await waitFor(() => seen.length > 0);
    await sleep(200);
    expect(seen).toEqual([{ topic: 'safekeep/cab-4/status', payload: 'offline' }]);
  });
});

describe('the embedded broker', () => {
  it('refuses a client id that another account is using, so no session can be taken over', async () => {
    const target = await embedded();
    const f = { mqttUrl: target.url, dataDir: target.dataDir };
    try {
      const server = await serverAccountClient(f, { clientId: 'safekeep-server-main', reconnectPeriod: 0 });
      const hijack = await boardClient(f, 'cab-2', { clientId: 'safekeep-server-main', reconnectPeriod: 0 }).catch((e: Error & { code?: number }) => e);
      expect(hijack).toBeInstanceOf(Error);
      expect((hijack as Error & { code?: number }).code).toBe(2);
      expect(server.connected).toBe(true);
      // The same account may take its own session over, as after a reboot.
      const first = await boardClient(f, 'cab-2', { clientId: 'cab-2', reconnectPeriod: 0 });
      const second = await boardClient(f, 'cab-2', { clientId: 'cab-2', reconnectPeriod: 0 });
      expect(second.connected).toBe(true);
      for (const c of [server, first, second]) c.end(true);
    } finally {
      await target.close();
    }
  });

  it('throttles repeated failed logins from one address, even with the right password, for a while', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-throttle-')), 'data');
    const broker = await startEmbeddedBroker({
      port: 0,
      logger: silentLogger,
      access: openBrokerAccess({ dataDir, office: demoOffice(), throttle: { freeFailures: 2, firstBlockMs: 500 } }).access,
    });
    const { username, password } = boardLogin(dataDir, 'cab-2');
    const attempt = (pw: string) =>
      mqtt.connectAsync(broker.url, { username, password: pw, reconnectPeriod: 0 }).then(
        (c) => {
          c.end(true);
          return 'in';
        },
        () => 'refused',
      );
    try {
      expect(await attempt('wrong-1')).toBe('refused');
      expect(await attempt('wrong-2')).toBe('refused');
      expect(await attempt(password)).toBe('in');
      expect(await attempt('wrong-3')).toBe('refused');
      // Blocked now: not even the right password is checked.
      expect(await attempt(password)).toBe('refused');
      await sleep(600);
      expect(await attempt(password)).toBe('in');
    } finally {
      await broker.close();
    }
  });

  it('picks up a password issued while it runs (firmware-config generate next to a running server)', async () => {
    const target = await embedded();
    try {
      const client = await boardClient({ mqttUrl: target.url, dataDir: target.dataDir }, 'safekeep/shred-1-scanner', { reconnectPeriod: 0 });
      expect(client.connected).toBe(true);
      client.end(true);
      expect(readFileSync(path.join(target.dataDir, 'mqtt-credentials.json'), 'utf8')).toContain('safekeep-shred-1-scanner');
    } finally {
      await target.close();
    }
  });
});

function mosquittoUser(): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('mosquitto:'));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
}
