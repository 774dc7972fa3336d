import { qrModules } from '../../../server/visitors/qr-code';

/**
 * The dark modules of a QR code, as one SVG path over a square of `size` modules (quiet zone
 * included). The modules are the server's own (qr-code.ts), the drawing it checked the kiosk
 * reads when it issued the token; the kiosk's camera decoder stays in the kiosk's own chunk.
 */
export function qrSvgPath(text: string, margin = 2): { size: number; path: string } {
  const code = qrModules(text);
  const n = code.size;
  let path = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) if (code.dark(x, y)) path += `M${x + margin} ${y + margin}h1v1h-1z`;
  }
  return { size: n + 2 * margin, path };
}
