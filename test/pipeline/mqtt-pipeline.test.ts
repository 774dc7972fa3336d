import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { startTestServer, type ServerFixture } from '../support/server';
import { holdSharedMosquitto, MOSQUITTO_URL, mosquittoAvailable } from '../support/mosquitto';
import { boardClient } from '../support/board-client';
import { decodeCustodyEmit } from '../../dashboard/src/api/custody-wire';

const brokers: ['embedded' | 'mosquitto', string | undefined][] = [['embedded', undefined]];
if (await mosquittoAvailable()) brokers.push(['mosquitto', MOSQUITTO_URL]);

type CustodyEmit = { index: number; event: Record<string, unknown> }[];

describe.each(brokers)('device reads through the %s broker', (_name, externalUrl) => {
  let f: ServerFixture;
  // Each fake board logs in as itself: the embedded broker takes a board's reads on its own topics only.
  let device: MqttClient;
  let cab2: MqttClient;
  let cab1: MqttClient;
  let socket: Socket;
  const received: CustodyEmit[number][] = [];
  const acks: { boot: string; seqs: number[] }[] = [];
  let releaseMosquitto: (() => void) | undefined;

  beforeAll(async () => {
    if (externalUrl) releaseMosquitto = await holdSharedMosquitto();
    f = await startTestServer(externalUrl ? { mqttUrl: externalUrl } : {});
    device = await boardClient(f, 'safekeep/cab-4');
    cab2 = await boardClient(f, 'cab-2');
    cab1 = await boardClient(f, 'safekeep/cab-1');
    await device.subscribeAsync('safekeep/cab-4/ack', { qos: 1 });
    device.on('message', (topic, payload) => {
      if (topic === 'safekeep/cab-4/ack') acks.push(JSON.parse(payload.toString()));
    });
    const staff = await f.as('staff');
    socket = connectSocket(f.url, { transports: ['websocket'], extraHeaders: { cookie: staff.cookie, origin: staff.origin } });
    socket.on('custody', (payload: Buffer) => received.push(...(decodeCustodyEmit(payload) as CustodyEmit)));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  });
  afterAll(async () => {
    socket?.close();
    await device?.endAsync();
    await cab2?.endAsync();
    await cab1?.endAsync();
    await f?.close();
    releaseMosquitto?.();
  });

  const waitFor = async (predicate: () => boolean, ms = 5000) => {
    const until = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > until) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  /** Until the log has not grown for `quietMs`: an earlier test's reads may still be committing (the door test waits for two of its four). */
  const settled = async (quietMs = 400) => {
    let size = f.server.services.writer.size;
    let since = Date.now();
    await waitFor(() => {
      if (f.server.services.writer.size !== size) [size, since] = [f.server.services.writer.size, Date.now()];
      return Date.now() - since >= quietMs;
    });
  };

  it('commits a read with its leaf, broadcasts it live, then acknowledges it; a redelivery is stored once', async () => {
    const boot = `b${Date.now().toString(36)}`;
    const read = JSON.stringify({ boot, seq: 1, kind: 'badge', uid: '1A2B3C4D', format: 'hex' });
    const before = received.length;
    await device.publishAsync('safekeep/cab-4/read', read, { qos: 1 });
    await waitFor(() => acks.some((a) => a.boot === boot && a.seqs.includes(1)));
    await waitFor(() => received.slice(before).some((l) => l.event.type === 'device.read'));
    const leaf = received.slice(before).find((l) => l.event.type === 'device.read')!;
    expect(leaf.event).toMatchObject({ type: 'device.read', kind: 'badge', device: 'cab-4-reader', location: 'cab-4' });
    // No badge number in the leaf: only a commitment to the raw read.
    expect(JSON.stringify(leaf.event)).not.toContain('1A2B3C4D');
    // Only what the redelivery itself would add may count: wait out anything else still committing.
    await settled();
    const size = f.server.services.writer.size;
    await device.publishAsync('safekeep/cab-4/read', read, { qos: 1 });
    await waitFor(() => acks.filter((a) => a.boot === boot && a.seqs.includes(1)).length === 2);
    expect(f.server.services.writer.size).toBe(size);
  });

  it('routes third-party firmware payloads to the right device of the board', async () => {
    const before = received.length;
    // Both states, one after the other: the registry passes on a door read only when the state
    // changes, and on the shared Mosquitto other test files' boards may have set either state.
    for (const [i, state] of ['OFF', 'ON'].entries()) {
      await cab2.publishAsync('tele/cab-2/SENSOR', JSON.stringify({ Time: `2026-01-05T09:00:0${i}`, Switch1: state }), { qos: 1 });
      await cab1.publishAsync('safekeep/cab-1/binary_sensor/door/state', state, { qos: 1 });
    }
    const doorReads = () => received.slice(before).filter((l) => l.event.type === 'device.read' && l.event.kind === 'door');
    await waitFor(() => doorReads().length >= 2);
    const events = doorReads().map((l) => l.event);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'door', device: 'cab-2-door', location: 'cab-2' }),
        expect.objectContaining({ kind: 'door', device: 'cab-1-door', location: 'cab-1' }),
      ]),
    );
  });

  it('counts a malformed payload, stores nothing for it, and keeps serving other devices', async () => {
    await settled();
    const before = f.server.services.writer.size;
    const rejected: string[] = [];
    const off = f.server.services.bus.on('device.rejected', ({ reason }) => rejected.push(reason));
    await device.publishAsync('safekeep/cab-4/read', '{"boot": "x", "seq": "not a number"', { qos: 1 });
    await cab2.publishAsync('tele/cab-2/SENSOR', Buffer.from([0xff, 0xfe, 0x00]), { qos: 1 });
    await waitFor(() => rejected.length >= 2);
    off();
    expect(f.server.services.writer.size).toBe(before);
    const health = await (await fetch(`${f.url}/api/health`)).json();
    expect(health.status).toBe('ok');
  });
});
