import type { OfficeConfig } from '../config/office-schema';

/**
 * Messages between the server thread and the broker thread (broker-thread.ts, broker-worker.ts).
 * Payloads of a batch travel as one transferred ArrayBuffer: a Buffer that aedes sliced from a
 * larger one would otherwise be cloned with all of its backing store.
 */

export interface BrokerThreadConfig {
  port: number;
  host?: string;
  dataDir: string;
  office: OfficeConfig;
}

export interface PackedPayloads {
  bytes: ArrayBuffer;
  /** ends[i] is where payload i stops; payload i starts where payload i - 1 stopped. */
  ends: number[];
}

export type ToBroker =
  | { t: 'subscribe'; id: number; link: number; filters: string[] }
  | { t: 'publish'; items: { id: number; link: number; topic: string; qos: 0 | 1 }[]; payloads: PackedPayloads }
  /** Every delivery up to and including this sequence number has been handled. */
  | { t: 'settled'; through: number }
  | { t: 'close-link'; id: number; link: number }
  | { t: 'stop'; id: number };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type FromBroker =
  /** tid: the thread's kernel id (Linux), for diagnostics such as the bench's CPU accounting. */
  | { t: 'ready'; url: string; port: number; tid: number | null }
  | { t: 'failed'; message: string; code?: string }
  | { t: 'messages'; first: number; items: { link: number; topic: string }[]; payloads: PackedPayloads }
  | { t: 'done'; results: { id: number; error?: string }[] }
  | { t: 'clients'; count: number }
  | { t: 'log'; level: LogLevel; bindings: Record<string, unknown>; obj: object | string; msg?: string };

export function packPayloads(payloads: readonly Uint8Array[]): PackedPayloads {
  let total = 0;
  for (const p of payloads) total += p.length;
  const bytes = new ArrayBuffer(total);
  const view = new Uint8Array(bytes);
  const ends: number[] = [];
  let at = 0;
  for (const p of payloads) {
    view.set(p, at);
    at += p.length;
    ends.push(at);
  }
  return { bytes, ends };
}

export function unpackPayloads({ bytes, ends }: PackedPayloads): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (const end of ends) {
    out.push(Buffer.from(bytes, start, end - start));
    start = end;
  }
  return out;
}
