import fc from 'fast-check';
import { deviceEventSchema, type DeviceEvent } from '../../server/ingest/device-event';
import type { DecodedRead, DecodeResult } from '../../devices/decoders/types';

/** fast-check runs per fuzz property: the brief asks for at least 100,000 inputs per decoder. */
export const FUZZ_RUNS = 100_000;
/** Each fuzz property gets this long before vitest gives up; they run in a few seconds. */
export const FUZZ_TIMEOUT_MS = 60_000;

/** The adapter's mapping; throws with the zod issues when a decoder produced an invalid event. */
export function toEvent(read: DecodedRead): DeviceEvent {
  const parsed = deviceEventSchema.safeParse({ ...read, deviceId: 'test-device', idempotencyKey: 'test-key' });
  if (!parsed.success) throw new Error(`invalid event ${JSON.stringify(read)}: ${parsed.error.message}`);
  return parsed.data;
}

export function readsOf(result: DecodeResult): DecodedRead[] {
  if (!result.ok) throw new Error(`expected reads, got ${result.error.code}: ${result.error.message}`);
  return result.reads;
}

const ERROR_CODES = new Set(['too-large', 'malformed', 'invalid-credential', 'ambiguous-format']);

/**
 * What every firmware decoder promises for any input: a typed result, every read a valid event,
 * and no invented credential: a badge's raw UID is text the payload actually carries.
 */
export function assertWellFormed(result: DecodeResult, body?: Uint8Array): void {
  if (result.ok) {
    const text = body === undefined ? undefined : Buffer.from(body).toString('utf8');
    for (const read of result.reads) {
      toEvent(read);
      if (read.kind === 'badge' && text !== undefined && !text.includes(read.credential.raw)) {
        throw new Error(`badge ${read.credential.raw} is not in the payload ${text}`);
      }
    }
  } else if (!ERROR_CODES.has(result.error.code) || typeof result.error.message !== 'string') {
    throw new Error(`untyped error ${JSON.stringify(result)}`);
  }
}

export const bytes = (...parts: Array<string | number[] | Uint8Array>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** The input cut at every position, and at every pair of positions: fragments of all shapes. */
export function* everySplit(input: Uint8Array): Generator<Uint8Array[]> {
  for (let i = 0; i <= input.length; i++) yield [input.subarray(0, i), input.subarray(i)];
  for (let i = 1; i < input.length; i++) {
    for (let j = i + 1; j < input.length; j++) yield [input.subarray(0, i), input.subarray(i, j), input.subarray(j)];
  }
}

/** Cuts `input` at the given offsets (any order, any range): for fast-check driven chunking. */
export function chunked(input: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(input.subarray(from, p));
    from = p;
  }
  chunks.push(input.subarray(from));
  return chunks;
}

export const payload = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

/** A plain assertion for fuzz loops: vitest's `expect` costs microseconds a call, 100,000 times over. */
export function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Error(message());
}

/** A deep copy of `fixture` with one node (picked by `at`) replaced by `value`. */
function mutate(fixture: unknown, at: number, value: unknown): unknown {
  if (typeof fixture !== 'object' || fixture === null) return value;
  const copy = structuredClone(fixture) as Record<string, unknown>;
  const slots: Array<[Record<string, unknown>, string]> = [];
  const walk = (node: Record<string, unknown>) => {
    for (const key of Object.keys(node)) {
      slots.push([node, key]);
      const child = node[key];
      if (typeof child === 'object' && child !== null) walk(child as Record<string, unknown>);
    }
  };
  walk(copy);
  const slot = slots[at % Math.max(slots.length, 1)];
  if (slot) slot[0][slot[1]] = value;
  return copy;
}

/**
 * MQTT payloads for fuzzing a firmware decoder: its golden fixtures with one field replaced by a
 * random JSON value, random JSON, random text and random bytes.
 */
export function firmwarePayloads(fixtures: readonly unknown[]): fc.Arbitrary<Buffer> {
  const value = fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...fixtures), fc.nat(), value).map(([f, at, v]) => payload(mutate(f, at, v))) },
    { weight: 1, arbitrary: fc.constantFrom(...fixtures).map(payload) },
    { weight: 1, arbitrary: value.map((v) => payload(JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 24 }).map(payload) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b)) },
  );
}

/** Topics for fuzzing: the decoder's own, near misses, and random text. */
export function firmwareTopics(topics: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...topics) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...topics), fc.string({ maxLength: 6 })).map(([t, s]) => t + s) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
}
