import type { Device as DeviceConfig, HidTransport as HidConfig } from '../../server/config/office-schema';
import type { DeviceEvent } from '../../server/ingest/device-event';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import { HidKeyboardDecoder } from '../decoders/hid-keyboard';
import { HidPosDecoder } from '../decoders/hid-pos';
import type { BarcodeRead } from '../decoders/types';
import { Backoff } from '../registry/backoff';
import type { DeviceSink } from '../registry/device-sink';
import { readKey, stateKey } from '../registry/read-key';
import type { BurstLogger } from './burst-logger';
import { findHidDevice, usbId, type HidApi, type HidHandle } from './hid-api';

export interface HidLinkOptions {
  device: DeviceConfig & { transport: HidConfig };
  api: HidApi;
  sink: DeviceSink;
  clock: Clock;
  logger: Logger;
  problems: BurstLogger;
  /** Re-detection polls `devices()` from this delay, doubling up to the cap. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

export interface HidLinkStatus {
  deviceId: string;
  usbId: string;
  open: boolean;
  reads: number;
  garbage: number;
  connects: number;
  lastError: string | null;
}

interface ReportDecoder {
  push(report: Uint8Array): BarcodeRead[];
  garbage(): number;
}

function decoderFor(protocol: HidConfig['protocol'], clock: Clock): ReportDecoder {
  if (protocol === 'hid-pos') {
    const pos = new HidPosDecoder({ clock });
    return {
      push: (r) => pos.push(r),
      garbage: () => {
        const c = pos.counters;
        return c.malformedReports + c.overlong + c.staleDropped;
      },
    };
  }
  const keyboard = new HidKeyboardDecoder();
  return {
    push: (r) => keyboard.push(r),
    garbage: () => {
      const c = keyboard.counters;
      return c.malformedReports + c.rollover + c.overlong;
    },
  };
}

/**
 * One USB HID reader or scanner, found by VID/PID (and serial number when two identical ones are
 * plugged in) rather than by its path, which changes on every replug. While it is absent,
 * `devices()` is polled with back-off; when it errors (unplugged), it is closed and looked for again.
 */
export class HidLink {
  private handle: HidHandle | null = null;
  private decoder: ReportDecoder | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly backoff: Backoff;
  private readonly id: string;
  private readonly stats = { reads: 0, garbage: 0, connects: 0, lastError: null as string | null };

  constructor(private readonly options: HidLinkOptions) {
    const t = options.device.transport;
    this.id = usbId(t.vendor_id, t.product_id) + (t.serial_number ? `/${t.serial_number}` : '');
    this.backoff = new Backoff(options.backoffInitialMs ?? 250, options.backoffMaxMs ?? 2000);
  }

  get deviceId(): string {
    return this.options.device.id;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.release();
  }

  status(): HidLinkStatus {
    return { deviceId: this.deviceId, usbId: this.id, open: this.handle !== null, ...this.stats };
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.detect();
    }, delayMs);
  }

  private detect(): void {
    const t = this.options.device.transport;
    let handle: HidHandle;
    try {
      const found = findHidDevice(this.options.api.devices(), {
        vendorId: t.vendor_id,
        productId: t.product_id,
        serialNumber: t.serial_number,
        protocol: t.protocol,
      });
      if (!found?.path) {
        this.schedule(this.backoff.next());
        return;
      }
      handle = this.options.api.open(found.path);
    } catch (err) {
      // On Linux this is nearly always permissions: hidraw nodes need a udev rule (devices.md §4).
      this.stats.lastError = err instanceof Error ? err.message : String(err);
      this.options.problems.report(
        `${this.deviceId}:open`,
        { deviceId: this.deviceId, usb: this.id, err: this.stats.lastError },
        'cannot open HID device (check its udev rule); retrying',
      );
      this.schedule(this.backoff.next());
      return;
    }
    this.attach(handle);
  }

  private attach(handle: HidHandle): void {
    const decoder = decoderFor(this.options.device.transport.protocol, this.options.clock);
    this.handle = handle;
    this.decoder = decoder;
    this.stats.connects++;
    this.stats.lastError = null;
    this.backoff.reset();
    this.options.logger.info({ deviceId: this.deviceId, usb: this.id }, 'HID device open');
    this.availability('online');
    let counted = 0;
    handle.on('data', (report: Buffer) => {
      if (this.handle !== handle) return;
      for (const read of decoder.push(report)) this.emit(read);
      const total = decoder.garbage();
      if (total !== counted) {
        this.stats.garbage += total - counted;
        counted = total;
        this.options.problems.report(`${this.deviceId}:garbage`, { deviceId: this.deviceId, garbage: this.stats.garbage }, 'malformed HID reports');
      }
    });
    handle.on('error', (err: Error) => this.onLost(handle, err));
  }

  private emit(read: BarcodeRead): void {
    this.stats.reads++;
    const receivedAt = this.options.clock.now();
    const idempotencyKey = readKey(this.deviceId, read.kind, `${read.symbology ?? ''}${read.data}`, receivedAt);
    const event: DeviceEvent = { ...read, deviceId: this.deviceId, idempotencyKey };
    this.options.sink.read({ event, receivedAt });
  }

  private onLost(handle: HidHandle, err: Error): void {
    if (this.handle !== handle) return;
    this.stats.lastError = err.message;
    this.options.logger.warn({ deviceId: this.deviceId, usb: this.id, err: err.message }, 'HID device lost; looking for it again');
    this.release();
    this.availability('offline');
    this.schedule(this.backoff.next());
  }

  /** Closes the current handle; a half-typed scan dies with its decoder. */
  private release(): void {
    const handle = this.handle;
    this.handle = null;
    this.decoder = null;
    try {
      handle?.close();
    } catch {
      // Closing an unplugged device can throw; it is gone either way.
    }
  }

  private availability(state: 'online' | 'offline'): void {
    const receivedAt = this.options.clock.now();
    const event: DeviceEvent = { kind: 'availability', state, deviceId: this.deviceId, idempotencyKey: stateKey(this.deviceId, 'availability', state, receivedAt) };
    this.options.sink.read({ event, receivedAt });
  }
}
