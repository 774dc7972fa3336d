/**
 * RFC 4648 base32, the encoding of TOTP secrets in otpauth:// URIs and in manual entry. Decoding is
 * lenient about what people type or copy (lowercase, spaces, hyphens, '=' padding) and strict
 * about everything else.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Unpadded, as authenticator apps expect in otpauth:// URIs. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of clean) {
    const v = VALUE.get(c);
    if (v === undefined) throw new Error(`base32: invalid character ${JSON.stringify(c)}`);
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  // Leftover bits must be zero padding; anything else means the text was cut or mistyped.
  if (bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0) throw new Error('base32: invalid length or trailing bits');
  return Buffer.from(out);
}
