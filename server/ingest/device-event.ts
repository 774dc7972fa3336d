import { z } from 'zod';

/**
 * The one normalized shape every device read takes, whatever the transport or firmware.
 * Adapters in devices/ translate hardware into this; nothing downstream knows about frames,
 * reports or firmware payloads.
 */

const rfc3339 = z.iso.datetime({ offset: false });

export const credentialSchema = z.object({
  /** Canonical badge id: uppercase hex of the card's UID bytes (see devices/credentials). */
  canonical: z.string().regex(/^[0-9A-F]{2,40}$/),
  /** The form the reader sent, as text, kept as evidence. */
  raw: z.string().min(1).max(200),
  /** How the raw form was interpreted: 'hex', 'dec10', 'w26', 'w34', 'uid'… */
  format: z.string().min(1).max(20),
});

const common = {
  /** Stable across redeliveries of the same read: a duplicate delivery is stored once. */
  idempotencyKey: z.string().min(1).max(200),
  /** The device's id in the office file. */
  deviceId: z.string().min(1).max(100),
  /** The device's own clock, when it sent one: kept to flag drift, never trusted for order. */
  tsDevice: rfc3339.optional(),
};

export const deviceEventSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('badge'), credential: credentialSchema }),
  z.object({
    ...common,
    kind: z.literal('barcode'),
    data: z.string().min(1).max(500),
    /** AIM symbology identifier such as "]C1", stripped from data and kept here. */
    symbology: z.string().max(4).optional(),
  }),
  z.object({ ...common, kind: z.literal('door'), state: z.enum(['open', 'closed']) }),
  z.object({ ...common, kind: z.literal('lock'), state: z.enum(['locked', 'unlocked', 'jammed']) }),
  z.object({ ...common, kind: z.literal('availability'), state: z.enum(['online', 'offline']) }),
  z.object({ ...common, kind: z.literal('heartbeat') }),
]);

export type Credential = z.infer<typeof credentialSchema>;
export type DeviceEvent = z.infer<typeof deviceEventSchema>;
export type DeviceEventKind = DeviceEvent['kind'];
