import { drawQrFrame, qrModules } from '../../../server/visitors/qr-code';

/**
 * A Y4M video (what Chromium's --use-file-for-fake-video-capture plays, looping) showing one QR
 * code: raw 4:2:0 frames, white paper with the code in the middle, drawn from the same modules
 * the dashboard prints on invitations and badges (server/visitors/qr-code.ts). The video repeats
 * one frame forever, so a code the kiosk's decoder cannot read would never be read: the server
 * issues only tokens it reads (kiosk-readable.ts), and this is where that is shown end to end.
 */
export function qrCodeY4m(text: string, options: { width?: number; height?: number; frames?: number; fps?: number } = {}): Buffer {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const frames = options.frames ?? 4;
  const fps = options.fps ?? 10;
  if (width % 2 || height % 2) throw new Error('y4m: 4:2:0 frames need even dimensions');
  const luma = drawCode(text, width, height);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // U and V: no colour
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), luma, chroma]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}

function drawCode(text: string, width: number, height: number): Buffer {
  // The code and a 4-module quiet zone fill about 70% of the shorter side.
  const scale = Math.max(2, Math.floor((Math.min(width, height) * 0.7) / (qrModules(text).size + 8)));
  const luma = drawQrFrame(text, { width, height, scale });
  return Buffer.from(luma.buffer, luma.byteOffset, luma.byteLength);
}
