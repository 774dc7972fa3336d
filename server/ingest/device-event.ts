import { z } from 'zod';

/**
 * The one normalized shape every device read takes, whatever the transport or firmware.
 * Adapters in devices/ translate hardware into this; nothing downstream knows about frames,
 * reports or firmware payloads.
 */

const rfc3339 = z.iso.datetime({ offset: false });
const CANONICAL = /^[0-9A-F]{2,40}$/;
/** The states a door, a lock and a device's availability report; the schema and plainlyValid share them. */
const STATES = {
  door: ['open', 'closed'],
  lock: ['locked', 'unlocked', 'jammed'],
  availability: ['online', 'offline'],
} as const;
/** Longest text per field. */
const MAX = { raw: 200, format: 20, idempotencyKey: 200, deviceId: 100, data: 500, symbology: 4 } as const;

export const credentialSchema = z.object({
  /** Canonical badge id: uppercase hex of the card's UID bytes (see devices/credentials). */
  canonical: z.string().regex(CANONICAL),
  /** The form the reader sent, as text, kept as evidence. */
  raw: z.string().min(1).max(MAX.raw),
  /** How the raw form was interpreted: 'hex', 'dec10', 'w26', 'w34', 'uid'… */
  format: z.string().min(1).max(MAX.format),
});

const common = {
  /** Stable across redeliveries of the same read: a duplicate delivery is stored once. */
  idempotencyKey: z.string().min(1).max(MAX.idempotencyKey),
  /** The device's id in the office file. */
  deviceId: z.string().min(1).max(MAX.deviceId),
  /** The device's own clock, when it sent one: kept to flag drift, never trusted for order. */
  tsDevice: rfc3339.optional(),
};

export const deviceEventSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('badge'), credential: credentialSchema }),
  z.object({
    ...common,
    kind: z.literal('barcode'),
    data: z.string().min(1).max(MAX.data),
    /** AIM symbology identifier such as "]C1", stripped from data and kept here. */
    symbology: z.string().max(MAX.symbology).optional(),
  }),
  z.object({ ...common, kind: z.literal('door'), state: z.enum(STATES.door) }),
  z.object({ ...common, kind: z.literal('lock'), state: z.enum(STATES.lock) }),
  z.object({ ...common, kind: z.literal('availability'), state: z.enum(STATES.availability) }),
  z.object({ ...common, kind: z.literal('heartbeat') }),
]);

export type Credential = z.infer<typeof credentialSchema>;
export type DeviceEvent = z.infer<typeof deviceEventSchema>;
export type DeviceEventKind = DeviceEvent['kind'];

/**
 * deviceEventSchema.safeParse with a fast path: an event that is plainly valid as it stands
 * (what the device registry makes of every decoded read) passes as it is, and anything else
 * goes to zod, which also words the errors. Under a flood zod's parse of events built a few
 * calls earlier was 2-3% of the server thread. `plainlyValid` accepts nothing zod refuses
 * (device-event.test.ts) and nothing zod would change: no unknown or undefined fields.
 */
export function parseDeviceEvent(raw: unknown): ReturnType<typeof deviceEventSchema.safeParse> {
  return plainlyValid(raw) ? ({ success: true, data: raw } as ReturnType<typeof deviceEventSchema.safeParse>) : deviceEventSchema.safeParse(raw);
}

function plainlyValid(raw: unknown): raw is DeviceEvent {
  if (!isPlainObject(raw)) return false;
  const e = raw as Record<string, unknown>;
  if (!isText(e.idempotencyKey, MAX.idempotencyKey) || !isText(e.deviceId, MAX.deviceId)) return false;
  let fields = 3;
  if (e.tsDevice !== undefined) {
    if (!isUtcMillis(e.tsDevice)) return false;
    fields++;
  }
  switch (e.kind) {
    case 'badge': {
      const c = e.credential;
      if (!isPlainObject(c) || typeof c.canonical !== 'string' || !CANONICAL.test(c.canonical) || !isText(c.raw, MAX.raw) || !isText(c.format, MAX.format) || countFields(c) !== 3) return false;
      fields++;
      break;
    }
    case 'barcode':
      if (!isText(e.data, MAX.data)) return false;
      fields++;
      if (e.symbology !== undefined) {
        if (typeof e.symbology !== 'string' || e.symbology.length > MAX.symbology) return false;
        fields++;
      }
      break;
    case 'door':
    case 'lock':
    case 'availability':
      if (!(STATES[e.kind] as readonly string[]).includes(e.state as string)) return false;
      fields++;
      break;
    case 'heartbeat':
      break;
    default:
      return false;
  }
  return countFields(e) === fields;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

/** `toISOString()`'s own form, of a real date: the RFC 3339 check can only agree. */
const UTC_MILLIS = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

function isUtcMillis(value: unknown): boolean {
  if (typeof value !== 'string' || !UTC_MILLIS.test(value)) return false;
  const day = Number(value.slice(8, 10));
  if (day <= 28) return true;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);
}

/** Every enumerable field, a field set to undefined included (zod would drop it from a copy). */
function countFields(value: object): number {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
}
