import { BarcodeFormat, EncodeHintType, QRCodeWriter } from '@zxing/library';

/** The dark modules of a QR code, as one SVG path over a square of `size` modules (quiet zone included). */
export function qrSvgPath(text: string, margin = 2): { size: number; path: string } {
  const hints = new Map<EncodeHintType, unknown>([
    [EncodeHintType.MARGIN, margin],
    [EncodeHintType.ERROR_CORRECTION, 'M'],
  ]);
  // Width and height 0: one pixel per module, so the matrix is the code itself.
  const matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
  const size = matrix.getWidth();
  let path = '';
  for (let y = 0; y < matrix.getHeight(); y++) {
    for (let x = 0; x < size; x++) if (matrix.get(x, y)) path += `M${x} ${y}h1v1h-1z`;
  }
  return { size, path };
}
