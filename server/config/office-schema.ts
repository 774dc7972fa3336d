import { z } from 'zod';

/**
 * The office file's shape. Keys keep the file's snake_case so that the word in an error, in the
 * file and in the code is the same word. Every object is strict: a misspelt `hold_open_secs`
 * must stop the server, not quietly fall back to a default on a cabinet full of client files.
 * Cross-references (rooms, devices) are checked afterwards, in office-refs.
 */

/** Lowercase letters, digits and single hyphens: safe in URLs, MQTT topics, logs and file names. */
export const slugSchema = z
  .string()
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and single hyphens, e.g. "file-room"');

const nameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const isTime = (text: string) => TIME.test(text);
const timeSchema = z.string().regex(TIME, 'must be a 24-hour time "HH:MM", e.g. "08:30"');

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const timezoneSchema = z.string().refine(isIanaTimeZone, {
  error: (issue) => `unknown time zone "${String(issue.input)}"; use an IANA name such as "America/New_York" or "Europe/London"`,
});

const hoursSchema = z
  .strictObject({
    open: timeSchema,
    close: timeSchema,
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1, 'must list at least one day')
      .refine((days) => new Set(days).size === days.length, 'lists a day twice'),
  })
  // "HH:MM" compares correctly as text. Offices here do not stay open past midnight.
  // A malformed time already has its own complaint; comparing it would only add noise.
  .refine((h) => !isTime(h.open) || !isTime(h.close) || h.open < h.close, { message: 'open must be earlier than close', path: ['close'] });

export const ROOM_KINDS = ['file_room', 'reception', 'office', 'records_center'] as const;

const roomSchema = z.strictObject({ id: slugSchema, name: nameSchema, kind: z.enum(ROOM_KINDS) });

const siteSchema = z.strictObject({
  id: slugSchema,
  name: nameSchema,
  rooms: z.array(roomSchema).min(1, 'a site needs at least one room'),
});

const cabinetSchema = z.strictObject({
  id: slugSchema,
  name: nameSchema,
  room: slugSchema,
  reader: slugSchema.optional(),
  /** Scans the files taken out or put back during a visit. */
  scanner: slugSchema.optional(),
  lock: slugSchema.optional(),
  door: slugSchema.optional(),
  /** How long the door may stand open before it is reported as left open. */
  hold_open_seconds: z.number().int('must be a whole number').min(1).max(3600).optional(),
});

const shredBinSchema = z.strictObject({
  id: slugSchema,
  name: nameSchema,
  room: slugSchema,
  reader: slugSchema.optional(),
  /** Scans each file before it goes in, so a file under hold is refused before the lid opens. */
  scanner: slugSchema.optional(),
  /** Sensor on the deposit lid. */
  lid: slugSchema.optional(),
  /** Lock on the deposit lid: opened for each accepted deposit and for the vendor's pickup, shut otherwise. */
  seal: slugSchema.optional(),
});

const deskSchema = z.strictObject({
  id: slugSchema,
  name: nameSchema,
  room: slugSchema,
  reader: slugSchema.optional(),
  scanner: slugSchema.optional(),
});

const receptionSchema = z.strictObject({
  room: slugSchema,
  reader: slugSchema.optional(),
  scanner: slugSchema.optional(),
  /** Print queue for visitor badges (CUPS name or ipp:// URL); printers are not devices here. */
  printer: nameSchema.optional(),
});

export const DEVICE_ROLES = ['badge_reader', 'barcode_scanner', 'lock', 'door_sensor', 'lid', 'combo'] as const;
export const CREDENTIAL_FORMATS = ['hex', 'dec10', 'dec8', 'w26', 'w34', 'em4100', 'uid-unpadded'] as const;

/**
 * USB ids as lsusb prints them. Unquoted `0x0c2e` is already a number in YAML; a quoted string
 * must carry the `0x`, because `"1234"` could be read either as hex or as decimal.
 */
const usbIdSchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const id = typeof value === 'number' ? value : /^0x[0-9a-f]{1,4}$/i.test(value) ? Number.parseInt(value, 16) : NaN;
    if (Number.isInteger(id) && id >= 0 && id <= 0xffff) return id;
    ctx.addIssue({ code: 'custom', message: `must be a USB id such as "0x0c2e" (hex, with 0x) or 3118, got ${JSON.stringify(value)}` });
    return z.NEVER;
  });

const serialTransportSchema = z
  .strictObject({
    type: z.literal('serial'),
    path: z.string().min(1, 'must not be empty'),
    baud_rate: z.number().int('must be a whole number').min(50).max(4_000_000).default(9600),
    protocol: z.enum(['rdm6300', 'lines', 'wiegand-lines']),
    line_terminator: z.enum(['lf', 'cr', 'crlf']).optional(),
  })
  // RDM6300 frames are binary with their own start and end bytes; a terminator would be ignored.
  .refine((t) => t.protocol !== 'rdm6300' || t.line_terminator === undefined, {
    message: 'does not apply to protocol rdm6300, which frames its own reads',
    path: ['line_terminator'],
  });

const hidTransportSchema = z.strictObject({
  type: z.literal('hid'),
  vendor_id: usbIdSchema,
  product_id: usbIdSchema,
  /** Tells apart two identical scanners on one machine. */
  serial_number: z.string().min(1).optional(),
  protocol: z.enum(['keyboard', 'hid-pos']),
});

const mqttTransportSchema = z.strictObject({
  type: z.literal('mqtt'),
  firmware: z.enum(['tasmota', 'esphome', 'esp-rfid', 'safekeep']),
  /** The device's base topic; wildcards would subscribe to other devices' reads. */
  topic: z
    .string()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .regex(/^[^#+\s\0]+$/, 'must be a plain topic without spaces or the wildcards + and #'),
  username: z.string().min(1).optional(),
  /** The controller's IP address on the office network; esp-rfid only obeys commands naming it. */
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** Which door of a multi-door controller this entry stands for (esp-rfid's door name). */
  door: z.union([nameSchema, z.number().int().min(0)]).transform(String).optional(),
});

const transportSchema = z.discriminatedUnion('type', [serialTransportSchema, hidTransportSchema, mqttTransportSchema]);

const deviceSchema = z
  .strictObject({
    id: slugSchema,
    name: nameSchema.optional(),
    role: z.enum(DEVICE_ROLES),
    credential_format: z.enum(CREDENTIAL_FORMATS).optional(),
    transport: transportSchema,
  })
  .superRefine((device, ctx) => {
    const readsBadges = device.role === 'badge_reader' || device.role === 'combo';
    if (device.credential_format !== undefined && !readsBadges) {
      ctx.addIssue({ code: 'custom', path: ['credential_format'], message: `only applies to badge readers, not role ${device.role}` });
    }
    const protocol = device.transport.type === 'mqtt' ? undefined : device.transport.protocol;
    if ((protocol === 'rdm6300' || protocol === 'wiegand-lines') && !readsBadges) {
      ctx.addIssue({ code: 'custom', path: ['role'], message: `protocol ${protocol} only carries badge reads; role must be badge_reader or combo` });
    }
    if (protocol === 'hid-pos' && device.role !== 'barcode_scanner' && device.role !== 'combo') {
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'protocol hid-pos only carries barcode scans; role must be barcode_scanner or combo' });
    }
  });

export const officeFileSchema = z.strictObject({
  office: z.strictObject({ id: slugSchema, name: nameSchema, timezone: timezoneSchema, hours: hoursSchema }),
  sites: z.array(siteSchema).min(1, 'an office needs at least one site'),
  cabinets: z.array(cabinetSchema).default([]),
  shred_bins: z.array(shredBinSchema).default([]),
  desks: z.array(deskSchema).default([]),
  reception: receptionSchema.optional(),
  devices: z.array(deviceSchema).default([]),
});

export type OfficeConfig = z.output<typeof officeFileSchema>;
export type OfficeHours = OfficeConfig['office']['hours'];
export type Weekday = (typeof WEEKDAYS)[number];
export type Site = OfficeConfig['sites'][number];
export type Room = Site['rooms'][number];
export type RoomKind = (typeof ROOM_KINDS)[number];
export type Cabinet = OfficeConfig['cabinets'][number];
export type ShredBin = OfficeConfig['shred_bins'][number];
export type Desk = OfficeConfig['desks'][number];
export type Reception = NonNullable<OfficeConfig['reception']>;
export type Device = OfficeConfig['devices'][number];
export type DeviceRole = (typeof DEVICE_ROLES)[number];
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];
export type DeviceTransport = Device['transport'];
export type SerialTransport = Extract<DeviceTransport, { type: 'serial' }>;
export type HidTransport = Extract<DeviceTransport, { type: 'hid' }>;
export type MqttTransport = Extract<DeviceTransport, { type: 'mqtt' }>;

function isIanaTimeZone(zone: string): boolean {
  // Intl also accepts offsets such as "+01:00" on newer runtimes; those ignore daylight saving,
  // which would shift office hours by an hour twice a year.
  if (!/^[A-Za-z]/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
