import type { Transform } from 'node:stream';
import type { SerialTransport as SerialConfig } from '../../server/config/office-schema';
import { canonicalCredential, type CredentialFormat } from '../credentials/canonical';
import { BarcodeLineParser, type LineTerminator } from '../decoders/barcode-lines';
import { Rdm6300Parser } from '../decoders/rdm6300';
import type { BarcodeRead, DecodedRead } from '../decoders/types';
import { decodeWiegand } from '../decoders/wiegand';

/**
 * Which decoder a serial device's protocol needs, and how its output becomes reads. One instance
 * per connection: a new port starts a new parser, so half a frame from before an unplug can never
 * combine with bytes after it.
 */
export interface SerialDecoding {
  parser: Transform;
  /** A parser output as a read, or the reason it is not one (a line that is no credential). */
  toRead(output: unknown): { read: DecodedRead } | { rejected: string };
  /** Bytes or frames the decoder threw away so far: what "garbage on the line" means here. */
  garbage(): number;
}

const TERMINATORS: Record<NonNullable<SerialConfig['line_terminator']>, LineTerminator[]> = {
  lf: ['LF'],
  cr: ['CR'],
  // Either byte ends a line; the empty line between CR and LF is dropped by the framer.
  crlf: ['CR', 'LF'],
};

export function serialDecoding(transport: SerialConfig, credentialFormat: CredentialFormat | undefined): SerialDecoding {
  if (transport.protocol === 'rdm6300') {
    const parser = new Rdm6300Parser();
    return {
      parser,
      toRead: (output) => ({ read: output as DecodedRead }),
      garbage: () => {
        const c = parser.counters;
        return c.discardedBytes + c.shortFrame + c.badCharacter + c.badTerminator + c.badChecksum + c.zeroTag;
      },
    };
  }
  const terminators = transport.line_terminator ? TERMINATORS[transport.line_terminator] : undefined;
  const wiegand = transport.protocol === 'wiegand-lines';
  // A Wiegand adapter prints numbers: a leading "]" is noise, never an AIM symbology identifier.
  const parser = new BarcodeLineParser({ ...(terminators ? { terminators } : {}), aim: !wiegand });
  let invalid = 0;
  return {
    parser,
    toRead: (output) => {
      const line = output as BarcodeRead;
      if (!wiegand) return { read: line };
      const result = wiegandLine(line.data, credentialFormat ?? 'w26');
      if ('rejected' in result) invalid++;
      return result;
    },
    garbage: () => {
      const c = parser.counters;
      return c.empty + c.overlong + c.unterminated + invalid;
    },
  };
}

/**
 * One line from a Wiegand-to-serial adapter. Adapters print the card in the format set on the
 * adapter (devices.md §1: "9357203", "142,51091", "8EC793h"…), which the device's credential_format
 * names; some print the raw burst as 26 or 34 bits, decoded with parity checked.
 */
export function wiegandLine(text: string, format: CredentialFormat): { read: DecodedRead } | { rejected: string } {
  // Only card-length bursts: an 8-digit line of ones and zeros is likelier a decimal card number
  // than a keypad key.
  if (/^[01]{26}$|^[01]{34}$/.test(text)) {
    const burst = decodeWiegand(text);
    if (!burst.ok) return { rejected: `wiegand burst refused: ${burst.reason}` };
    return burst.type === 'card' ? { read: burst.read } : { rejected: 'wiegand burst is a key, not a card' };
  }
  const credential = canonicalCredential(text, format);
  if (!credential) return { rejected: `line is not a ${format} credential` };
  return { read: { kind: 'badge', credential } };
}
