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
