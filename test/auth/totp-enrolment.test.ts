import { describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { BinaryBitmap, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { base32Decode } from '../../server/auth/base32';
import { generateTotpSecret, otpauthUri, qrCodeDataUrl, qrCodeSvg, startTotpEnrolment } from '../../server/auth/totp-enrolment';
import { totp, verifyTotp } from '../../server/auth/totp';

/** Renders the QR matrix the SVG is drawn from and reads it back, as a phone camera would. */
function decodeQr(text: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const scale = 4;
  const quiet = 4;
  const side = (qr.modules.size + 2 * quiet) * scale;
  const pixels = new Uint8ClampedArray(side * side).fill(255);
  for (let y = 0; y < qr.modules.size; y++) {
    for (let x = 0; x < qr.modules.size; x++) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) pixels[((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx] = 0;
      }
    }
  }
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, side, side)));
  return new QRCodeReader().decode(bitmap).getText();
}

describe('TOTP enrolment', () => {
  it('generates 160-bit base32 secrets, different every time', () => {
    const a = generateTotpSecret();
    const b = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(a).not.toBe(b);
    expect(() => generateTotpSecret(10)).toThrow(/128 bits/);
  });

  it('writes an otpauth URI in the Key Uri Format, with issuer in label and parameter', () => {
    const uri = otpauthUri({ secret: 'JBSWY3DPEHPK3PXP', account: 'j.smith', issuer: 'Safekeep (Smith & Jones)' });
    expect(uri).toBe(
      'otpauth://totp/Safekeep%20(Smith%20%26%20Jones):j.smith?secret=JBSWY3DPEHPK3PXP&issuer=Safekeep%20(Smith%20%26%20Jones)&algorithm=SHA1&digits=6&period=30',
    );
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.searchParams.get('issuer')).toBe('Safekeep (Smith & Jones)');
    expect(parsed.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses ":" in issuer or account, which would corrupt the label', () => {
    expect(() => otpauthUri({ secret: 'JBSWY3DPEHPK3PXP', account: 'a:b', issuer: 'Safekeep' })).toThrow(/":"/);
  });

  it('draws a QR code that scans back to the exact URI', async () => {
    const enrolment = await startTotpEnrolment('a.admin', 'Safekeep');
    expect(enrolment.qrSvg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"/);
    expect(enrolment.qrSvg).toContain('</svg>');
    expect(decodeQr(enrolment.uri)).toBe(enrolment.uri);
    // The app that scanned it computes codes the server accepts.
    const secret = new URL(enrolment.uri).searchParams.get('secret')!;
    const now = new Date('2026-01-05T09:00:00Z');
    expect(verifyTotp(enrolment.secret, totp(base32Decode(secret), now), now, null).ok).toBe(true);
  });

  it('offers a PNG data URL as well', async () => {
    const url = await qrCodeDataUrl('otpauth://totp/Safekeep:x?secret=JBSWY3DPEHPK3PXP');
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(await qrCodeSvg('x')).toContain('<svg');
  });
});
