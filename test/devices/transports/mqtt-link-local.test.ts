import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttLink } from '../../../devices/transports/mqtt-link';
import { startBrokerThread, type BrokerHandle } from '../../../server/broker/broker-thread';
import { startEmbeddedBroker } from '../../../server/broker/embedded-broker';
import { openBrokerAccess } from '../../../server/broker/office-accounts';
import { silentLogger } from '../../../server/shared/logger';
import { boardClient } from '../../support/board-client';
import { demoOffice } from '../../support/office';
import { sleep, waitFor } from './support';

/** The embedded broker in the server's thread (the CLI's `devices`), or in a thread of its own (`serve`). */
const placements = [
  ['in the server thread', async (dataDir: string): Promise<BrokerHandle> => startEmbeddedBroker({ port: 0, logger: silentLogger, access: openBrokerAccess({ dataDir, office: demoOffice() }).access })],
  [
    'in a thread of its own',
    async (dataDir: string): Promise<BrokerHandle> => {
      openBrokerAccess({ dataDir, office: demoOffice() });
      return startBrokerThread({ port: 0, dataDir, office: demoOffice(), logger: silentLogger });
    },
  ],
] as const;

/**
 * The server's link on the embedded broker: what a board sends reaches it only after the
 * broker's ACL, and what it sends reaches boards as a TCP client's publish would.
 */
describe.each(placements)('the server\'s MQTT link on the embedded broker %s', (_placement, startBroker) => {
  let broker: BrokerHandle;
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-local-link-')), 'data');
  const fixture = () => ({ mqttUrl: broker.url, dataDir });
  const opened: (MqttLink | MqttClient)[] = [];
  const board = async (topic: string) => track(await boardClient(fixture(), topic, { reconnectPeriod: 0 }));
  const link = () => track(broker.localLink());
  function track<T extends MqttLink | MqttClient>(thing: T): T {
    opened.push(thing);
    return thing;
  }
  const listen = async (l: MqttLink, filters: string[]) => {
    const seen: { topic: string; payload: string }[] = [];
    await l.subscribe(filters, (topic, payload) => seen.push({ topic, payload: payload.toString() }));
    return seen;
  };

  beforeAll(async () => {
    broker = await startBroker(dataDir);
  });
  afterEach(async () => {
    for (const thing of opened.splice(0)) await ('endAsync' in thing ? thing.endAsync(true) : thing.close());
  });
  afterAll(async () => {
    await broker.close();
  });

  it('delivers a QoS 1 command to a board even when a QoS 0 ack published right after it overtakes it (aedes#994)', async () => {
    const cab4 = await board('safekeep/cab-4');
    const got: string[] = [];
    cab4.on('message', (topic) => got.push(topic.split('/').pop()!));
    await cab4.subscribeAsync(['safekeep/cab-4/ack', 'safekeep/cab-4/command'], { qos: 1 });
    const server = link();
    const sent: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      sent.push(server.publish('safekeep/cab-4/command', '{"cmd":"unlock","id":"cab-4-lock"}', { qos: 1, retain: false }));
      sent.push(server.publish('safekeep/cab-4/ack', `{"boot":"b1","seq":${i}}`, { qos: 0, retain: false }));
    }
    await Promise.all(sent);
    await waitFor(() => got.length >= 100, 3000, 'all 100 messages');
    await sleep(100);
    expect(got.filter((t) => t === 'command')).toHaveLength(50);
    expect(got.filter((t) => t === 'ack')).toHaveLength(50);
  });

  it("delivers a board's reads once, even where the filters overlap, and replays what was retained", async () => {
    const cab4 = await board('safekeep/cab-4');
    await cab4.publishAsync('safekeep/cab-4/status', 'online', { qos: 1, retain: true });
    const server = link();
    // esp-rfid's codec subscribes to both for one controller: a message on the base topic matches both.
    const seen = await listen(server, ['safekeep/cab-4/read', 'safekeep/cab-4/status', 'esp-rfid/cab-3', 'esp-rfid/cab-3/#']);
    expect(seen).toEqual([{ topic: 'safekeep/cab-4/status', payload: 'online' }]);
    await cab4.publishAsync('safekeep/cab-4/read', '{"boot":"b1","seq":1}', { qos: 1 });
    await cab4.publishAsync('safekeep/cab-4/read', '{"boot":"b1","seq":2}', { qos: 0 });
    const cab3 = await board('esp-rfid/cab-3');
    await cab3.publishAsync('esp-rfid/cab-3', '{"type":"heartbeat"}', { qos: 1 });
    await cab3.publishAsync('esp-rfid/cab-3/send', '{"type":"boot"}', { qos: 1 });
    await waitFor(() => seen.length >= 5, 3000, 'five messages');
    await sleep(100);
    expect(seen.slice(1)).toEqual([
      { topic: 'safekeep/cab-4/read', payload: '{"boot":"b1","seq":1}' },
      { topic: 'safekeep/cab-4/read', payload: '{"boot":"b1","seq":2}' },
      { topic: 'esp-rfid/cab-3', payload: '{"type":"heartbeat"}' },
      { topic: 'esp-rfid/cab-3/send', payload: '{"type":"boot"}' },
    ]);
    expect(server.connected()).toBe(true);
  });

  it("never hands the server a board's publish on another board's read topic", async () => {
    const seen = await listen(link(), ['safekeep/cab-4/read', 'tele/cab-2/#']);
    const cab2 = await board('cab-2');
    await cab2.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: 'forged', seq: 1, kind: 'badge', uid: '0BADC0DE', format: 'hex' }), { qos: 1 });
    await cab2.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: 'forged', seq: 2, kind: 'badge', uid: '0BADC0DE', format: 'hex' }), { qos: 0 });
    await cab2.publishAsync('tele/cab-2/SENSOR', '{"Switch1":"ON"}', { qos: 1 });
    const cab4 = await board('safekeep/cab-4');
    await cab4.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: 'real', seq: 1 }), { qos: 1 });
    await waitFor(() => seen.some((m) => m.topic === 'safekeep/cab-4/read'), 3000, 'the real read');
    await sleep(200);
    expect(seen.map((m) => m.topic).sort()).toEqual(['safekeep/cab-4/read', 'tele/cab-2/SENSOR']);
    expect(seen.filter((m) => m.topic === 'safekeep/cab-4/read').map((m) => JSON.parse(m.payload).boot)).toEqual(['real']);
  });

  it('delivers acks and commands to a board subscribed at QoS 1, never retained; drops what the server may not publish', async () => {
    const cab4 = await board('safekeep/cab-4');
    const got: { topic: string; payload: string; qos: number; retain: boolean }[] = [];
    cab4.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain }));
    await cab4.subscribeAsync(['safekeep/cab-4/ack', 'safekeep/cab-4/command'], { qos: 1 });
    const reads = await listen(link(), ['safekeep/cab-4/read']);
    const server = link();
    await server.publish('safekeep/cab-4/ack', Buffer.from('{"boot":"b1","seq":1}'), { qos: 1, retain: false });
    await server.publish('safekeep/cab-4/command', '{"cmd":"unlock","id":"cab-4-lock"}', { qos: 1, retain: false });
    // Outside the server account's ACL: the server cannot forge a board's read.
    await server.publish('safekeep/cab-4/read', '{"boot":"forged","seq":1}', { qos: 1, retain: false });
    await waitFor(() => got.length >= 2, 3000, 'ack and command');
    await sleep(200);
    expect(got).toEqual([
      { topic: 'safekeep/cab-4/ack', payload: '{"boot":"b1","seq":1}', qos: 1, retain: false },
      { topic: 'safekeep/cab-4/command', payload: '{"cmd":"unlock","id":"cab-4-lock"}', qos: 1, retain: false },
    ]);
    expect(reads).toEqual([]);
  });

  it("refuses a subscription outside the server account's topics, and a second subscriber", async () => {
    await expect(link().subscribe(['#'], () => undefined)).rejects.toThrow(/refused/);
    const server = link();
    await server.subscribe(['safekeep/cab-4/read'], () => undefined);
    await expect(server.subscribe(['safekeep/cab-4/status'], () => undefined)).rejects.toThrow(/already/);
  });

  it('stops cleanly: after close nothing more arrives, and nothing more is sent', async () => {
    const server = link();
    const seen = await listen(server, ['safekeep/cab-4/read']);
    const cab4 = await board('safekeep/cab-4');
    await cab4.publishAsync('safekeep/cab-4/read', '{"boot":"b1","seq":1}', { qos: 1 });
    await waitFor(() => seen.length === 1, 3000, 'the first read');
    await server.close();
    expect(server.connected()).toBe(false);
    await cab4.publishAsync('safekeep/cab-4/read', '{"boot":"b1","seq":2}', { qos: 1 });
    await sleep(200);
    expect(seen).toHaveLength(1);
    await expect(server.publish('safekeep/cab-4/ack', '{}', { qos: 1, retain: false })).rejects.toThrow(/closed/);
    // The broker's subscriber list no longer holds the link: another link still gets reads.
    const next = await listen(link(), ['safekeep/cab-4/read']);
    await cab4.publishAsync('safekeep/cab-4/read', '{"boot":"b1","seq":3}', { qos: 1 });
    await waitFor(() => next.length === 1, 3000, 'the read after');
    expect(seen).toHaveLength(1);
  });

  it('hands the server every read in order, and survives a handler that throws', async () => {
    const server = link();
    const seqs: number[] = [];
    await server.subscribe(['safekeep/cab-4/read'], (_topic, payload) => {
      const { seq } = JSON.parse(payload.toString()) as { seq: number };
      seqs.push(seq);
      if (seq % 10 === 3) throw new Error('a broken reader');
    });
    const cab4 = await board('safekeep/cab-4');
    await Promise.all(Array.from({ length: 200 }, (_, i) => cab4.publishAsync('safekeep/cab-4/read', JSON.stringify({ boot: 'b1', seq: i }), { qos: 1 })));
    await waitFor(() => seqs.length === 200, 3000, 'all 200 reads');
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(server.connected()).toBe(true);
    await waitFor(() => broker.clients() >= 1, 3000, 'the board counted as a client');
  });
});

describe.each(placements)('the server\'s link when its broker %s stops', (_placement, startBroker) => {
  it('reports disconnected, so commands are refused rather than queued', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-local-link-')), 'data');
    const broker = await startBroker(dataDir);
    const server = broker.localLink();
    await server.subscribe(['safekeep/cab-4/read'], () => undefined);
    expect(server.connected()).toBe(true);
    await broker.close();
    expect(server.connected()).toBe(false);
    await expect(server.publish('safekeep/cab-4/command', '{}', { qos: 1, retain: false })).rejects.toThrow(/closed|stopped/);
    await server.close();
  });
});

describe('the broker thread', () => {
  it('is started again when it dies: links report disconnected, then get their subscriptions back, and boards reconnect', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-broker-thread-')), 'data');
    openBrokerAccess({ dataDir, office: demoOffice() });
    const broker = await startBrokerThread({ port: 0, dataDir, office: demoOffice(), logger: silentLogger });
    const cab4 = await boardClient({ mqttUrl: broker.url, dataDir }, 'safekeep/cab-4', { reconnectPeriod: 100 });
    try {
      const server = broker.localLink();
      const seen: string[] = [];
      await server.subscribe(['safekeep/cab-4/read'], (_topic, payload) => seen.push(payload.toString()));
      await cab4.publishAsync('safekeep/cab-4/read', 'before', { qos: 1 });
      await waitFor(() => seen.length === 1, 3000, 'the read before');

      await broker.worker().terminate();
      expect(server.connected()).toBe(false);
      await expect(server.publish('safekeep/cab-4/command', '{}', { qos: 1, retain: false })).rejects.toThrow(/stopped/);

      // A new thread loads and compiles the broker again: slow on a loaded machine.
      await waitFor(() => broker.restarts() === 1 && server.connected(), 20_000, 'the thread started again');
      await waitFor(() => cab4.connected, 20_000, 'the board reconnected');
      await cab4.publishAsync('safekeep/cab-4/read', 'after', { qos: 1 });
      await waitFor(() => seen.length === 2, 3000, 'the read after');
      expect(seen).toEqual(['before', 'after']);
      expect(new URL(broker.url).port).toBe(String(broker.port));
      await server.close();
    } finally {
      await cab4.endAsync(true);
      await broker.close();
    }
  });

  it('fails to start with the reason when its port is taken, and leaves no thread behind', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-broker-thread-')), 'data');
    openBrokerAccess({ dataDir, office: demoOffice() });
    const first = await startBrokerThread({ port: 0, dataDir, office: demoOffice(), logger: silentLogger });
    try {
      await expect(startBrokerThread({ port: first.port, dataDir, office: demoOffice(), logger: silentLogger })).rejects.toThrow(/EADDRINUSE|in use/);
    } finally {
      await first.close();
    }
  });
});
