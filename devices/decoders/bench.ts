import { performance } from 'node:perf_hooks';
import { canonicalCredential, type CredentialFormat } from '../credentials/canonical';
import { BarcodeLineFramer } from './barcode-lines';
import { decodeEsphome } from './firmware/esphome';
import { decodeEspRfid } from './firmware/esp-rfid';
import { decodeSafekeep } from './firmware/safekeep';
import { decodeTasmota } from './firmware/tasmota';
import { HidKeyboardDecoder } from './hid-keyboard';
import { HidPosDecoder } from './hid-pos';
import { Rdm6300Framer } from './rdm6300';
import type { DecodeResult } from './types';
import { decodeWiegand, encodeWiegand } from './wiegand';

/**
 * Decode throughput per decoder, for a later `npm run bench` (test/bench/ prints the table).
 * Each workload is built once, then decoded repeatedly for at least `minMs`; only decoding is
 * timed. Reads per second is what matters next to the ingest path's ~16,000 events/s
 * (performance.md): a decoder far above that is not the bottleneck.
 */

export interface DecoderThroughput {
  decoder: string;
  reads: number;
  seconds: number;
  readsPerSecond: number;
}

/** A workload decodes its prebuilt input once and returns how many reads came out. */
type Workload = () => number;

const N = 1000;

function chunks(input: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < input.length; at += size) out.push(input.subarray(at, at + size));
  return out;
}

function rdm6300Frame(tag: number): Buffer {
  const data = [0x14, tag >>> 24, (tag >>> 16) & 0xff, (tag >>> 8) & 0xff, tag & 0xff];
  const checksum = data.reduce((a, b) => a ^ b, 0);
  const hex = [...data, checksum].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  return Buffer.concat([Buffer.of(0x02), Buffer.from(hex), Buffer.of(0x03)]);
}

function keyboardReports(text: string): Uint8Array[] {
  const reports: Uint8Array[] = [];
  const press = (usage: number) => reports.push(Uint8Array.of(0, 0, usage, 0, 0, 0, 0, 0), new Uint8Array(8));
  for (const c of text) press(c >= 'a' && c <= 'z' ? 0x04 + c.charCodeAt(0) - 0x61 : c === '0' ? 0x27 : 0x1d + Number(c));
  press(0x28);
  return reports;
}

function hidPosReports(text: string): Uint8Array[] {
  const data = Buffer.from(text);
  const reports: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 56) {
    const r = new Uint8Array(64);
    const part = data.subarray(at, at + 56);
    r.set([0x02, part.length, 0x5d, 0x51, 0x30]);
    r.set(part, 5);
    r[63] = at + 56 < data.length ? 1 : 0;
    reports.push(r);
  }
  return reports;
}

const tags = Array.from({ length: N }, (_, i) => (0x008ec793 + i * 7919) >>> 0);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

const WORKLOADS: Record<string, () => Workload> = {
  canonicalCredential: () => {
    const inputs: Array<[string, CredentialFormat]> = tags.flatMap((t): Array<[string, CredentialFormat]> => [
      [t.toString(16).padStart(8, '0'), 'hex'],
      [String(t).padStart(10, '0'), 'dec10'],
      [String(t % 0x1000000), 'w26'],
    ]);
    return () => inputs.reduce((n, [raw, format]) => n + (canonicalCredential(raw, format) ? 1 : 0), 0);
  },
  rdm6300: () => {
    const stream = chunks(Buffer.concat(tags.map((t) => Buffer.concat([rdm6300Frame(t), Buffer.from('\r\n')]))), 64);
    return () => {
      const framer = new Rdm6300Framer();
      return stream.reduce((n, c) => n + framer.push(c).length, 0);
    };
  },
  wiegand: () => {
    const bursts = tags.map((t, i) => (i % 2 === 0 ? encodeWiegand(t % 0x1000000, 26) : encodeWiegand(t, 34)));
    return () => bursts.reduce((n, b) => n + (decodeWiegand(b).ok ? 1 : 0), 0);
  },
  barcodeLines: () => {
    const stream = chunks(Buffer.from(tags.map((t) => `]C1010950600013435210${t}\x1d21ABC\r\n`).join('')), 64);
    return () => {
      const framer = new BarcodeLineFramer();
      return stream.reduce((n, c) => n + framer.push(c).length, 0);
    };
  },
  hidKeyboard: () => {
    const reports = tags.flatMap((t) => keyboardReports(`file${t}`));
    return () => {
      const decoder = new HidKeyboardDecoder();
      return reports.reduce((n, r) => n + decoder.push(r).length, 0);
    };
  },
  hidPos: () => {
    const reports = tags.flatMap((t) => hidPosReports(`M1GATHERGOOD/MARTIN   EABC123 YULFRAAC 0834 226F001A0025 ${t}`));
    return () => {
      const decoder = new HidPosDecoder();
      return reports.reduce((n, r) => n + decoder.push(r).length, 0);
    };
  },
  tasmota: () => {
    const payloads = tags.map((t) => json({ Time: '2021-01-21T16:04:12', RDM6300: { UID: t.toString(16).toUpperCase().padStart(8, '0') } }));
    const config = { topic: 'tasmota_8EC793', timeZone: 'Europe/Amsterdam' };
    return () => payloads.reduce((n, p) => n + readCount(decodeTasmota('tele/tasmota_8EC793/SENSOR', p, config)), 0);
  },
  esphome: () => {
    const payloads = tags.map((t) => json({ uid: t, src: 'rdm6300' }));
    return () => payloads.reduce((n, p) => n + readCount(decodeEsphome('lawoffice/cab3/rfid', p, { topicPrefix: 'lawoffice/cab3' })), 0);
  },
  espRfid: () => {
    const payloads = tags.map((t) => json({ type: 'access', time: 1605991375, isKnown: 'true', access: 'Always', uid: t.toString(16).padStart(8, '0') }));
    return () => payloads.reduce((n, p) => n + readCount(decodeEspRfid('/rfid/send', p, { topic: '/rfid', uidFormat: 'hex' })), 0);
  },
  safekeep: () => {
    const payloads = tags.map((t, seq) => json({ boot: 'b1', seq, ts: '2026-01-05T09:00:00Z', kind: 'badge', uid: String(t), format: 'dec10' }));
    return () => payloads.reduce((n, p) => n + readCount(decodeSafekeep('safekeep/cab-3/read', p, { deviceId: 'cab-3' })), 0);
  },
};

function readCount(result: DecodeResult): number {
  return result.ok ? result.reads.length : 0;
}

export const BENCH_DECODERS = Object.keys(WORKLOADS);

/** Runs each decoder's workload for at least `minMs` (default 500) and reports reads per second. */
export function measureDecoderThroughput(options: { minMs?: number; only?: readonly string[] } = {}): DecoderThroughput[] {
  const minMs = options.minMs ?? 500;
  const results: DecoderThroughput[] = [];
  for (const [decoder, build] of Object.entries(WORKLOADS)) {
    if (options.only && !options.only.includes(decoder)) continue;
    const run = build();
    run(); // warm up: JIT and lazily built tables are not what is measured
    let reads = 0;
    const start = performance.now();
    let elapsed: number;
    do {
      reads += run();
      elapsed = performance.now() - start;
    } while (elapsed < minMs);
    results.push({ decoder, reads, seconds: elapsed / 1000, readsPerSecond: Math.round(reads / (elapsed / 1000)) });
  }
  return results;
}
