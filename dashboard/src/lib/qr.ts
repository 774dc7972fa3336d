import QRCode from 'qrcode';

/**
 * The dark modules of a QR code, as one SVG path over a square of `size` modules (quiet zone
 * included). Uses the small `qrcode` encoder (the server's too); the kiosk's camera decoder
 * (@zxing/library) stays in the kiosk's own chunk.
 */
export function qrSvgPath(text: string, margin = 2): { size: number; path: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let path = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) if (modules.get(y, x)) path += `M${x + margin} ${y + margin}h1v1h-1z`;
  }
  return { size: n + 2 * margin, path };
}
