import type { DeviceRole, OfficeConfig } from './office-schema';
import type { Path } from './yaml-source';
import { formatPath } from './yaml-source';

export interface RefIssue {
  /** Points at the offending reference or duplicate, not at its target, so the line shown is the one to edit. */
  path: Path;
  message: string;
}

/** Line of an earlier occurrence, to say where a duplicate's first copy is. */
export type LineOf = (path: Path) => number | undefined;

type Slot = 'reader' | 'scanner' | 'lock' | 'door' | 'lid' | 'seal';

/** A combo device (say a reader with a built-in door contact) may fill several slots of one place. */
const SLOT_ROLES: Record<Slot, readonly DeviceRole[]> = {
  reader: ['badge_reader', 'combo'],
  scanner: ['barcode_scanner', 'combo'],
  lock: ['lock', 'combo'],
  door: ['door_sensor', 'combo'],
  lid: ['lid', 'combo'],
  seal: ['lock', 'combo'],
};

interface Place {
  path: Path;
  room: string;
  slots: Partial<Record<Slot, string | undefined>>;
}

/**
 * Checks what the schema cannot see one object at a time: that every room and device named
 * exists, ids are unique within their kind, each device serves one place in a role it can play,
 * and no two devices claim the same port or topic (their reads would be attributed to either).
 */
export function checkReferences(office: OfficeConfig, lineOf: LineOf): RefIssue[] {
  const issues: RefIssue[] = [];
  const unique = (kind: string, items: readonly { id: string }[], at: (index: number) => Path) => {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const earlier = first.get(item.id);
      if (earlier === undefined) first.set(item.id, index);
      else issues.push({ path: [...at(index), 'id'], message: `duplicate ${kind} id "${item.id}"${seeAlso(lineOf, [...at(earlier), 'id'])}` });
    });
  };

  unique('site', office.sites, (i) => ['sites', i]);
  const roomPaths = office.sites.flatMap((site, s) => site.rooms.map((_, r): Path => ['sites', s, 'rooms', r]));
  unique('room', office.sites.flatMap((site) => site.rooms), (i) => roomPaths[i] ?? []);
  unique('cabinet', office.cabinets, (i) => ['cabinets', i]);
  unique('shred bin', office.shred_bins, (i) => ['shred_bins', i]);
  unique('desk', office.desks, (i) => ['desks', i]);
  unique('device', office.devices, (i) => ['devices', i]);

  const rooms = new Set(office.sites.flatMap((site) => site.rooms.map((room) => room.id)));
  // First definition wins, matching the duplicate-id complaint, which points at the later ones.
  const devices = new Map<string, OfficeConfig['devices'][number]>();
  for (const device of office.devices) if (!devices.has(device.id)) devices.set(device.id, device);
  const usedBy = new Map<string, { place: Path; slot: Path }>();

  for (const place of placesOf(office)) {
    if (!rooms.has(place.room)) {
      issues.push({ path: [...place.path, 'room'], message: `unknown room "${place.room}"${suggest(place.room, rooms)}` });
    }
    for (const [slot, deviceId] of Object.entries(place.slots) as [Slot, string | undefined][]) {
      if (deviceId === undefined) continue;
      const path: Path = [...place.path, slot];
      const device = devices.get(deviceId);
      if (device === undefined) {
        issues.push({ path, message: `unknown device "${deviceId}"${suggest(deviceId, devices.keys())}` });
        continue;
      }
      if (!SLOT_ROLES[slot].includes(device.role)) {
        issues.push({ path, message: `device "${deviceId}" has role ${device.role}; ${slot} needs ${SLOT_ROLES[slot].join(' or ')}` });
      }
      const owner = usedBy.get(deviceId);
      if (owner === undefined) {
        usedBy.set(deviceId, { place: place.path, slot: path });
      } else if (formatPath(owner.place) !== formatPath(place.path)) {
        const where = lineOf(owner.slot);
        issues.push({
          path,
          message: `device "${deviceId}" is already used by ${formatPath(owner.slot)}${where === undefined ? '' : ` at line ${where}`}; a device serves one place`,
        });
      } else if (device.role !== 'combo') {
        issues.push({ path, message: `device "${deviceId}" fills two slots of ${formatPath(owner.place)}; only a combo device may` });
      }
    }
  }

  issues.push(...sharedEndpoints(office, lineOf));
  return issues;
}

function placesOf(office: OfficeConfig): Place[] {
  const places: Place[] = [
    ...office.cabinets.map((c, i): Place => ({ path: ['cabinets', i], room: c.room, slots: { reader: c.reader, scanner: c.scanner, lock: c.lock, door: c.door } })),
    ...office.shred_bins.map((b, i): Place => ({ path: ['shred_bins', i], room: b.room, slots: { reader: b.reader, scanner: b.scanner, lid: b.lid, seal: b.seal } })),
    ...office.desks.map((d, i): Place => ({ path: ['desks', i], room: d.room, slots: { reader: d.reader, scanner: d.scanner } })),
  ];
  const r = office.reception;
  if (r) places.push({ path: ['reception'], room: r.room, slots: { reader: r.reader, scanner: r.scanner } });
  return places;
}

/** Two devices on one serial port or USB identity, or in one role on a topic, could not be told apart. */
function sharedEndpoints(office: OfficeConfig, lineOf: LineOf): RefIssue[] {
  const issues: RefIssue[] = [];
  const seen = new Map<string, number>();
  office.devices.forEach((device, index) => {
    const t = device.transport;
    let key: string;
    let field: string;
    let what: string;
    if (t.type === 'serial') {
      [key, field, what] = [`serial ${t.path}`, 'path', `serial port ${t.path}`];
    } else if (t.type === 'hid') {
      const usb = `${hex4(t.vendor_id)}:${hex4(t.product_id)}`;
      [key, field, what] = [`hid ${usb} ${t.serial_number ?? ''}`, 'product_id', `USB device ${usb}${t.serial_number ? ` serial ${t.serial_number}` : ' (set serial_number on both to tell them apart)'}`];
    } else {
      // One controller board commonly carries a cabinet's reader, door contact and lock under one
      // topic; only two devices of the same role there would be ambiguous.
      const door = t.door === undefined ? '' : ` door ${t.door}`;
      [key, field, what] = [`mqtt ${t.topic}${door} ${device.role}`, 'topic', `${device.role} on topic ${t.topic}${door}`];
    }
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, index);
      return;
    }
    const other = office.devices[earlier]?.id ?? '';
    issues.push({
      path: ['devices', index, 'transport', field],
      message: `${what} is also device "${other}"${seeAlso(lineOf, ['devices', earlier, 'transport', field])}`,
    });
  });
  return issues;
}

function seeAlso(lineOf: LineOf, path: Path): string {
  const line = lineOf(path);
  return line === undefined ? '' : ` (first at line ${line})`;
}

function hex4(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/** Most unknown references are typos of a real id: name the closest one. */
function suggest(wanted: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(wanted, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(wanted.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
