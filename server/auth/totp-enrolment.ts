import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { base32Encode } from './base32';
import { TOTP_DEFAULTS, type TotpOptions } from './totp';

/**
 * What a manager or admin sees when enrolling an authenticator: a fresh secret, the otpauth:// URI
 * (Key Uri Format, as Google Authenticator, Microsoft Authenticator, Aegis and 1Password read it)
 * and that URI as a QR code. The secret is confirmed only once the user types a valid code from
 * the app, so a mis-scanned QR code cannot lock anyone out.
 */

/** 160 bits, as RFC 4226 §4 recommends; longer secrets make the QR code denser for no real gain. */
export const TOTP_SECRET_BYTES = 20;

export function generateTotpSecret(bytes: number = TOTP_SECRET_BYTES): string {
  if (bytes < 16) throw new Error('a TOTP secret must have at least 128 bits (RFC 4226 §4)');
  return base32Encode(randomBytes(bytes));
}

export interface OtpauthInput {
  /** Base32 secret. */
  secret: string;
  /** Shown in the app under the issuer, e.g. the username. */
  account: string;
  /** The office or product name, e.g. "Safekeep (Smith & Jones)". */
  issuer: string;
  options?: TotpOptions;
}

/**
 * otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=… . Both the label
 * prefix and the issuer parameter are given: older apps read the one, newer the other.
 */
export function otpauthUri(input: OtpauthInput): string {
  const o = { ...TOTP_DEFAULTS, ...input.options };
  if (input.issuer.includes(':') || input.account.includes(':')) {
    throw new Error('otpauth: issuer and account may not contain ":" (it separates them in the label)');
  }
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.account)}`;
  const query = [
    `secret=${input.secret.replace(/=+$/, '')}`,
    `issuer=${encodeURIComponent(input.issuer)}`,
    `algorithm=${o.algorithm}`,
    `digits=${o.digits}`,
    `period=${o.period}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

/**
 * Error correction M: the URI is short, and M keeps the code small enough to scan from a screen
 * across a desk while tolerating glare.
 */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2 } as const;

/** An SVG document, for embedding inline in the enrolment page. */
export function qrCodeSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { ...QR_OPTIONS, type: 'svg' });
}

/** A data:image/png;base64 URL, for an <img> where inline SVG is awkward. */
export function qrCodeDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { ...QR_OPTIONS, type: 'image/png', width: 256 });
}

export interface TotpEnrolment {
  secret: string;
  uri: string;
  qrSvg: string;
}

/** Everything the enrolment step shows. Store `secret` as the user's pending secret. */
export async function startTotpEnrolment(account: string, issuer: string, options?: TotpOptions): Promise<TotpEnrolment> {
  const secret = generateTotpSecret();
  const uri = otpauthUri({ secret, account, issuer, options });
  return { secret, uri, qrSvg: await qrCodeSvg(uri) };
}
