import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { SerialPort } from 'serialport';

/**
 * Serial ports present on this machine, for installer diagnostics. serialport lists them through
 * udev (`udevadm`), which containers and minimal systems lack; then /dev is scanned directly, with
 * fewer details.
 */
export interface DetectedSerialPort {
  path: string;
  /** The stable /dev/serial/by-id name, when udev made one: what the office file should use. */
  byId?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
}

export interface SerialPortListing {
  ports: DetectedSerialPort[];
  /** Why details are missing, when the udev listing failed. */
  note?: string;
}

const BY_ID = '/dev/serial/by-id';
const TTY_NAMES = /^tty(USB|ACM|S|AMA|XRUSB|WCH)\d+$|^rfcomm\d+$/;

export async function detectSerialPorts(list: () => Promise<Awaited<ReturnType<typeof SerialPort.list>>> = () => SerialPort.list()): Promise<SerialPortListing> {
  const byId = await byIdLinks();
  try {
    const listed = await list();
    return {
      ports: listed.map((p) => {
        const port: DetectedSerialPort = { path: p.path };
        const link = byId.get(p.path);
        if (link) port.byId = link;
        if (p.vendorId) port.vendorId = p.vendorId.toLowerCase();
        if (p.productId) port.productId = p.productId.toLowerCase();
        if (p.serialNumber) port.serialNumber = p.serialNumber;
        if (p.manufacturer) port.manufacturer = p.manufacturer;
        return port;
      }),
    };
  } catch (err) {
    const names = await readdir('/dev').catch(() => [] as string[]);
    // Built-in ttyS0..31 exist on every PC whether or not a UART is behind them: only by-id ones.
    const ports = names
      .filter((n) => TTY_NAMES.test(n) && !/^ttyS\d+$/.test(n))
      .map((n) => path.join('/dev', n))
      .map((p) => (byId.has(p) ? { path: p, byId: byId.get(p)! } : { path: p }));
    return { ports, note: `port details unavailable (${err instanceof Error ? err.message : String(err)}); listed from /dev` };
  }
}

/** Real device path → its by-id link. */
async function byIdLinks(): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  const names = await readdir(BY_ID).catch(() => [] as string[]);
  for (const name of names) {
    const link = path.join(BY_ID, name);
    const target = await realpath(link).catch(() => null);
    if (target) links.set(target, link);
  }
  return links;
}

/** Where a configured path really points (a by-id link or a socat link resolves to its tty). */
export async function resolvedPath(configured: string): Promise<string | null> {
  return realpath(configured).catch(() => null);
}
