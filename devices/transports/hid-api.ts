import type * as NodeHid from 'node-hid';

/**
 * The part of node-hid the HID transport uses, as an interface: the real module is loaded lazily
 * (it is native code linked against libusb/hidraw, and a server without USB readers must run
 * without it), and tests put recorded reports through a fake device object instead.
 */

export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
  interface?: number | undefined;
}

/** node-hid's `HID` object: input reports as 'data', failures (an unplug) as 'error'. */
export interface HidHandle {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): void;
}

export interface HidApi {
  devices(): HidDeviceInfo[];
  open(path: string): HidHandle;
}

export type HidLoadResult = { ok: true; api: HidApi } | { ok: false; reason: string };

export type HidLoader = () => Promise<HidLoadResult>;

/**
 * Loads node-hid and its native binding. node-hid itself loads the binding only on first use, so
 * the enumeration here is what surfaces a missing libusb or hidraw support now, as one clear
 * reason, instead of at the first plug-in.
 */
export const loadNodeHid: HidLoader = async () => {
  try {
    const mod = (await import('node-hid')) as typeof NodeHid & { default?: typeof NodeHid };
    const hid = mod.default ?? mod;
    hid.devices();
    return { ok: true, api: { devices: () => hid.devices(), open: (path) => new hid.HID(path) } };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
};

const USAGE_PAGE_POS = 0x8c;
const USAGE_PAGE_DESKTOP = 0x01;
const USAGE_KEYBOARD = 0x06;

export interface HidMatch {
  vendorId: number;
  productId: number;
  serialNumber?: string | undefined;
  protocol: 'keyboard' | 'hid-pos';
}

/**
 * The interface to open for a configured device. A scanner can expose several (keyboard, POS,
 * vendor); the one whose usage fits the protocol is preferred, else the first openable one.
 */
export function findHidDevice(devices: readonly HidDeviceInfo[], match: HidMatch): HidDeviceInfo | undefined {
  const candidates = devices.filter(
    (d) =>
      d.vendorId === match.vendorId &&
      d.productId === match.productId &&
      d.path !== undefined &&
      (match.serialNumber === undefined || d.serialNumber === match.serialNumber),
  );
  const fits = (d: HidDeviceInfo) =>
    match.protocol === 'hid-pos' ? d.usagePage === USAGE_PAGE_POS : d.usagePage === USAGE_PAGE_DESKTOP && d.usage === USAGE_KEYBOARD;
  return candidates.find(fits) ?? candidates[0];
}

/** "0c2e:0b61" as lsusb prints it. */
export function usbId(vendorId: number, productId: number): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  return `${hex(vendorId)}:${hex(productId)}`;
}
