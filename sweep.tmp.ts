import { kioskReadsFrame } from './server/visitors/kiosk-readable';
import { drawQrFrame } from './server/visitors/qr-code';
import { newVisitToken } from './server/visitors/crypto';
const reads = (t: string, w: number, h: number, s: number, dx: number) => kioskReadsFrame(t, drawQrFrame(t, { width: w, height: h, scale: s, offsetX: dx }), w, h);
const N = Number(process.argv[2]);
let single = 0, sizeMiss = 0; const bad: string[] = [];
for (let i = 0; i < N; i++) {
  const t = newVisitToken();
  for (const s of [3, 5, 7, 9, 10, 11, 13]) {
    if (reads(t, 640, 480, s, 0)) continue;
    single++;
    if (reads(t, 640, 480, s, 3) || reads(t, 1280, 720, s, 0) || reads(t, 1280, 720, s, 3)) continue;
    sizeMiss++; bad.push(`${t}@${s}`);
  }
}
console.log(JSON.stringify({ N, single, sizeMiss, bad }));
