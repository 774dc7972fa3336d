import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceCommander, type CommandPublisher } from '../../../devices/commands/device-commander';
import { CommandError } from '../../../devices/commands/lock-command';
import type { MqttLink, MqttPublishOptions } from '../../../devices/transports/mqtt-link';
import { openClientLink } from '../../../devices/transports/mqtt-link-client';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../server/broker/embedded-broker';
import { openBrokerAccess } from '../../../server/broker/office-accounts';
import type { Device } from '../../../server/config/office-schema';
import { silentLogger } from '../../../server/shared/logger';
import { demoOffice } from '../../support/office';
import { boardClient } from '../../support/board-client';
import { MqttCredentialStore } from '../../../server/broker/credential-store';
import { withLogin } from '../../../server/broker/office-accounts';

/** Records publishes; the connection and failures are switchable. */
class FakeClient implements CommandPublisher {
  up = true;
  fail: Error | null = null;
  readonly published: Array<{ topic: string; payload: string; options: { qos: number; retain: boolean } }> = [];
  connected(): boolean {
    return this.up;
  }
  async publish(topic: string, payload: string | Buffer, options: MqttPublishOptions): Promise<void> {
    if (this.fail) throw this.fail;
    this.published.push({ topic, payload: payload.toString(), options });
  }
}

async function rejection(promise: Promise<unknown>): Promise<CommandError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CommandError) return err;
    throw err;
  }
  throw new Error('expected a CommandError');
}

const devices = demoOffice().devices;

describe('DeviceCommander', () => {
  it('publishes the lock firmware\'s command, QoS 1 and not retained, and resolves with what it sent', async () => {
    const client = new FakeClient();
    const commander = new DeviceCommander({ devices });
    commander.start(client);
    const sent = await commander.send('cab-1-lock', { action: 'unlock', seconds: 5 });
    expect(sent.messages).toEqual([{ topic: 'safekeep/cab-1/lock/lock/pulse', payload: '5', qos: 1, retain: false }]);
    await commander.send('cab-2-lock', { action: 'lock' });
    await commander.send('cab-4-lock', { action: 'unlock' });
    expect(client.published).toEqual([
      { topic: 'safekeep/cab-1/lock/lock/pulse', payload: '5', options: { qos: 1, retain: false } },
      { topic: 'cmnd/cab-2/POWER1', payload: 'OFF', options: { qos: 1, retain: false } },
      { topic: 'safekeep/cab-4/command', payload: '{"cmd":"unlock","id":"cab-4-lock"}', options: { qos: 1, retain: false } },
    ]);
  });

  it('refuses unknown devices and devices that are not locks, naming them', async () => {
    const client = new FakeClient();
    const commander = new DeviceCommander({ devices });
    commander.start(client);
    const unknown = await rejection(commander.send('cab-9-lock', { action: 'unlock' }));
    expect(unknown.code).toBe('unknown-device');
    expect(unknown.message).toMatch(/cab-9-lock/);
    const reader = await rejection(commander.send('cab-1-reader', { action: 'unlock' }));
    expect(reader.code).toBe('not-a-lock');
    expect(reader.message).toMatch(/"cab-1-reader" is a badge_reader/);
    expect((await rejection(commander.send('cab-1-door', { action: 'lock' }))).code).toBe('not-a-lock');
    expect(client.published).toEqual([]);
  });

  it('refuses rather than queues while disconnected or before start', async () => {
    const commander = new DeviceCommander({ devices });
    expect((await rejection(commander.send('cab-1-lock', { action: 'unlock' }))).code).toBe('not-connected');
    const client = new FakeClient();
    client.up = false;
    commander.start(client);
    expect((await rejection(commander.send('cab-1-lock', { action: 'unlock' }))).code).toBe('not-connected');
    commander.stop();
    expect(client.published).toEqual([]);
  });

  it('passes on a failed publish', async () => {
    const client = new FakeClient();
    client.fail = new Error('connection closed');
    const commander = new DeviceCommander({ devices });
    commander.start(client);
    await expect(commander.send('cab-1-lock', { action: 'lock' })).rejects.toThrow('connection closed');
  });

  it('opens an esp-rfid door only with the controller IP, read from transport.ip or injected', async () => {
    const client = new FakeClient();
    // The demo office names the controller's IP: take it away to see the refusal.
    const noIp = devices.map((d) => (d.id === 'cab-3-lock' ? ({ ...d, transport: { ...d.transport, ip: undefined } } as unknown as Device) : d));
    const withoutIp = new DeviceCommander({ devices: noIp });
    withoutIp.start(client);
    expect((await rejection(withoutIp.send('cab-3-lock', { action: 'unlock' }))).code).toBe('not-configured');

    // `ip` is the office-schema field proposed in firmware-config/README.md.
    const withIp = devices.map((d) => (d.id === 'cab-3-lock' ? ({ ...d, transport: { ...d.transport, ip: '192.168.10.53' } } as unknown as Device) : d));
    const fromSchema = new DeviceCommander({ devices: withIp });
    fromSchema.start(client);
    await fromSchema.send('cab-3-lock', { action: 'unlock' });
    const injected = new DeviceCommander({ devices: noIp, espRfidIp: (d) => (d.id === 'cab-3-lock' ? '192.168.10.54' : undefined) });
    injected.start(client);
    await injected.send('cab-3-lock', { action: 'unlock' });
    expect(client.published.map((p) => JSON.parse(p.payload) as unknown)).toEqual([
      { cmd: 'opendoor', doorip: '192.168.10.53' },
      { cmd: 'opendoor', doorip: '192.168.10.54' },
    ]);
    expect((await rejection(fromSchema.send('cab-3-lock', { action: 'lock' }))).code).toBe('unsupported');
  });

  it('refuses a lock on a serial transport, which cannot carry commands', async () => {
    const serialLock: Device = { id: 'strong-room', role: 'lock', transport: { type: 'serial', path: '/dev/ttyUSB0', baud_rate: 9600, protocol: 'lines' } };
    const commander = new DeviceCommander({ devices: [serialLock] });
    commander.start(new FakeClient());
    expect((await rejection(commander.send('strong-room', { action: 'unlock' }))).code).toBe('unsupported');
  });

  it('previews the messages without publishing or needing a connection', () => {
    const commander = new DeviceCommander({ devices });
    expect(commander.preview('cab-2-lock', { action: 'unlock', seconds: 30 })).toEqual([
      { topic: 'cmnd/cab-2/Backlog', payload: 'PulseTime1 130; POWER1 ON', qos: 1, retain: false },
    ]);
  });
});

// The server reaches the embedded broker in process; tools and external brokers go over MQTT.js.
const links: [string, (broker: EmbeddedBroker, dataDir: string) => Promise<MqttLink>][] = [
  ['the in-process link', async (broker) => broker.localLink()],
  ['an MQTT.js link over TCP', (broker, dataDir) => openClientLink({ url: withLogin(broker.url, MqttCredentialStore.open(dataDir).server()), clientId: 'server', logger: silentLogger })],
];

describe.each(links)('DeviceCommander on a real broker, through %s', (_name, openLink) => {
  let broker: EmbeddedBroker;
  // The board and the server log in with their own accounts; a board subscribes to its command topics.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'safekeep-commander-'));
  const fixture = () => ({ mqttUrl: broker.url, dataDir });
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ port: 0, logger: silentLogger, access: openBrokerAccess({ dataDir, office: demoOffice() }).access });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('delivers the command, and a board that connects later gets nothing retained', async () => {
    const board = await boardClient(fixture(), 'safekeep/cab-1', { clientId: 'board-cab-1', clean: true });
    const server = await openLink(broker, dataDir);
    try {
      const received: Array<{ topic: string; payload: string; retain: boolean; qos: number }> = [];
      board.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos }));
      await board.subscribeAsync('safekeep/cab-1/+/+/command', { qos: 1 });
      const commander = new DeviceCommander({ devices });
      commander.start(server);
      await commander.send('cab-1-lock', { action: 'unlock' });
      await waitFor(() => received.length === 1);
      expect(received).toEqual([{ topic: 'safekeep/cab-1/lock/lock/command', payload: 'UNLOCK', retain: false, qos: 1 }]);

      // A board rebooting after the unlock must not receive it again.
      const late = await boardClient(fixture(), 'safekeep/cab-1', { clientId: 'board-cab-1-rebooted', clean: true });
      const replayed: string[] = [];
      late.on('message', (topic) => replayed.push(topic));
      await late.subscribeAsync('safekeep/cab-1/+/+/command', { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(replayed).toEqual([]);
      await late.endAsync();
    } finally {
      await board.endAsync();
      await server.close();
    }
  });

  it('refuses a command once the link is closed', async () => {
    const server = await openLink(broker, dataDir);
    const commander = new DeviceCommander({ devices });
    commander.start(server);
    await server.close();
    expect((await rejection(commander.send('cab-1-lock', { action: 'unlock' }))).code).toBe('not-connected');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
