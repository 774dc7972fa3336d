import { z } from 'zod';
import { canonicalCredential, CREDENTIAL_FORMATS } from '../../credentials/canonical';
import { fail, ok, type DecodedRead, type DecodeResult } from '../types';
import { payloadText, toUtc } from './common';

/**
 * Safekeep's own device scheme, for firmware we write. Third-party firmware publishes QoS 0 with
 * no identity for a read, so a read made while the broker or server was down is lost and a
 * redelivered one looks new (devices.md §6). This scheme fixes both.
 *
 * Topics (`<deviceId>` is the device's id in the office file):
 *   safekeep/<deviceId>/read     device → server, QoS 1, never retained: one read per message
 *   safekeep/<deviceId>/status   device → server, retained: "online"; the will: "offline"
 *   safekeep/<deviceId>/ack      server → device, QoS 0 (a lost ack means a resend), never retained: {"boot":"…","seqs":[41,42]}
 *
 * Read payload, JSON:
 *   {"boot":"9f2c41d0","seq":42,"ts":"2026-01-05T09:00:00Z","kind":"badge","uid":"14008EC793","format":"em4100"}
 *   boot   1–64 of [A-Za-z0-9_-], drawn at random at every boot
 *   seq    0, 1, 2… within one boot
 *   ts     optional RFC 3339 with offset, sent only once the clock is set
 *   kind   badge:   uid (exactly as the reader printed it) and format (a credential format);
 *                   the server canonicalizes, so the rules live in one place
 *          barcode: data (GS separators kept), symbology (AIM id such as "]C1") optional
 *          door:    state "open" | "closed"
 *          lock:    state "locked" | "unlocked" | "jammed"
 *          heartbeat
 *
 * The idempotency key is `<deviceId>:<boot>:<seq>` (`dedupeHint` carries `<boot>:<seq>`): a QoS 1
 * duplicate or a replay is stored once. The device keeps every read until the server acks its
 * (boot, seq), which the server does once the read is stored, and republishes un-acked reads in
 * order after reconnecting. One ack names reads of one boot the server stored in one commit, in
 * order of storing (not always of seq), at most MAX_SEQS_PER_ACK of them (a payload under 1 KB,
 * for boards with small MQTT buffers): a busy board gets a message per commit, not per read.
 * Scheme version safekeep-mqtt/2 (devices/firmware-config/safekeep.ts); /1 acked one read each.
 */

export interface SafekeepConfig {
  deviceId: string;
}

export function safekeepTopics(deviceId: string): { read: string; status: string; ack: string } {
  return { read: `safekeep/${deviceId}/read`, status: `safekeep/${deviceId}/status`, ack: `safekeep/${deviceId}/ack` };
}

/** Most seqs one ack names: 32 seqs of up to 16 digits and a 64-character boot stay under 1 KB. */
export const MAX_SEQS_PER_ACK = 32;

/** The server's acknowledgement of stored reads of one boot, for `safekeep/<deviceId>/ack`. */
export function encodeSafekeepAck(boot: string, seqs: readonly number[]): Buffer {
  return Buffer.from(JSON.stringify({ boot, seqs }));
}

const BOOT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const DOOR_STATES = ['open', 'closed'] as const;
const LOCK_STATES = ['locked', 'unlocked', 'jammed'] as const;
/** Longest text per field. */
const MAX = { uid: 200, data: 500, symbology: 4 } as const;
const RFC3339_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

const envelope = {
  boot: z.string().regex(BOOT_PATTERN),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  ts: z.string().regex(RFC3339_WITH_OFFSET).optional(),
};

export const safekeepReadSchema = z.discriminatedUnion('kind', [
  z.object({ ...envelope, kind: z.literal('badge'), uid: z.string().min(1).max(MAX.uid), format: z.enum(CREDENTIAL_FORMATS) }),
  z.object({ ...envelope, kind: z.literal('barcode'), data: z.string().min(1).max(MAX.data), symbology: z.string().max(MAX.symbology).optional() }),
  z.object({ ...envelope, kind: z.literal('door'), state: z.enum(DOOR_STATES) }),
  z.object({ ...envelope, kind: z.literal('lock'), state: z.enum(LOCK_STATES) }),
  z.object({ ...envelope, kind: z.literal('heartbeat') }),
]);

type SafekeepRead = z.infer<typeof safekeepReadSchema>;

const FORMATS: ReadonlySet<string> = new Set(CREDENTIAL_FORMATS);
const STATES: Partial<Record<SafekeepRead['kind'], readonly string[]>> = { door: DOOR_STATES, lock: LOCK_STATES };

/**
 * What safekeepReadSchema accepts, checked without it: a board's every read takes this path, and zod's
 * parse was 2% of the server thread under a flood. Anything else goes to zod, which words the
 * error. Fields zod would strip are only ignored here: the decoder reads none but its own.
 * (safekeep.test.ts checks both agree.)
 */
export function isPlainSafekeepRead(json: unknown): json is SafekeepRead {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const m = json as Record<string, unknown>;
  if (typeof m.boot !== 'string' || !BOOT_PATTERN.test(m.boot)) return false;
  if (!Number.isSafeInteger(m.seq) || (m.seq as number) < 0) return false;
  if (m.ts !== undefined && (typeof m.ts !== 'string' || !RFC3339_WITH_OFFSET.test(m.ts))) return false;
  switch (m.kind) {
    case 'badge':
      return typeof m.uid === 'string' && m.uid.length >= 1 && m.uid.length <= MAX.uid && typeof m.format === 'string' && FORMATS.has(m.format);
    case 'barcode':
      return typeof m.data === 'string' && m.data.length >= 1 && m.data.length <= MAX.data && (m.symbology === undefined || (typeof m.symbology === 'string' && m.symbology.length <= MAX.symbology));
    case 'door':
    case 'lock':
      return STATES[m.kind]!.includes(m.state as string);
    case 'heartbeat':
      return true;
    default:
      return false;
  }
}

export function decodeSafekeep(topic: string, payload: Uint8Array, config: SafekeepConfig): DecodeResult {
  const topics = safekeepTopics(config.deviceId);
  if (topic === topics.status) {
    const text = payloadText(payload);
    if (!text.ok) return text.result;
    if (text.value === 'online' || text.value === 'offline') return ok([{ kind: 'availability', state: text.value }]);
    return fail('malformed', 'status is neither online nor offline');
  }
  if (topic !== topics.read) return ok();
  const text = payloadText(payload);
  if (!text.ok) return text.result;
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch {
    return fail('malformed', 'read is not JSON');
  }
  let m: SafekeepRead;
  if (isPlainSafekeepRead(json)) m = json;
  else {
    const parsed = safekeepReadSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail('malformed', `read ${issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'is invalid'}`);
    }
    m = parsed.data;
  }
  // A clock that is still unset (before 2020) is dropped, not an error: the read itself is good.
  const tsDevice = m.ts === undefined ? undefined : toUtc(m.ts);
  const common = { dedupeHint: `${m.boot}:${m.seq}`, ...(tsDevice === undefined ? {} : { tsDevice }) };
  let read: DecodedRead;
  switch (m.kind) {
    case 'badge': {
      const credential = canonicalCredential(m.uid, m.format);
      if (!credential) return fail('invalid-credential', `uid is not a ${m.format} credential`);
      read = { kind: 'badge', credential, ...common };
      break;
    }
    case 'barcode':
      read = m.symbology === undefined ? { kind: 'barcode', data: m.data, ...common } : { kind: 'barcode', data: m.data, symbology: m.symbology, ...common };
      break;
    case 'door':
      read = { kind: 'door', state: m.state, ...common };
      break;
    case 'lock':
      read = { kind: 'lock', state: m.state, ...common };
      break;
    case 'heartbeat':
      read = { kind: 'heartbeat', ...common };
      break;
  }
  return ok([read]);
}
