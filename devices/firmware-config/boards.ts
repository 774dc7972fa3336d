import type { CredentialFormat, Device, DeviceRole, OfficeConfig } from '../../server/config/office-schema';
import { transportIp } from '../commands/device-commander';

/**
 * The controller boards of an office: MQTT devices that share a firmware and a base topic are
 * one physical board, as in mqtt-transport.ts. esp-rfid is the exception: its README has every
 * controller of a site share one TOPIC, so there a board is a topic plus an IP address (or,
 * without one, a door name); the doors of one multi-door controller share its IP.
 */

export type Firmware = 'tasmota' | 'esphome' | 'esp-rfid' | 'safekeep';

export type ReaderKind = 'wiegand' | 'rdm6300' | 'pn532';

export interface Board {
  /**
   * A file-name and MQTT-username safe id, derived from the board's own topic only, so adding
   * another board never renames this one (its credentials are keyed by it).
   */
  name: string;
  firmware: Firmware;
  topic: string;
  /** The MQTT user: the transport's `username` when the office file gives one, else `name`. */
  username: string;
  devices: Device[];
  reader?: { device: Device; kind: ReaderKind; format: CredentialFormat | undefined };
  /** The door contact or bin lid. */
  contact?: { device: Device; role: 'door_sensor' | 'lid' | 'combo' };
  lock?: Device;
  scanner?: Device;
  /** esp-rfid door names / numbers served by this controller. */
  doors: string[];
  /** esp-rfid: the IP address or door that tells this controller apart on a shared topic. */
  discriminator?: string;
}

export class BoardError extends Error {}

const READS_BADGES: readonly DeviceRole[] = ['badge_reader', 'combo'];

export function boardsOf(office: OfficeConfig): Board[] {
  const groups = new Map<string, { devices: Device[]; extra: string | undefined }>();
  const mqttDevices = office.devices.filter((d) => d.transport.type === 'mqtt');
  for (const device of mqttDevices) {
    const t = device.transport as MqttConfig;
    const extra = discriminator(device, mqttDevices);
    const key = `${t.firmware}\0${t.topic}\0${extra ?? ''}`;
    const group = groups.get(key) ?? { devices: [], extra };
    group.devices.push(device);
    groups.set(key, group);
  }
  const boards = [...groups.values()].map((g) => boardOf(g.devices, g.extra));
  return uniqueNames(boards);
}

type MqttConfig = Extract<Device['transport'], { type: 'mqtt' }>;

function boardOf(devices: Device[], extra: string | undefined): Board {
  const first = devices[0]!;
  const t = first.transport as MqttConfig;
  const usernames = new Set(devices.map((d) => (d.transport as typeof t).username).filter((u): u is string => u !== undefined));
  if (usernames.size > 1) {
    throw new BoardError(`devices on topic "${t.topic}" name different MQTT usernames (${[...usernames].join(', ')}); one board logs in as one user`);
  }
  const name = slug(t.topic);
  const board: Board = {
    name,
    firmware: t.firmware,
    topic: t.topic,
    username: [...usernames][0] ?? name,
    devices,
    doors: [],
    ...(extra === undefined ? {} : { discriminator: extra }),
  };
  for (const device of devices) {
    const door = (device.transport as typeof t).door;
    if (door !== undefined && !board.doors.includes(door)) board.doors.push(door);
    if (READS_BADGES.includes(device.role) && !board.reader) {
      board.reader = { device, kind: readerKind(t.firmware, device.credential_format), format: device.credential_format };
    }
    if ((device.role === 'door_sensor' || device.role === 'lid' || device.role === 'combo') && !board.contact) {
      board.contact = { device, role: device.role };
    }
    if ((device.role === 'lock' || device.role === 'combo') && !board.lock) board.lock = device;
    if ((device.role === 'barcode_scanner' || device.role === 'combo') && !board.scanner) board.scanner = device;
  }
  return board;
}

/**
 * Which reader module a badge format implies. Wiegand readers print w26/w34; ESPHome's pn532
 * prints UID bytes ("74-10-37-94", so `hex`); anything else is the common 125 kHz RDM6300, whose
 * ESPHome on_tag value is a uint32 (dec10) and whose Tasmota UID is hex.
 */
export function readerKind(firmware: Firmware, format: CredentialFormat | undefined): ReaderKind {
  if (format === 'w26' || format === 'w34') return 'wiegand';
  if (firmware === 'esphome' && (format === 'hex' || format === 'uid-unpadded')) return 'pn532';
  return 'rdm6300';
}

/** "safekeep/cab-1" → "safekeep-cab-1": lowercase letters, digits and single hyphens. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.length > 0 ? s : 'board';
}

/**
 * esp-rfid: the controller's IP address, or failing that its door. The office file may give the IP
 * on one device of a controller only (the lock, which needs it for commands): the controller's
 * other devices on the same topic take it from a device with the same door or the same username.
 */
function discriminator(device: Device, all: readonly Device[]): string | undefined {
  const t = device.transport;
  if (t.type !== 'mqtt' || t.firmware !== 'esp-rfid') return undefined;
  const own = transportIp(device);
  if (own) return own;
  const peers = all.filter((d) => d !== device && d.transport.type === 'mqtt' && d.transport.firmware === 'esp-rfid' && d.transport.topic === t.topic && transportIp(d));
  const sameDoor = t.door === undefined ? undefined : peers.find((d) => (d.transport as MqttConfig).door === t.door);
  const sameUser = t.username === undefined ? undefined : peers.find((d) => (d.transport as MqttConfig).username === t.username);
  const peer = sameDoor ?? sameUser;
  return (peer ? transportIp(peer) : undefined) ?? t.door;
}

/**
 * Names must be unique. Controllers sharing an esp-rfid topic are told apart by IP or door; one
 * topic on two firmwares, or topics that differ only in punctuation, by the firmware.
 */
function uniqueNames(boards: Board[]): Board[] {
  // The first board (in office file order) keeps a contested name, so adding a controller on a
  // shared topic later renames only the newcomer, never a board whose credentials exist.
  const rename = (list: Board[], suffix: (b: Board, first: Board) => string | undefined): Board[] => {
    const first = new Map<string, Board>();
    for (const b of list) if (!first.has(b.name)) first.set(b.name, b);
    const count = new Map<string, number>();
    for (const b of list) count.set(b.name, (count.get(b.name) ?? 0) + 1);
    return list.map((b) => {
      const owner = first.get(b.name)!;
      const extra = suffix(b, owner);
      if ((count.get(b.name) ?? 0) < 2 || extra === undefined || owner === b) return b;
      const name = slug(`${b.name}-${extra}`);
      return { ...b, name, username: b.username === b.name ? name : b.username };
    });
  };
  const renamed = rename(
    rename(boards, (b) => b.discriminator),
    // One topic on two firmwares; two boards of one firmware on one topic stay a conflict.
    (b, owner) => (b.firmware === owner.firmware ? undefined : b.firmware),
  );
  const seen = new Set<string>();
  for (const b of renamed) {
    if (seen.has(b.name)) throw new BoardError(`two boards would both be named "${b.name}"; give their topics distinct names`);
    seen.add(b.name);
  }
  const users = new Map<string, string>();
  for (const b of renamed) {
    const other = users.get(b.username);
    if (other !== undefined) throw new BoardError(`boards "${other}" and "${b.name}" both log in as MQTT user "${b.username}"`);
    users.set(b.username, b.name);
  }
  return renamed;
}
