import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttLinkOpener } from '../../../devices/transports/mqtt-link';
import { mqttClientLinks } from '../../../devices/transports/mqtt-link-client';
import { MqttTransport } from '../../../devices/transports/mqtt-transport';
import { MqttCredentialStore } from '../../../server/broker/credential-store';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../server/broker/embedded-broker';
import { openBrokerAccess, withLogin } from '../../../server/broker/office-accounts';
import { EventBus } from '../../../server/ingest/event-bus';
import { systemClock } from '../../../server/shared/clock';
import { silentLogger } from '../../../server/shared/logger';
import { boardClient } from '../../support/board-client';
import { holdSharedMosquitto, MOSQUITTO_URL, mosquittoAvailable } from '../../support/mosquitto';
import { demoOffice } from '../../support/office';
import { CollectingSink, sleep, waitFor } from './support';

/**
 * The transport's decoding, routing and acknowledgements over each kind of link: in process on
 * the embedded broker (what `serve` uses), MQTT.js over TCP to the same broker (tools in another
 * process), and MQTT.js to a real Mosquitto (MQTT_URL). The machine's Mosquitto is shared, so
 * every check looks only at its own boot id or timestamp, and the file holds it while it runs
 * (another file's server would acknowledge these reads).
 */

interface Target {
  name: string;
  mqttUrl: string;
  dataDir: string;
  links: MqttLinkOpener;
  close(): Promise<void>;
}

async function embedded(over: 'local' | 'tcp'): Promise<Target> {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-mqtt-transport-')), 'data');
  const broker: EmbeddedBroker = await startEmbeddedBroker({ port: 0, logger: silentLogger, access: openBrokerAccess({ dataDir, office: demoOffice() }).access });
  const links: MqttLinkOpener = over === 'local' ? async () => broker.localLink() : mqttClientLinks(withLogin(broker.url, MqttCredentialStore.open(dataDir).server()), silentLogger);
  return { name: over, mqttUrl: broker.url, dataDir, links, close: () => broker.close() };
}

async function mosquitto(): Promise<Target> {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-mqtt-transport-')), 'data');
  const release = await holdSharedMosquitto();
  return { name: 'mosquitto', mqttUrl: MOSQUITTO_URL, dataDir, links: mqttClientLinks(MOSQUITTO_URL, silentLogger), close: async () => release() };
}

const targets: [string, () => Promise<Target>][] = [
  ['the in-process link on the embedded broker', () => embedded('local')],
  ['an MQTT.js link to the embedded broker over TCP', () => embedded('tcp')],
];
if (await mosquittoAvailable()) targets.push(['an MQTT.js link to Mosquitto', mosquitto]);

describe.each(targets)('MqttTransport through %s', (_name, start) => {
  let target: Target;
  let transport: MqttTransport;
  const sink = new CollectingSink();
  let cab4: MqttClient;
  let cab2: MqttClient;
  const acks: { boot: string; seqs: number[] }[] = [];

  beforeAll(async () => {
    target = await start();
    transport = new MqttTransport({ openLink: target.links, bus: new EventBus(), sink, devices: demoOffice().devices, timeZone: 'UTC', logger: silentLogger, clock: systemClock });
    await transport.start();
    cab4 = await boardClient(target, 'safekeep/cab-4', { reconnectPeriod: 0 });
    cab2 = await boardClient(target, 'cab-2', { reconnectPeriod: 0 });
    cab4.on('message', (topic, payload) => {
      if (topic === 'safekeep/cab-4/ack') acks.push(JSON.parse(payload.toString()));
    });
    await cab4.subscribeAsync('safekeep/cab-4/ack', { qos: 1 });
  });
  afterAll(async () => {
    await cab4?.endAsync(true);
    await cab2?.endAsync(true);
    await transport?.stop();
    await target?.close();
  });

  it('routes a read to the device of its role and acknowledges it only once settled as stored', async () => {
    expect(transport.connected()).toBe(true);
    const boot = `b${randomBytes(4).toString('hex')}`;
    await cab4.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot, seq: 1, kind: 'badge', uid: '1A2B3C4D', format: 'hex' }), { qos: 1 });
    await cab4.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot, seq: 2, kind: 'barcode', data: 'SK-000123' }), { qos: 1 });
    const mine = () => sink.messages.filter((m) => m.event.idempotencyKey.includes(`:${boot}:`));
    await waitFor(() => mine().length === 2, 5000, 'both reads');
    expect(mine().map((m) => [m.event.deviceId, m.event.kind, m.event.idempotencyKey])).toEqual([
      ['cab-4-reader', 'badge', `cab-4-reader:${boot}:1`],
      ['cab-4-scanner', 'barcode', `cab-4-scanner:${boot}:2`],
    ]);
    mine()[1]!.settle!({ status: 'refused', reason: 'test' });
    mine()[0]!.settle!({ status: 'stored', logIndex: 1 });
    await waitFor(() => acks.some((a) => a.boot === boot), 5000, 'the ack');
    await sleep(200);
    expect(acks.filter((a) => a.boot === boot)).toEqual([{ boot, seqs: [1] }]);
  });

  it('acknowledges the reads a board had stored in one turn in one message per boot', async () => {
    const [boot, rebooted] = [`b${randomBytes(4).toString('hex')}`, `b${randomBytes(4).toString('hex')}`];
    const send = (b: string, seq: number) => cab4.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: b, seq, kind: 'door', state: 'open' }), { qos: 1 });
    await send(boot, 7);
    await send(boot, 8);
    await send(rebooted, 0);
    const mine = () => sink.messages.filter((m) => m.event.idempotencyKey.includes(`:${boot}:`) || m.event.idempotencyKey.includes(`:${rebooted}:`));
    await waitFor(() => mine().length === 3, 5000, 'the three reads');
    // Settled in one turn, as a commit settles its batch: storing order, not seq order.
    mine()[1]!.settle!({ status: 'stored', logIndex: 2 });
    mine()[0]!.settle!({ status: 'duplicate' });
    mine()[2]!.settle!({ status: 'stored', logIndex: 3 });
    await waitFor(() => acks.some((a) => a.boot === rebooted), 5000, 'the acks');
    await sleep(200);
    expect(acks.filter((a) => a.boot === boot || a.boot === rebooted)).toEqual([
      { boot, seqs: [8, 7] },
      { boot: rebooted, seqs: [0] },
    ]);
  });

  it('gives a redelivery without a device sequence the same key within the window, and decodes third-party firmware', async () => {
    const time = `2026-01-05T09:${String(randomBytes(1)[0]! % 60).padStart(2, '0')}:${String(randomBytes(1)[0]! % 60).padStart(2, '0')}`;
    const payload = JSON.stringify({ Time: time, Switch1: 'ON' });
    await cab2.publishAsync('tele/cab-2/SENSOR', payload, { qos: 1 });
    await cab2.publishAsync('tele/cab-2/SENSOR', payload, { qos: 1, dup: true });
    const mine = () => sink.messages.filter((m) => m.event.deviceId === 'cab-2-door' && m.event.tsDevice === `${time}.000Z`);
    await waitFor(() => mine().length === 2, 5000, 'both deliveries');
    expect(mine().map((m) => m.event)).toEqual([expect.objectContaining({ kind: 'door', state: 'open' }), expect.objectContaining({ kind: 'door', state: 'open' })]);
    // Within one redelivery window (2 s) both deliveries share one key; at a boundary they may not.
    const [first, second] = mine();
    if (Math.floor(first!.receivedAt.getTime() / 2000) === Math.floor(second!.receivedAt.getTime() / 2000)) expect(second!.event.idempotencyKey).toBe(first!.event.idempotencyKey);
  });

  it('stops: disconnected, and reads published afterwards go nowhere', async () => {
    await transport.stop();
    expect(transport.connected()).toBe(false);
    const boot = `b${randomBytes(4).toString('hex')}`;
    await cab4.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot, seq: 1, kind: 'heartbeat' }), { qos: 1 });
    await sleep(300);
    expect(sink.messages.filter((m) => m.event.idempotencyKey.includes(`:${boot}:`))).toEqual([]);
  });
});
