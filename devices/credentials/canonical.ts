import type { Credential } from '../../server/ingest/device-event';

/**
 * One card is one badge whatever reader read it.
 *
 * Readers print the same card in many ways (devices.md, "One tag through every stack"): the EM4100
 * tag `14 008EC793` arrives as the RDM6300 frame "14008EC793", Tasmota "008EC793", ESPHome 9357203,
 * Wiegand-26 9357203 or "142,51091", a wedge's "0009357203" or "09357203". Each reader is configured
 * with the format it prints (a per-reader setting: the text alone is ambiguous, "09357203" is valid
 * hex and valid decimal), and `canonicalCredential` turns the text into uppercase hex of the card's
 * bytes:
 *
 * | format         | what the reader prints                                  | canonical          |
 * |----------------|---------------------------------------------------------|--------------------|
 * | `hex`          | UID bytes, 2 digits each, any case, optional `-`/`:`/space | all bytes (3–20) |
 * | `uid-unpadded` | esp-rfid PN532/old MFRC522: `String(byte, HEX)` joined  | see below          |
 * | `em4100`       | 10 hex = version byte + 4 tag bytes (RDM6300, wedge 10H) | the 4 tag bytes   |
 * | `dec12`        | 10H→12D, decimal of all 5 EM4100 bytes, commas allowed  | the 4 tag bytes    |
 * | `dec10`        | 8H→10D / ESPHome rdm6300 uint32: decimal of 4 bytes     | 4 bytes            |
 * | `dec8`         | 6H→8D: decimal of the low 3 bytes, e.g. `07,302,202`    | 3 bytes (24 bits)  |
 * | `w26`          | Wiegand-26 payload: `9357203`, `142,51091`, `8EC793h`   | 3 bytes (24 bits)  |
 * | `w34`          | Wiegand-34 payload: decimal, `…h` or `0x…` hex          | 4 bytes            |
 * | `w26-hex`/`w34-hex` | the same numbers as bare hex (esp-rfid `wiegandReadHex`) | 3 / 4 bytes    |
 * | `pair16`       | 4H+4H, two 16-bit decimals `00623,27706`                | 4 bytes            |
 *
 * The EM4100 version byte is dropped: Tasmota drops it and ESPHome's uint32 never had it, so keeping
 * it would make the RDM6300 path the odd one out.
 *
 * `uid-unpadded` cannot be undone in general: bytes 04 A1 and 4A 01 both print "4a1". When the
 * reader separates bytes ("4:a1:b2:c3") they are recovered and the credential is recorded as `hex`.
 * Without separators nothing is guessed: the canonical is the printed text uppercased, the format
 * stays `uid-unpadded`, and matching goes through the `unpadded:` key below.
 *
 * Matching: W26 and 6H→8D carry only the low 24 bits, so canonical strings differ across readers
 * ("8EC793" vs "008EC793"). Never compare canonicals; compare keys: a read matches a registered
 * badge when `credentialMatchKeys(read)` and `badgeIndexKeys(badge)` intersect. A 24-bit read can
 * match several badges that share their low 24 bits: the badge store must treat that as ambiguous.
 */

export const CREDENTIAL_FORMATS = [
  'hex',
  'uid-unpadded',
  'em4100',
  'dec12',
  'dec10',
  'dec8',
  'w26',
  'w34',
  'w26-hex',
  'w34-hex',
  'pair16',
] as const;

export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

export function isCredentialFormat(value: unknown): value is CredentialFormat {
  return typeof value === 'string' && (CREDENTIAL_FORMATS as readonly string[]).includes(value);
}

const MAX_RAW = 200; // credentialSchema.raw

export function canonicalCredential(raw: string, format: CredentialFormat): Credential | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_RAW) return null;
  // All-zero is what readers print on a failed read (Tasmota publishes Wiegand UID 0 on a parity
  // error and skips RDM6300 UID 0 as a "false positive"): never a badge.
  const made = (canonical: string | null, as: string = format): Credential | null =>
    canonical === null || /^0+$/.test(canonical) ? null : { canonical, raw: text, format: as };

  switch (format) {
    case 'hex':
      return made(hexBytes(text, 3, 20));
    case 'uid-unpadded':
      if (SEPARATOR.test(text)) return made(hexBytes(text, 3, 20), 'hex');
      return made(/^[0-9a-fA-F]{4,20}$/.test(text) ? text.toUpperCase() : null);
    case 'em4100':
      return made(dropVersionByte(hexBytes(text, 5, 5)));
    case 'dec12':
      return made(dropVersionByte(fromNumber(decimal(text, true), 5)));
    case 'dec10':
      return made(fromNumber(decimal(text, true), 4));
    case 'dec8':
      return made(fromNumber(decimal(text, true), 3));
    case 'w26':
      return made(fromNumber(facilityCard(text) ?? wiegandNumber(text, 6), 3));
    case 'w34':
      return made(fromNumber(wiegandNumber(text, 8), 4));
    case 'w26-hex':
      return made(fromNumber(bareHex(text, 6), 3));
    case 'w34-hex':
      return made(fromNumber(bareHex(text, 8), 4));
    case 'pair16':
      return made(fromNumber(pair16(text), 4));
    default:
      return null;
  }
}

/** Keys under which a registered badge is indexed; `canonical` must carry whole bytes. */
export function badgeIndexKeys(canonical: string): string[] {
  if (!/^([0-9A-F]{2}){3,20}$/.test(canonical)) return [];
  return [`id:${canonical}`, `low24:${canonical.slice(-6)}`, `unpadded:${unpadded(canonical)}`];
}

/** Keys to look a read up under: it matches a badge when these meet `badgeIndexKeys(badge)`. */
export function credentialMatchKeys(read: Credential): string[] {
  const c = read.canonical;
  if (read.format === 'uid-unpadded') return [`unpadded:${c}`];
  // Only the low 24 bits are known: any badge whose low 3 bytes agree is a candidate.
  if (c.length === 6) return [`low24:${c}`];
  // A whole 4-byte id also finds a badge that was enrolled at a 24-bit reader.
  if (c.length === 8) return [`id:${c}`, `id:${c.slice(-6)}`];
  return [`id:${c}`];
}

export function credentialsMatch(read: Credential, registeredCanonical: string): boolean {
  const index = new Set(badgeIndexKeys(registeredCanonical));
  return credentialMatchKeys(read).some((key) => index.has(key));
}

/** esp-rfid's rendering of whole bytes: `String(byte, HEX)` per byte, so 0x0A prints "A". */
function unpadded(canonical: string): string {
  let out = '';
  for (let i = 0; i < canonical.length; i += 2) out += canonical[i] === '0' ? canonical[i + 1] : canonical.slice(i, i + 2);
  return out;
}

const SEPARATOR = /[-: ]/;
const HEX_GROUPS = /^[0-9a-fA-F]{1,2}([-: ][0-9a-fA-F]{1,2})+$/;

/** Uppercase hex of `min..max` bytes, from "74-10-37-94", "0a:1b:…", "0x008EC793" or "008ec793". */
function hexBytes(text: string, min: number, max: number): string | null {
  let hex: string;
  if (SEPARATOR.test(text)) {
    // With separators every group is one byte, so an unpadded "a" is as good as "0a".
    if (!HEX_GROUPS.test(text)) return null;
    hex = text
      .split(/[-: ]/)
      .map((group) => group.padStart(2, '0'))
      .join('');
  } else {
    hex = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return null;
  }
  const bytes = hex.length / 2;
  return bytes >= min && bytes <= max ? hex.toUpperCase() : null;
}

function dropVersionByte(fiveBytes: string | null): string | null {
  return fiveBytes === null ? null : fiveBytes.slice(2);
}

function fromNumber(value: number | null, bytes: number): string | null {
  if (value === null || !Number.isSafeInteger(value) || value < 0 || value >= 2 ** (8 * bytes)) return null;
  return value.toString(16).toUpperCase().padStart(bytes * 2, '0');
}

/** Plain digits, or digits grouped by thousands ("07,302,202", "004,335,823,930"). */
function decimal(text: string, thousands: boolean): number | null {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (thousands && /^\d{1,3}(,\d{3}){1,4}$/.test(text)) return Number(text.replaceAll(',', ''));
  return null;
}

/** "142,51091": facility (8 bits) and card number (16 bits), the W26 text form. */
function facilityCard(text: string): number | null {
  const m = /^(\d{1,3}),(\d{1,5})$/.exec(text);
  if (!m) return null;
  const facility = Number(m[1]);
  const card = Number(m[2]);
  return facility <= 0xff && card <= 0xffff ? facility * 0x10000 + card : null;
}

function pair16(text: string): number | null {
  const m = /^(\d{1,5}),(\d{1,5})$/.exec(text);
  if (!m) return null;
  const high = Number(m[1]);
  const low = Number(m[2]);
  return high <= 0xffff && low <= 0xffff ? high * 0x10000 + low : null;
}

/** Decimal, or hex marked the way Tasmota (`SetOption123 1`: "763AE8h") or C code ("0x…") marks it. */
function wiegandNumber(text: string, maxHexDigits: 6 | 8): number | null {
  if (/^0x/i.test(text) || /h$/i.test(text)) return bareHex(text, maxHexDigits);
  return decimal(text, false);
}

function bareHex(text: string, maxDigits: 6 | 8): number | null {
  const digits = text.replace(/^0x/i, '').replace(/h$/i, '');
  return (maxDigits === 6 ? HEX_1_6 : HEX_1_8).test(digits) ? Number.parseInt(digits, 16) : null;
}

const HEX_1_6 = /^[0-9a-fA-F]{1,6}$/;
const HEX_1_8 = /^[0-9a-fA-F]{1,8}$/;
