import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLayer } from '../../../devices/device-layer';
import { rdm6300Frame } from '../../../devices/simulator/serial-payloads';
import { SerialPtys } from '../../../devices/simulator/serial-ptys';
import type { OfficeConfig } from '../../../server/config/office-schema';
import { EventBus, type BusEvents } from '../../../server/ingest/event-bus';
import { systemClock } from '../../../server/shared/clock';
import { silentLogger } from '../../../server/shared/logger';
import { serialDevice, sleep, socatReady, waitFor } from '../transports/support';

/** Transports and registry wired as the server wires them, with real pseudo-terminals. */
describe.runIf(socatReady())('device layer: serial transports through the registry to the bus', () => {
  let ptys: SerialPtys | null = null;
  let layer: DeviceLayer | null = null;
  afterEach(async () => {
    await layer?.stop();
    await ptys?.stop();
  });

  it('a held tag is one read; a flooding scanner is cut off without holding up the reader next to it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'safekeep-layer-'));
    const reader = path.join(dir, 'reader');
    const scanner = path.join(dir, 'scanner');
    ptys = new SerialPtys({ paths: [reader, scanner], logger: silentLogger });
    await ptys.start();
    const bus = new EventBus();
    const events: BusEvents['device.event'][] = [];
    bus.on('device.event', (m) => events.push(m));
    layer = new DeviceLayer({
      bus,
      office: {
        office: { timezone: 'UTC' },
        devices: [serialDevice('desk-reader', reader, 'rdm6300'), serialDevice('stuck-scanner', scanner, 'lines', { line_terminator: 'lf' })],
      } as unknown as OfficeConfig,
      logger: silentLogger,
      clock: systemClock,
      policy: { floodLimit: 50, floodWindowMs: 1000 },
    });
    await layer.start();
    const reads = (id: string) => events.filter((m) => m.event.deviceId === id && m.event.kind !== 'availability');
    await waitFor(() => events.filter((m) => m.event.kind === 'availability').length === 2, 3000, 'both ports open');

    // RDM6300 repeats the frame every ~65 ms while the tag is held.
    for (let i = 0; i < 6; i++) {
      await ptys.write(reader, rdm6300Frame('1A2B3C01'));
      await sleep(65);
    }
    await waitFor(() => reads('desk-reader').length === 1, 3000, 'one read');

    // 500 different labels in one go: a scanner stuck in continuous mode over a label sheet.
    const burst = Array.from({ length: 500 }, (_, i) => `SK-${String(i).padStart(6, '0')}\n`).join('');
    await ptys.write(scanner, Buffer.from(burst, 'latin1'));
    await ptys.write(reader, rdm6300Frame('1A2B3C02'));
    await waitFor(() => reads('desk-reader').length === 2, 3000, "the reader's next card");
    await waitFor(() => (layer!.status().devices.find((d) => d.deviceId === 'stuck-scanner')?.counts.flooded ?? 0) > 0, 3000, 'flood counted');
    // The burst crosses the pseudo-terminal in chunks: every label is either passed on or counted as flooded.
    const scannerStatus = () => layer!.status().devices.find((d) => d.deviceId === 'stuck-scanner')!;
    await waitFor(() => reads('stuck-scanner').length + scannerStatus().counts.flooded >= 500, 10_000, 'the whole burst');
    await sleep(200);
    expect(reads('stuck-scanner').length).toBeLessThanOrEqual(100); // at most two flood windows' worth
    expect(reads('stuck-scanner').length + scannerStatus().counts.flooded).toBe(500);
    expect(layer.status().devices.find((d) => d.deviceId === 'desk-reader')).toMatchObject({ availability: 'online', counts: { emit: 3, debounced: 5 } }); // online + two cards
  });
});
