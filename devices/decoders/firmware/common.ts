import { canonicalCredential, type CredentialFormat } from '../../credentials/canonical';
import { fail, type BadgeRead, type DecodeResult } from '../types';

/** Helpers shared by the firmware decoders: bounded parsing, timestamps, UIDs. */

/** Firmware payloads are a few hundred bytes; anything far larger is not theirs. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

export type Parsed<T> = { ok: true; value: T } | { ok: false; result: DecodeResult };

export function payloadText(payload: Uint8Array): Parsed<string> {
  if (payload.length > MAX_PAYLOAD_BYTES) return { ok: false, result: fail('too-large', `payload of ${payload.length} bytes`) };
  return { ok: true, value: Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8').trim() };
}

export function payloadObject(payload: Uint8Array): Parsed<Record<string, unknown>> {
  const text = payloadText(payload);
  if (!text.ok) return text;
  let value: unknown;
  try {
    value = JSON.parse(text.value);
  } catch {
    return { ok: false, result: fail('malformed', 'payload is not JSON') };
  }
  if (!isRecord(value)) return { ok: false, result: fail('malformed', 'payload is not a JSON object') };
  return { ok: true, value };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A UID as firmware sends it: a string, or a JSON number (Tasmota Wiegand, ESPHome rdm6300). */
export function uidText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

export function badge(uid: string, format: CredentialFormat, tsDevice: string | undefined): BadgeRead | null {
  const credential = canonicalCredential(uid, format);
  if (!credential) return null;
  return tsDevice === undefined ? { kind: 'badge', credential } : { kind: 'badge', credential, tsDevice };
}

export function invalidUid(uid: string, format: CredentialFormat): DecodeResult {
  return fail('invalid-credential', `${JSON.stringify(uid.slice(0, 40))} is not a ${format} credential`);
}

/** Adds `tsDevice` only when known, so reads never carry `tsDevice: undefined`. */
export function stamped<T extends object>(read: T, tsDevice: string | undefined): T & { tsDevice?: string } {
  return tsDevice === undefined ? read : { ...read, tsDevice };
}

/**
 * Device clocks before 2020 are unset clocks (1970 after a reboot without NTP, esp-rfid#316):
 * reporting them as the device's time would only add noise to drift checks.
 */
const EARLIEST = Date.UTC(2020, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

function plausible(ms: number): string | undefined {
  return Number.isFinite(ms) && ms >= EARLIEST && ms < LATEST ? new Date(ms).toISOString() : undefined;
}

export function fromEpochSeconds(value: unknown): string | undefined {
  return typeof value === 'number' ? plausible(value * 1000) : undefined;
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * RFC 3339 time to UTC `…Z`. A time without an offset (Tasmota's default "2021-01-21T16:04:12")
 * is local wall-clock time: it is placed with `timeZone` (IANA) when given, otherwise dropped.
 */
export function toUtc(value: unknown, timeZone?: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATETIME.exec(value);
  if (!m) return undefined;
  // Every board stamps every read: fields checked by arithmetic, no arrays or Dates to compare.
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const frac = m[7];
  const zone = m[8];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = frac === undefined ? 0 : Number(frac.length >= 3 ? frac.slice(0, 3) : frac.padEnd(3, '0'));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone === 'Z') return plausible(wall);
  if (zone !== undefined) {
    const sign = zone.charCodeAt(0) === 0x2d /* - */ ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    return plausible(wall - sign * (zh * 60 + zm) * 60_000);
  }
  if (timeZone === undefined) return undefined;
  return plausible(wallClockToUtc(wall, timeZone));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** How far `timeZone`'s wall clock is ahead of UTC at instant `ms`. */
function zoneOffset(ms: number, f: Intl.DateTimeFormat): number {
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Wall-clock time (encoded as if UTC) in `timeZone` to the real instant; NaN for an unknown zone. */
function wallClockToUtc(wall: number, timeZone: string): number {
  const f = formatter(timeZone);
  if (!f) return Number.NaN;
  // Two passes settle the offset on either side of a daylight-saving change.
  const first = wall - zoneOffset(wall, f);
  return wall - zoneOffset(first, f);
}

/** `ON`/`OFF` as Tasmota, ESPHome and esp-rfid publish them. */
export function onOff(text: unknown): 'ON' | 'OFF' | undefined {
  return text === 'ON' || text === 'OFF' ? text : undefined;
}
