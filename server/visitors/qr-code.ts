import QRCode from 'qrcode';

/**
 * The modules of a QR code exactly as the dashboard draws it on invitations and badges
 * (dashboard/src/lib/qr.ts): the server checks that very drawing when it issues a token.
 */
export interface QrModules {
  size: number;
  dark(x: number, y: number): boolean;
}

export function qrModules(text: string): QrModules {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: modules.size, dark: (x, y) => modules.get(y, x) === 1 };
}

/**
 * The code as a grey picture (one byte per pixel), centred in a width x height frame with
 * `scale` pixels per module, shifted right by `offsetX`: what a camera sees of the printed code.
 * Video-range grey by default (16 ink, 235 paper), as webcams deliver it.
 */
export function drawQrFrame(text: string, frame: { width: number; height: number; scale: number; offsetX?: number }): Uint8ClampedArray {
  const { width, height, scale, offsetX = 0 } = frame;
  const code = qrModules(text);
  const left = Math.floor((width - code.size * scale) / 2) + offsetX;
  const top = Math.floor((height - code.size * scale) / 2);
  const luma = new Uint8ClampedArray(width * height).fill(235);
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) {
      if (!code.dark(x, y)) continue;
      for (let row = 0; row < scale; row++) {
        const at = (top + y * scale + row) * width + left + x * scale;
        luma.fill(16, at, at + scale);
      }
    }
  }
  return luma;
}
