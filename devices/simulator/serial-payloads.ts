import type { CredentialFormat } from '../credentials/canonical';
import type { SerialTransport as SerialConfig } from '../../server/config/office-schema';

/**
 * What a serial reader or scanner puts on its line for one simulated act, byte for byte
 * (devices.md §1–2): RDM6300 frames, a Wiegand adapter's text line, a scanner's line.
 */

/**
 * An RDM6300 frame for an EM4100 tag: STX, 10 hex (version byte + 4 tag bytes), 2 hex of their
 * XOR, ETX. `uidHex` is the 4 tag bytes; the version byte is what many tags carry.
 */
export function rdm6300Frame(uidHex: string, version = 0x14): Buffer {
  const tag = uidHex.padStart(8, '0').slice(-8).toUpperCase();
  const bytes = [version, ...(tag.match(/../g) ?? []).map((b) => Number.parseInt(b, 16))];
  const checksum = bytes.reduce((a, b) => a ^ b, 0);
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return Buffer.concat([Buffer.of(0x02), Buffer.from(bytes.map(hex).join('') + hex(checksum), 'ascii'), Buffer.of(0x03)]);
}

const TERMINATOR: Record<NonNullable<SerialConfig['line_terminator']>, string> = { lf: '\n', cr: '\r', crlf: '\r\n' };

export function lineTerminator(transport: SerialConfig): string {
  return transport.line_terminator ? TERMINATOR[transport.line_terminator] : '\r\n';
}

/** The card as a Wiegand-to-serial adapter set to `format` prints it. */
export function wiegandText(uidHex: string, format: CredentialFormat): string {
  const value = Number.parseInt(uidHex.slice(-8), 16);
  switch (format) {
    case 'w26':
    case 'dec8':
      return String(value % 0x1000000);
    case 'w34':
    case 'dec10':
      return String(value).padStart(format === 'dec10' ? 10 : 1, '0');
    case 'em4100':
      return `14${uidHex.slice(-8)}`.toUpperCase();
    default:
      return uidHex.toUpperCase();
  }
}
