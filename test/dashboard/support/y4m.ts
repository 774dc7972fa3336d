import { BarcodeFormat, EncodeHintType, QRCodeWriter } from '@zxing/library';

/**
 * A Y4M video (what Chromium's --use-file-for-fake-video-capture plays, looping) showing one QR
 * code: raw 4:2:0 frames, white paper with the code in the middle. The QR matrix comes from
 * @zxing/library's encoder, the same library the kiosk decodes with.
 */
export function qrCodeY4m(text: string, options: { width?: number; height?: number; frames?: number; fps?: number } = {}): Buffer {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const frames = options.frames ?? 4;
  const fps = options.fps ?? 10;
  if (width % 2 || height % 2) throw new Error('y4m: 4:2:0 frames need even dimensions');
  const hints = new Map<EncodeHintType, unknown>([
    [EncodeHintType.MARGIN, 0],
    [EncodeHintType.ERROR_CORRECTION, 'M'],
  ]);
  const matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
  const modules = matrix.getWidth();
  // The code and a 4-module quiet zone fill about 70% of the shorter side.
  const scale = Math.max(2, Math.floor((Math.min(width, height) * 0.7) / (modules + 8)));
  const left = Math.floor((width - modules * scale) / 2);
  const top = Math.floor((height - modules * scale) / 2);

  const luma = Buffer.alloc(width * height, 235); // video-range white
  for (let my = 0; my < modules; my++) {
    for (let mx = 0; mx < modules; mx++) {
      if (!matrix.get(mx, my)) continue;
      for (let y = 0; y < scale; y++) luma.fill(16, (top + my * scale + y) * width + left + mx * scale, (top + my * scale + y) * width + left + (mx + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // U and V: no colour
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), luma, chroma]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}
