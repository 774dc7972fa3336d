import net from 'node:net';
import { stat } from 'node:fs/promises';
import type { EnvConfig } from '../config/env';
import type { Device } from '../config/office-schema';
import { connectHost, startEmbeddedBroker, type EmbeddedBroker } from '../broker/embedded-broker';
import { MqttCredentialStore } from '../broker/credential-store';
import { openBrokerAccess, serverClientUrl, withoutLogin } from '../broker/office-accounts';
import type { OfficeConfig } from '../config/office-schema';
import { Directory } from '../domain/directory';
import type { DeviceEvent } from '../ingest/device-event';
import { EventBus } from '../ingest/event-bus';
import { systemClock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { DeviceLayer } from '../../devices/device-layer';
import type { MqttLinkOpener } from '../../devices/transports/mqtt-link';
import { mqttClientLinks } from '../../devices/transports/mqtt-link-client';
import { findHidDevice, loadNodeHid, usbId, type HidDeviceInfo } from '../../devices/transports/hid-api';
import { detectSerialPorts, resolvedPath } from '../../devices/transports/serial-ports';
import type { CliContext } from './context';

/**
 * Installer diagnostics. `devices list`: what the office file configures and what is plugged in.
 * `devices watch`: every decoded read as one JSON line, to see what a reader sends while
 * installing it. Neither opens the database.
 */

type State = 'configured+present' | 'missing' | 'unconfigured' | 'unknown';

interface ListedDevice {
  id: string;
  role: string;
  transport: string;
  place: string | null;
  state: State;
  note?: string;
}

export async function devicesListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const places = new Map(new Directory(ctx.office).allDevices().map((d) => [d.id, d.place ?? null]));
  // HID is loaded even for an office without HID devices: an unconfigured scanner is worth showing.
  const [serial, hid] = await Promise.all([detectSerialPorts(), loadNodeHid()]);
  const hidDevices: HidDeviceInfo[] = hid.ok ? safeList(() => hid.api.devices()) : [];
  const hidReason = hid.ok ? null : hid.reason;

  const claimedPorts = new Set<string>();
  const claimedHid = new Set<HidDeviceInfo>();
  const devices: ListedDevice[] = [];
  for (const device of ctx.office.devices) {
    const listed: ListedDevice = { id: device.id, role: device.role, transport: describeTransport(device), place: places.get(device.id) ?? null, state: 'unknown' };
    const t = device.transport;
    if (t.type === 'serial') {
      if (t.path.startsWith('tcp://')) {
        listed.state = (await reachable(t.path)) ? 'configured+present' : 'missing';
        listed.note = 'network serial';
      } else {
        const real = await resolvedPath(t.path);
        listed.state = real && (await exists(real)) ? 'configured+present' : 'missing';
        if (real) claimedPorts.add(real);
      }
    } else if (t.type === 'hid') {
      if (hidReason) listed.note = 'HID readers disabled';
      else {
        const found = findHidDevice(hidDevices, { vendorId: t.vendor_id, productId: t.product_id, serialNumber: t.serial_number, protocol: t.protocol });
        listed.state = found ? 'configured+present' : 'missing';
        for (const d of hidDevices) if (d.vendorId === t.vendor_id && d.productId === t.product_id && (!t.serial_number || d.serialNumber === t.serial_number)) claimedHid.add(d);
      }
    } else {
      listed.note = 'MQTT: see `devices watch`';
    }
    devices.push(listed);
  }
  const serialPorts = await Promise.all(
    serial.ports.map(async (p) => ({ ...p, state: (claimedPorts.has((await resolvedPath(p.path)) ?? p.path) ? 'configured+present' : 'unconfigured') as State })),
  );
  const hidListed = hidDevices.map((d) => ({
    usbId: usbId(d.vendorId, d.productId),
    path: d.path ?? null,
    serialNumber: d.serialNumber ?? null,
    product: d.product ?? null,
    usagePage: d.usagePage ?? null,
    state: (claimedHid.has(d) ? 'configured+present' : 'unconfigured') as State,
  }));

  if (opts.json) {
    console.log(JSON.stringify({ devices, serialPorts, serialNote: serial.note ?? null, hidDevices: hidListed, hidDisabled: hidReason }, null, 2));
    return 0;
  }
  console.log(`Configured devices (${ctx.env.officeFile})`);
  printTable(
    ['ID', 'ROLE', 'TRANSPORT', 'PLACE', 'STATE'],
    devices.map((d) => [d.id, d.role, d.transport, d.place ?? '-', d.note ? `${d.state} (${d.note})` : d.state]),
  );
  console.log('\nSerial ports on this machine' + (serial.note ? ` — ${serial.note}` : ''));
  if (serialPorts.length === 0) console.log('  none found');
  else printTable(['PATH', 'BY-ID', 'USB ID', 'SERIAL', 'STATE'], serialPorts.map((p) => [p.path, p.byId ?? '-', p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : '-', p.serialNumber ?? '-', p.state]));
  console.log('\nHID devices on this machine');
  if (hidReason) console.log(`  HID readers disabled: ${hidReason}`);
  else if (hidListed.length === 0) console.log('  none found');
  else printTable(['USB ID', 'PATH', 'SERIAL', 'PRODUCT', 'STATE'], hidListed.map((d) => [d.usbId, d.path ?? '-', d.serialNumber ?? '-', d.product ?? '-', d.state]));
  return 0;
}

/** One JSON line per event that would reach the server, until Ctrl+C. */
export async function devicesWatchCommand(ctx: CliContext): Promise<number> {
  const broker = await toolBroker(ctx.env, ctx.logger, ctx.office.devices.some((d) => d.transport.type === 'mqtt'), ctx.office);
  const bus = new EventBus();
  bus.on('device.event', ({ event, receivedAt }) => console.log(JSON.stringify(watchLine(event, receivedAt))));
  const layer = new DeviceLayer({ bus, office: ctx.office, ...(broker.links ? { mqtt: broker.links } : {}), logger: ctx.logger, clock: systemClock });
  try {
    await layer.start();
  } catch (err) {
    await broker.close();
    throw err;
  }
  ctx.logger.info({ devices: ctx.office.devices.length, mqtt: withoutLogin(broker.url) || null }, 'watching devices; press Ctrl+C to stop');
  await untilSignal();
  await layer.stop();
  await broker.close();
  return 0;
}

/** The JSON line for one event: {device, kind, canonical, raw, data, state, time}, absent fields left out. */
export function watchLine(event: DeviceEvent, receivedAt: Date): Record<string, unknown> {
  const line: Record<string, unknown> = { device: event.deviceId, kind: event.kind };
  if (event.kind === 'badge') Object.assign(line, { canonical: event.credential.canonical, raw: event.credential.raw, format: event.credential.format });
  if (event.kind === 'barcode') Object.assign(line, { data: event.data, raw: `${event.symbology ?? ''}${event.data}`, ...(event.symbology ? { symbology: event.symbology } : {}) });
  if ('state' in event) line.state = event.state;
  line.time = receivedAt.toISOString();
  return line;
}

/**
 * The broker for tools that run without the server. External: the configured one. Embedded: the
 * server's, if something already listens on MQTT_PORT (a running server, or `simulate`);
 * otherwise this process starts one there, so devices and the simulator can reach it. The URL
 * carries the server account's login (safekeep-server, or MQTT_URL's own); `links` reach the
 * broker as the server does: in process when this process runs it, else over MQTT.js.
 */
export async function toolBroker(
  env: EnvConfig,
  logger: Logger,
  needed: boolean,
  office: OfficeConfig,
): Promise<{ url: string; links?: MqttLinkOpener; close(): Promise<void> }> {
  if (!needed) return { url: '', close: async () => undefined };
  const remote = (url: string) => ({ url, links: mqttClientLinks(url, logger), close: async () => undefined });
  if (env.mqtt.mode === 'external') return remote(serverClientUrl(env.mqtt.url, MqttCredentialStore.open(env.dataDir)));
  const accounts = openBrokerAccess({ dataDir: env.dataDir, office });
  const host = connectHost(env.mqtt.host ?? '127.0.0.1');
  const address = host.includes(':') ? `[${host}]` : host;
  if (await reachable(`tcp://${address}:${env.mqtt.port}`)) return remote(serverClientUrl(`mqtt://${address}:${env.mqtt.port}`, accounts.store));
  const broker: EmbeddedBroker = await startEmbeddedBroker({ port: env.mqtt.port, ...(env.mqtt.host ? { host: env.mqtt.host } : {}), logger, access: accounts.access });
  return { url: serverClientUrl(broker.url, accounts.store), links: async () => broker.localLink(), close: () => broker.close() };
}

export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function describeTransport(device: Device): string {
  const t = device.transport;
  if (t.type === 'serial') return `serial ${t.path} (${t.protocol})`;
  if (t.type === 'hid') return `hid ${usbId(t.vendor_id, t.product_id)}${t.serial_number ? `/${t.serial_number}` : ''} (${t.protocol})`;
  return `mqtt ${t.firmware} ${t.topic}${t.door ? ` door ${t.door}` : ''}`;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function reachable(address: string, timeoutMs = 1000): Promise<boolean> {
  const url = new URL(address);
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function safeList(list: () => HidDeviceInfo[]): HidDeviceInfo[] {
  try {
    return list();
  } catch {
    return [];
  }
}
