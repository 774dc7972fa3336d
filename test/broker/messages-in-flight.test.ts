import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/broker/embedded-broker';
import { openBrokerAccess } from '../../server/broker/office-accounts';
import { silentLogger } from '../../server/shared/logger';
import { issueBoardLogins } from '../bench/board-logins';
import { ackTopic, boardTopic } from '../bench/load/reads';
import { benchOfficeConfig } from '../bench/office-config';

/**
 * Under a flood every busy board has a read in flight at the broker until the server has handled
 * it. The server's acks must not queue behind those reads: boards wait for their acks before
 * sending more, so an ack stuck in the broker slows every board down (aedes routes only 100
 * messages at once unless told otherwise).
 */
describe('the embedded broker with many boards waiting on the server', () => {
  const BOARDS = 110;
  const clients: MqttClient[] = [];
  let broker: EmbeddedBroker | undefined;
  const held: (() => void)[] = [];

  afterAll(async () => {
    for (const settle of held.splice(0)) settle();
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker?.close();
  });

  it("delivers the server's ack to a board while more than 100 boards' reads wait for the server", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-inflight-')), 'data');
    const office = benchOfficeConfig(BOARDS);
    const logins = issueBoardLogins(dataDir, office, BOARDS);
    broker = await startEmbeddedBroker({ port: 0, logger: silentLogger, access: openBrokerAccess({ dataDir, office }).access });
    const server = broker.localLink();
    // The server takes each read but does not finish handling it: the boards' reads stay in flight.
    await server.subscribeSettled(Array.from({ length: BOARDS }, (_, b) => `${boardTopic(b)}/read`), (_topic, _payload, settled) => held.push(settled));

    for (let b = 0; b < BOARDS; b++) {
      clients.push(await mqtt.connectAsync(broker.url, { ...logins[b]!, clientId: `inflight-${b}`, reconnectPeriod: 0 }));
    }
    const acked = new Promise<string>((resolve) => clients[0]!.on('message', (topic, payload) => resolve(`${topic} ${payload.toString()}`)));
    await clients[0]!.subscribeAsync(ackTopic(0), { qos: 1 });
    for (let b = 0; b < BOARDS; b++) void clients[b]!.publishAsync(`${boardTopic(b)}/read`, JSON.stringify({ boot: 'b1', seq: 1, kind: 'heartbeat' }), { qos: 1 });
    await expect.poll(() => held.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(100);

    await server.publish(ackTopic(0), '{"boot":"b1","seqs":[1]}', { qos: 0, retain: false });
    // Held behind the reads, the ack would never come; the wait is long only for a loaded machine.
    const got = await Promise.race([acked, new Promise<string>((resolve) => setTimeout(() => resolve('no ack within 10 s'), 10_000))]);
    expect(got).toBe(`${ackTopic(0)} {"boot":"b1","seqs":[1]}`);
    await expect.poll(() => held.length, { timeout: 10_000 }).toBe(BOARDS);
  }, 60_000);
});
