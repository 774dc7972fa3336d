import { describe, expect, it } from 'vitest';
import { BinaryBitmap, DecodeHintType, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { base32Decode } from '../../server/auth/base32';
import { generateTotpSecret, otpauthUri, qrCodeDataUrl, qrCodeSvg, startTotpEnrolment } from '../../server/auth/totp-enrolment';
import { totp, verifyTotp } from '../../server/auth/totp';

/**
 * Reads the server's SVG back bit for bit. qrcode strokes each row's dark runs as `M x y.5` or
 * `m dx dy` moves followed by `h n`; they are drawn here at 4 px per module. Pure-barcode mode,
 * because the picture is a clean rendering: zxing's finder-pattern search, meant for camera
 * frames, misses about one code in sixty whatever its size (see server/visitors/kiosk-readable.ts),
 * which would make this test fail by chance with a fresh random secret each run.
 */
function decodeSvg(svg: string): string {
  const scale = 4;
  const side = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1]) * scale;
  const path = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!;
  const pixels = new Uint8ClampedArray(side * side).fill(255);
  let x = 0;
  let y = 0;
  for (const [, move, dx, dy, run] of path.matchAll(/([Mm])([\d.]+) ([\d.]+)h(\d+)/g)) {
    x = move === 'M' ? Number(dx) : x + Number(dx);
    y = move === 'M' ? Number(dy) : y + Number(dy);
    const top = Math.floor(y) * scale;
    for (let row = top; row < top + scale; row++) pixels.fill(0, row * side + x * scale, row * side + (x + Number(run)) * scale);
    x += Number(run);
  }
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, side, side)));
  return new QRCodeReader().decode(bitmap, new Map([[DecodeHintType.PURE_BARCODE, true]])).getText();
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
    expect(decodeSvg(enrolment.qrSvg)).toBe(enrolment.uri);
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
