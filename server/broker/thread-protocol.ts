import type { OfficeConfig } from '../config/office-schema';

/**
 * Messages between the server thread and the broker thread (broker-thread.ts, broker-worker.ts).
 * A batch travels as a few flat values, not an array of objects: payloads as one transferred
 * ArrayBuffer (a Buffer that aedes sliced from a larger one would otherwise be cloned with all of
 * its backing store), numbers as typed arrays, topics as one string. Cloning an object per
 * message cost both threads several microseconds each, about 3% of the server thread under load.
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
  | { t: 'publish'; ids: Float64Array; links: Int32Array; qos: Uint8Array; topics: PackedTopics; payloads: PackedPayloads }
  /** Every delivery up to and including this sequence number has been handled. */
  | { t: 'settled'; through: number }
  | { t: 'close-link'; id: number; link: number }
  | { t: 'stop'; id: number };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type FromBroker =
  /** tid: the thread's kernel id (Linux), for diagnostics such as the bench's CPU accounting. */
  | { t: 'ready'; url: string; port: number; tid: number | null }
  | { t: 'failed'; message: string; code?: string }
  | { t: 'messages'; first: number; links: Int32Array; topics: PackedTopics; payloads: PackedPayloads }
  /** Requests answered: every id in `ids`, those in `failed` with their error. */
  | { t: 'done'; ids: Float64Array; failed: { id: number; error: string }[] }
  | { t: 'clients'; count: number }
  | { t: 'log'; level: LogLevel; bindings: Record<string, unknown>; obj: object | string; msg?: string };

/** Topics as one string and where each ends (by length, not a separator: a board chooses its topics). */
export interface PackedTopics {
  text: string;
  ends: Uint32Array<ArrayBuffer>;
}

export function packTopics(topics: readonly string[]): PackedTopics {
  const ends = new Uint32Array(topics.length);
  let at = 0;
  topics.forEach((topic, i) => (ends[i] = at += topic.length));
  return { text: topics.join(''), ends };
}

export function unpackTopics({ text, ends }: PackedTopics): string[] {
  const out: string[] = new Array(ends.length);
  let start = 0;
  ends.forEach((end, i) => {
    out[i] = text.slice(start, end);
    start = end;
  });
  return out;
}

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
