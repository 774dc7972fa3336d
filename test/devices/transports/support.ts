import type { Device } from '../../../server/config/office-schema';
import type { DeviceEvent } from '../../../server/ingest/device-event';
import type { BusEvents } from '../../../server/ingest/event-bus';
import type { Logger } from '../../../server/shared/logger';
import type { DeviceSink } from '../../../devices/registry/device-sink';
import { socatAvailable } from '../../../devices/simulator/serial-ptys';
import { missingComponent } from '../../support/requirements';

/** True when socat runs here; otherwise fails under CI=true and skips with a message locally. */
export function socatReady(): boolean {
  const socat = socatAvailable();
  if (!socat.ok) missingComponent('socat', `needed for serial pseudo-terminals: ${socat.reason}`);
  return socat.ok;
}

/** A sink that keeps what transports deliver, in order, with the wall time of arrival. */
export class CollectingSink implements DeviceSink {
  readonly messages: (BusEvents['device.event'] & { at: number })[] = [];
  readonly rejections: { deviceId: string | null; reason: string }[] = [];

  read(message: BusEvents['device.event']): void {
    this.messages.push({ ...message, at: Date.now() });
  }

  rejected(deviceId: string | null, reason: string): void {
    this.rejections.push({ deviceId, reason });
  }

  events(deviceId?: string, kind?: DeviceEvent['kind']): DeviceEvent[] {
    return this.messages.map((m) => m.event).filter((e) => (!deviceId || e.deviceId === deviceId) && (!kind || e.kind === kind));
  }

  /** Reads only: badges and barcodes, without the transport's availability events. */
  reads(deviceId?: string): DeviceEvent[] {
    return this.events(deviceId).filter((e) => e.kind === 'badge' || e.kind === 'barcode');
  }
}

export interface LogEntry {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

/** A logger that remembers every entry, so tests can count "logged once per burst". */
export function capturingLogger(entries: LogEntry[] = [], bindings: Record<string, unknown> = {}): Logger & { entries: LogEntry[] } {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      if (typeof obj === 'string') entries.push({ level, obj: { ...bindings }, msg: obj });
      else entries.push({ level, obj: { ...bindings, ...(obj as Record<string, unknown>) }, msg: msg ?? '' });
    };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => capturingLogger(entries, { ...bindings, ...more }),
  };
}

export async function waitFor(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type SerialDevice = Device & { transport: Extract<Device['transport'], { type: 'serial' }> };

export function serialDevice(
  id: string,
  path: string,
  protocol: 'rdm6300' | 'lines' | 'wiegand-lines',
  extra: { line_terminator?: 'lf' | 'cr' | 'crlf'; credential_format?: Device['credential_format'] } = {},
): SerialDevice {
  return {
    id,
    role: protocol === 'lines' ? 'barcode_scanner' : 'badge_reader',
    ...(extra.credential_format ? { credential_format: extra.credential_format } : {}),
    transport: { type: 'serial', path, baud_rate: 9600, protocol, ...(extra.line_terminator ? { line_terminator: extra.line_terminator } : {}) },
  };
}
