import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { Device } from '../../../server/config/office-schema';
import { EventBus } from '../../../server/ingest/event-bus';
import { ManualClock, systemClock } from '../../../server/shared/clock';
import { silentLogger } from '../../../server/shared/logger';
import { DeviceLayer } from '../../../devices/device-layer';
import { loadNodeHid, type HidApi, type HidDeviceInfo, type HidHandle } from '../../../devices/transports/hid-api';
import { HidTransport } from '../../../devices/transports/hid-transport';
import { capturingLogger, CollectingSink, waitFor } from './support';

/**
 * USB HID readers through the real adapter path (HidTransport → HidLink → decoders → sink), with
 * node-hid replaced at its boundary only: a fake device object that emits recorded input reports
 * as node-hid's HID object does ('data' per report, 'error' when unplugged, close()).
 */

class RecordedHidDevice extends EventEmitter implements HidHandle {
  closed = false;
  constructor(readonly path: string) {
    super();
  }
  close(): void {
    this.closed = true;
  }
  play(reports: readonly (readonly number[])[]): void {
    for (const r of reports) this.emit('data', Buffer.from(r));
  }
  /** What node-hid does when the device goes away mid-read. */
  unplug(): void {
    this.emit('error', new Error('could not read from HID device'));
  }
}

class RecordedHidApi implements HidApi {
  attached: HidDeviceInfo[] = [];
  readonly opened: RecordedHidDevice[] = [];
  enumerations = 0;
  devices(): HidDeviceInfo[] {
    this.enumerations++;
    return this.attached.map((d) => ({ ...d }));
  }
  open(path: string): HidHandle {
    if (!this.attached.some((d) => d.path === path)) throw new Error(`cannot open device with path ${path}`);
    const device = new RecordedHidDevice(path);
    this.opened.push(device);
    return device;
  }
  last(): RecordedHidDevice {
    return this.opened.at(-1)!;
  }
}

// --- Recorded reports, written out from the HID usage tables (devices.md §2) -------------------

const RELEASE = [0, 0, 0, 0, 0, 0, 0, 0];
const key = (usage: number, modifier = 0) => [modifier, 0, usage, 0, 0, 0, 0, 0];
const LSHIFT = 0x02;

/**
 * A keyboard-wedge scanner typing "SK-000123⏎". It holds Left Shift across "SK" and lets go of
 * each key with a report that still carries the modifier; the three zeros are the same usage
 * three times, told apart only by the release reports between them (FreeRDP#3229 lost those).
 */
const SCAN_SK_000123 = [
  key(0x16, LSHIFT), [LSHIFT, 0, 0, 0, 0, 0, 0, 0], // S
  key(0x0e, LSHIFT), RELEASE, // K
  key(0x2d), RELEASE, // -
  key(0x27), RELEASE, key(0x27), RELEASE, key(0x27), RELEASE, // 0 0 0
  key(0x1e), RELEASE, key(0x1f), RELEASE, key(0x20), RELEASE, // 1 2 3
  key(0x28), RELEASE, // Enter
];

/** Access-IS layout HID POS report: id 2, length, AIM id, up to 56 data bytes, symbology, 0, more-flag. */
function posReport(data: string, aim: string, more: boolean): number[] {
  const report = new Array<number>(64).fill(0);
  report[0] = 0x02;
  report[1] = data.length;
  [...aim].forEach((c, i) => (report[2 + i] = c.charCodeAt(0)));
  [...data].forEach((c, i) => (report[5 + i] = c.charCodeAt(0)));
  report[61] = 0x73;
  report[63] = more ? 0x01 : 0x00;
  return report;
}

/** A boarding-pass PDF417 longer than one report: 56 bytes flagged "more data follows", then the rest. */
const BOARDING_PASS = 'M1GATHERGOOD/MARTIN   EABC123 MANCDGBA 0012 123Y015A0001 100';
const SCAN_BOARDING_PASS = [posReport(BOARDING_PASS.slice(0, 56), ']L0', true), posReport(BOARDING_PASS.slice(56), ']L0', false)];

// ------------------------------------------------------------------------------------------------

type HidDevice = Device & { transport: Extract<Device['transport'], { type: 'hid' }> };
const hidDevice = (id: string, protocol: 'keyboard' | 'hid-pos', serial?: string): HidDevice => ({
  id,
  role: 'barcode_scanner',
  transport: { type: 'hid', vendor_id: 0x0c2e, product_id: 0x0b61, protocol, ...(serial ? { serial_number: serial } : {}) },
});
const attached = (path: string, extra: Partial<HidDeviceInfo> = {}): HidDeviceInfo => ({
  vendorId: 0x0c2e,
  productId: 0x0b61,
  path,
  serialNumber: 'A1',
  usagePage: 0x01,
  usage: 0x06,
  ...extra,
});

describe('HID transport with recorded reports', () => {
  let transport: HidTransport | null = null;
  afterEach(() => {
    transport?.stop();
    transport = null;
  });

  function start(devices: HidDevice[], api: HidApi, sink: CollectingSink, clock = systemClock): HidTransport {
    transport = new HidTransport({
      devices,
      sink,
      clock,
      logger: silentLogger,
      load: async () => ({ ok: true, api }),
      timing: { backoffInitialMs: 20, backoffMaxMs: 50 },
    });
    return transport;
  }

  it('decodes a keyboard-wedge scan with shift, releases and a repeated character', async () => {
    const api = new RecordedHidApi();
    api.attached = [attached('/dev/hidraw3')];
    const sink = new CollectingSink();
    await start([hidDevice('desk-usb-scanner', 'keyboard')], api, sink).start();
    await waitFor(() => api.opened.length === 1, 2000, 'open');
    api.last().play(SCAN_SK_000123);
    expect(sink.reads()).toEqual([expect.objectContaining({ kind: 'barcode', data: 'SK-000123', deviceId: 'desk-usb-scanner' })]);
    expect(sink.reads()[0]!.idempotencyKey).toMatch(/^desk-usb-scanner:[0-9a-f]{24}:\d+$/);
    // Short reports (a status report from another interface) are counted, never typed.
    api.last().play([[0x01, 0x02]]);
    expect(transport!.status()[0]).toMatchObject({ open: true, reads: 1, garbage: 1 });
  });

  it('reassembles a HID POS code across "more data follows" reports', async () => {
    const api = new RecordedHidApi();
    // The scanner exposes a keyboard and a POS interface; the POS one is picked for hid-pos.
    api.attached = [attached('/dev/hidraw4'), attached('/dev/hidraw5', { usagePage: 0x8c, usage: 0x02 })];
    const sink = new CollectingSink();
    const clock = new ManualClock();
    await start([hidDevice('reception-pos', 'hid-pos')], api, sink, clock).start();
    await waitFor(() => api.opened.length === 1, 2000, 'open');
    expect(api.last().path).toBe('/dev/hidraw5');
    api.last().play([SCAN_BOARDING_PASS[0]!]);
    expect(sink.reads()).toHaveLength(0);
    clock.advance(8);
    api.last().play([SCAN_BOARDING_PASS[1]!]);
    expect(sink.reads()).toEqual([expect.objectContaining({ kind: 'barcode', data: BOARDING_PASS, symbology: ']L0' })]);
  });

  it('finds a replugged device again by VID/PID/serial, whatever its new path', async () => {
    const api = new RecordedHidApi();
    api.attached = [attached('/dev/hidraw3', { serialNumber: 'OTHER' }), attached('/dev/hidraw6', { serialNumber: 'A1' })];
    const sink = new CollectingSink();
    await start([hidDevice('desk-usb-scanner', 'keyboard', 'A1')], api, sink).start();
    await waitFor(() => api.opened.length === 1, 2000, 'open');
    expect(api.last().path).toBe('/dev/hidraw6');
    const first = api.last();
    // Unplugged half-way through a scan: the half scan is dropped with the connection.
    first.play(SCAN_SK_000123.slice(0, 8));
    api.attached = [attached('/dev/hidraw3', { serialNumber: 'OTHER' })];
    first.unplug();
    expect(first.closed).toBe(true);
    const polls = api.enumerations;
    await waitFor(() => api.enumerations >= polls + 3, 2000, 're-detection polling');
    expect(api.opened).toHaveLength(1);

    api.attached.push(attached('/dev/hidraw7', { serialNumber: 'A1' }));
    await waitFor(() => api.opened.length === 2, 2000, 'replugged device opened');
    expect(api.last().path).toBe('/dev/hidraw7');
    // A new connection starts a new decoder: the half scan typed before the unplug is not a prefix.
    api.last().play(SCAN_SK_000123);
    expect(sink.reads().map((e) => (e.kind === 'barcode' ? e.data : ''))).toEqual(['SK-000123']);
    expect(sink.events('desk-usb-scanner', 'availability').map((e) => (e.kind === 'availability' ? e.state : ''))).toEqual(['online', 'offline', 'online']);
  });

  it('retries a device it cannot open (permissions) without affecting another', async () => {
    const api = new RecordedHidApi();
    api.attached = [attached('/dev/hidraw3', { serialNumber: 'A1' }), attached('/dev/hidraw4', { serialNumber: 'B2' })];
    const realOpen = api.open.bind(api);
    let refusals = 0;
    api.open = (path) => {
      if (path === '/dev/hidraw3' && refusals++ < 3) throw new Error('cannot open device with path /dev/hidraw3');
      return realOpen(path);
    };
    const sink = new CollectingSink();
    await start([hidDevice('scanner-a', 'keyboard', 'A1'), hidDevice('scanner-b', 'keyboard', 'B2')], api, sink).start();
    await waitFor(() => api.opened.some((d) => d.path === '/dev/hidraw4'), 2000, 'b open');
    api.opened.find((d) => d.path === '/dev/hidraw4')!.play(SCAN_SK_000123);
    expect(sink.reads('scanner-b')).toHaveLength(1);
    await waitFor(() => api.opened.some((d) => d.path === '/dev/hidraw3'), 2000, 'a open after retries');
    expect(refusals).toBe(4);
  });
});

describe('HID support that cannot load', () => {
  it('logs one clear message and the rest of the device layer runs', async () => {
    const logger = capturingLogger();
    const bus = new EventBus();
    const events: string[] = [];
    bus.on('device.event', ({ event }) => events.push(`${event.deviceId}:${event.kind}`));
    const layer = new DeviceLayer({
      bus,
      office: {
        devices: [hidDevice('usb-1', 'keyboard'), hidDevice('usb-2', 'hid-pos'), { id: 'net-1', role: 'badge_reader', transport: { type: 'serial', path: 'tcp://127.0.0.1:1', baud_rate: 9600, protocol: 'rdm6300' } }],
        office: { timezone: 'UTC' },
      } as never,
      logger,
      clock: systemClock,
      hidLoader: async () => ({ ok: false, reason: 'libusb-1.0.so.0: cannot open shared object file: No such file or directory' }),
    });
    await layer.start();
    try {
      const messages = logger.entries.filter((e) => e.msg.startsWith('HID readers disabled'));
      expect(messages).toHaveLength(1);
      expect(messages[0]!.msg).toBe('HID readers disabled: libusb-1.0.so.0: cannot open shared object file: No such file or directory');
      expect(layer.status()).toMatchObject({ hidDisabled: expect.stringContaining('libusb'), hid: [], serial: [expect.objectContaining({ deviceId: 'net-1' })] });
    } finally {
      await layer.stop();
    }
  });

  it('the real loader either loads node-hid or returns the reason, never throws', async () => {
    const result = await loadNodeHid();
    if (result.ok) expect(Array.isArray(result.api.devices())).toBe(true);
    else expect(result.reason).toMatch(/\S/);
  });
});
