import { BinaryBitmap, HybridBinarizer, PlanarYUVLuminanceSource, QRCodeReader } from '@zxing/library';
import { qrModules } from './qr-code';

/**
 * Whether the kiosk's decoder (@zxing/library, as dashboard/src/kiosk/QrScanner.tsx uses it)
 * reads a token's QR code from a clean picture of it. It does not for about one token in
 * twenty: its finder-pattern search trips on some module layouts, whatever the size of the code
 * in the picture. A visitor holding such a code up to the camera would never be let through, so
 * tokens are drawn again until they read (visitor-service.ts).
 */
const MODULE_PIXELS = [4, 6, 8, 10, 12] as const;
const QUIET_MODULES = 4;

export function kioskCanRead(text: string): boolean {
  const code = qrModules(text);
  return MODULE_PIXELS.every((scale) => decodes(text, code, scale));
}

function decodes(text: string, code: ReturnType<typeof qrModules>, scale: number): boolean {
  const side = (code.size + 2 * QUIET_MODULES) * scale;
  const luma = new Uint8ClampedArray(side * side).fill(255);
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) {
      if (!code.dark(x, y)) continue;
      for (let row = 0; row < scale; row++) {
        const at = ((y + QUIET_MODULES) * scale + row) * side + (x + QUIET_MODULES) * scale;
        luma.fill(0, at, at + scale);
      }
    }
  }
  try {
    const source = new PlanarYUVLuminanceSource(luma, side, side, 0, 0, side, side, false);
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText() === text;
  } catch {
    return false;
  }
}
