import { BinaryBitmap, HybridBinarizer, PlanarYUVLuminanceSource, QRCodeReader } from '@zxing/library';
import QRCode, { type QRCodeMaskPattern } from 'qrcode';

/**
 * A Y4M video (what Chromium's --use-file-for-fake-video-capture plays, looping) showing one QR
 * code: raw 4:2:0 frames, white paper with the code in the middle, encoded by `qrcode` as the
 * dashboard prints invitations and badges (dashboard/src/lib/qr.ts).
 *
 * @zxing/library, the kiosk's decoder, misses about one code in twenty of our tokens even in a
 * perfect picture (its finder-pattern search; the mask and the scale barely matter). A camera's
 * frames differ from one to the next; this video repeats one frame forever, so such a code would
 * never be read. The frame is therefore checked with the same decoder here, and the next mask
 * pattern taken until it reads.
 */
export function qrCodeY4m(text: string, options: { width?: number; height?: number; frames?: number; fps?: number } = {}): Buffer {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const frames = options.frames ?? 4;
  const fps = options.fps ?? 10;
  if (width % 2 || height % 2) throw new Error('y4m: 4:2:0 frames need even dimensions');
  const luma = readableLuma(text, width, height);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // U and V: no colour
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), luma, chroma]);
  return Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]);
}

function readableLuma(text: string, width: number, height: number): Buffer {
  for (const maskPattern of [undefined, 0, 1, 2, 3, 4, 5, 6, 7] as (QRCodeMaskPattern | undefined)[]) {
    const luma = drawCode(text, width, height, maskPattern);
    try {
      const source = new PlanarYUVLuminanceSource(new Uint8ClampedArray(luma), width, height, 0, 0, width, height, false);
      if (new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText() === text) return luma;
    } catch {
      // Not read with this mask: try the next.
    }
  }
  throw new Error(`y4m: no mask pattern makes "${text}" readable by @zxing/library`);
}

function drawCode(text: string, width: number, height: number, maskPattern: QRCodeMaskPattern | undefined): Buffer {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M', ...(maskPattern === undefined ? {} : { maskPattern }) });
  const n = modules.size;
  // The code and a 4-module quiet zone fill about 70% of the shorter side.
  const scale = Math.max(2, Math.floor((Math.min(width, height) * 0.7) / (n + 8)));
  const left = Math.floor((width - n * scale) / 2);
  const top = Math.floor((height - n * scale) / 2);
  const luma = Buffer.alloc(width * height, 235); // video-range white
  for (let my = 0; my < n; my++) {
    for (let mx = 0; mx < n; mx++) {
      if (!modules.get(my, mx)) continue;
      for (let y = 0; y < scale; y++) luma.fill(16, (top + my * scale + y) * width + left + mx * scale, (top + my * scale + y) * width + left + (mx + 1) * scale);
    }
  }
  return luma;
}
