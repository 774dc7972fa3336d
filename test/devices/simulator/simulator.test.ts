import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalCredential } from '../../../devices/credentials/canonical';
import { decodeRdm6300Frame } from '../../../devices/decoders/rdm6300';
import { decodeSafekeep } from '../../../devices/decoders/firmware/safekeep';
import { firmwareMessage } from '../../../devices/simulator/firmware-payloads';
import { rdm6300Frame, wiegandText } from '../../../devices/simulator/serial-payloads';
import { Simulator } from '../../../devices/simulator/simulator';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../server/broker/embedded-broker';
import { MqttCredentialStore } from '../../../server/broker/credential-store';
import { openBrokerAccess, simulatorLogins } from '../../../server/broker/office-accounts';
import type { OfficeConfig } from '../../../server/config/office-schema';
import { systemClock } from '../../../server/shared/clock';
import { silentLogger } from '../../../server/shared/logger';
import { demoOffice } from '../../support/office';
import { serverAccountClient } from '../../support/board-client';
import { capturingLogger, waitFor } from '../transports/support';

describe('simulated serial payloads', () => {
  it('RDM6300 frames carry the badge with a valid checksum', () => {
    for (const badge of ['1A2B3C01', '008EC793', 'FFFFFFFF']) {
      const decoded = decodeRdm6300Frame(rdm6300Frame(badge));
      expect(decoded).toMatchObject({ ok: true, read: { credential: { canonical: badge, format: 'em4100' } } });
    }
    // The documented example frame, byte for byte (devices.md: 02-14-008EC793-CE-03).
    expect(rdm6300Frame('008EC793').toString('hex')).toBe('0231343030384543373933434503');
  });

  it('Wiegand adapter text reads back as the same card in the configured format', () => {
    expect(wiegandText('008EC793', 'w26')).toBe('9357203');
    expect(canonicalCredential(wiegandText('1A2B3C01', 'w26'), 'w26')?.canonical).toBe('2B3C01');
    expect(canonicalCredential(wiegandText('1A2B3C01', 'dec10'), 'dec10')?.canonical).toBe('1A2B3C01');
    expect(canonicalCredential(wiegandText('1A2B3C01', 'em4100'), 'em4100')?.canonical).toBe('1A2B3C01');
    expect(canonicalCredential(wiegandText('1A2B3C01', 'hex'), 'hex')?.canonical).toBe('1A2B3C01');
  });

  it('Safekeep boards carry barcode scans; other firmware has none', () => {
    const ctx = { now: new Date('2026-01-05T09:00:00Z'), boot: 'b1', seq: 7 };
    const message = firmwareMessage({ firmware: 'safekeep', topic: 'safekeep/cab-4', roles: ['barcode_scanner'] }, { kind: 'barcode', data: 'SK-000042' }, ctx);
    expect(message.topic).toBe('safekeep/cab-4/read');
    const decoded = decodeSafekeep(message.topic, Buffer.from(message.payload), { deviceId: 'cab-4' });
    expect(decoded).toMatchObject({ ok: true, reads: [{ kind: 'barcode', data: 'SK-000042', dedupeHint: 'b1:7' }] });
    expect(() => firmwareMessage({ firmware: 'tasmota', topic: 'cab-2', roles: [] }, { kind: 'barcode', data: 'x' }, ctx)).toThrow(/no barcode/);
  });
});

describe('simulator without socat', () => {
  let broker: EmbeddedBroker | null = null;
  let simulator: Simulator | null = null;
  afterEach(async () => {
    await simulator?.stop();
    await broker?.close();
  });

  it('says so once and simulates the MQTT devices', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'safekeep-nosocat-'));
    const dataDir = path.join(dir, 'data');
    broker = await startEmbeddedBroker({ port: 0, logger: silentLogger, access: openBrokerAccess({ dataDir, office: demoOffice() }).access });
    const office: OfficeConfig = {
      ...demoOffice(),
      devices: demoOffice().devices.map((d) => (d.transport.type === 'serial' ? { ...d, transport: { ...d.transport, path: path.join(dir, d.id) } } : d)),
    };
    const logger = capturingLogger();
    simulator = new Simulator({ office, clock: systemClock, logger, badges: ['1A2B3C01'], barcodes: ['SK-000001'], socatPath: path.join(dir, 'no-socat-here') });
    // The server's account reads every board; the simulated boards log in as themselves.
    const listener = await serverAccountClient({ mqttUrl: broker.url, dataDir });
    const topics: string[] = [];
    listener.on('message', (topic) => topics.push(topic));
    await listener.subscribeAsync('tele/cab-2/#');
    await simulator.openPorts();
    const logins = simulatorLogins({ store: MqttCredentialStore.open(dataDir), office, logger: silentLogger });
    await simulator.start({ mqttUrl: broker.url, loop: false, logins });
    simulator.tour();
    await waitFor(() => topics.includes('tele/cab-2/SENSOR'), 5000, 'an MQTT publish');
    await listener.endAsync();
    const warnings = logger.entries.filter((e) => e.msg.includes('socat is not installed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/simulating MQTT devices only/);
  });
});
