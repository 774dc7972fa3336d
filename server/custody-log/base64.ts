/**
 * Strict standard base64 (RFC 4648 section 4, padded).
 *
 * Buffer.from(text, 'base64') skips characters it does not know, accepts base64url and missing
 * padding, and ignores non-zero trailing bits, so many different strings decode to the same bytes.
 * Anything a verifier reads must have exactly one accepted spelling, or a changed byte in a
 * checkpoint or bundle could go unnoticed.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of `text`, or null when it is not the one canonical base64 spelling of them. */
export function decodeBase64Strict(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  // Re-encoding catches non-zero trailing bits ("AB==" and "AA==" both decode to one 0x00).
  return bytes.toString('base64') === text ? bytes : null;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
