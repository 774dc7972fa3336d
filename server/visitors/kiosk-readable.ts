import { BinaryBitmap, HybridBinarizer, PlanarYUVLuminanceSource, QRCodeReader } from '@zxing/library';
import { drawQrFrame, qrModules } from './qr-code';

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
  const { size } = qrModules(text);
  return MODULE_PIXELS.every((scale) => {
    const side = (size + 2 * QUIET_MODULES) * scale;
    return kioskReadsFrame(text, drawQrFrame(text, { width: side, height: side, scale }), side, side);
  });
}

/** Whether the kiosk's decoder reads exactly `text` from a grey frame. */
export function kioskReadsFrame(text: string, luma: Uint8ClampedArray, width: number, height: number): boolean {
  try {
    const source = new PlanarYUVLuminanceSource(luma, width, height, 0, 0, width, height, false);
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText() === text;
  } catch {
    return false;
  }
}
