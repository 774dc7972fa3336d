import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafekeep, encodeSafekeepAck, isPlainSafekeepRead, MAX_SEQS_PER_ACK, safekeepReadSchema, safekeepTopics } from '../../../devices/decoders/firmware/safekeep';
import { codecFor } from '../../../devices/transports/firmware-codecs';
import { assertWellFormed, firmwarePayloads, firmwareTopics, FUZZ_RUNS, FUZZ_TIMEOUT_MS, payload, readsOf, toEvent } from '../helpers';

const config = { deviceId: 'cab-3-reader' };
const decode = (topic: string, body: unknown) => decodeSafekeep(topic, payload(body), config);
const READ = 'safekeep/cab-3-reader/read';

// The scheme documented at the top of devices/decoders/firmware/safekeep.ts.
const FIXTURES = {
  badge: { boot: '9f2c41d0', seq: 42, ts: '2026-01-05T10:00:00+01:00', kind: 'badge', uid: '14008EC793', format: 'em4100' },
  barcode: { boot: '9f2c41d0', seq: 43, kind: 'barcode', data: '0109506000134352\u001d10ABC', symbology: ']d2' },
  door: { boot: '9f2c41d0', seq: 44, kind: 'door', state: 'open' },
  lock: { boot: '9f2c41d0', seq: 45, kind: 'lock', state: 'jammed' },
  heartbeat: { boot: '9f2c41d0', seq: 46, kind: 'heartbeat' },
};

describe('decodeSafekeep', () => {
  it('decodes every kind, canonicalizing badges and carrying boot:seq as the dedupe hint', () => {
    const all = Object.values(FIXTURES).flatMap((f) => readsOf(decode(READ, f)));
    expect(all).toEqual([
      {
        kind: 'badge',
        credential: { canonical: '008EC793', raw: '14008EC793', format: 'em4100' },
        tsDevice: '2026-01-05T09:00:00.000Z',
        dedupeHint: '9f2c41d0:42',
      },
      { kind: 'barcode', data: '0109506000134352\u001d10ABC', symbology: ']d2', dedupeHint: '9f2c41d0:43' },
      { kind: 'door', state: 'open', dedupeHint: '9f2c41d0:44' },
      { kind: 'lock', state: 'jammed', dedupeHint: '9f2c41d0:45' },
      { kind: 'heartbeat', dedupeHint: '9f2c41d0:46' },
    ]);
    for (const read of all) toEvent(read);
  });

  it('gives a redelivery the same hint, so the idempotency key deviceId:boot:seq stores it once', () => {
    const [first] = readsOf(decode(READ, FIXTURES.badge));
    const [again] = readsOf(decode(READ, { ...FIXTURES.badge }));
    expect(`${config.deviceId}:${again!.dedupeHint}`).toBe(`${config.deviceId}:${first!.dedupeHint}`);
  });

  it('reads status as availability, and ignores acks and other devices', () => {
    expect(readsOf(decode('safekeep/cab-3-reader/status', 'online'))).toEqual([{ kind: 'availability', state: 'online' }]);
    expect(readsOf(decode('safekeep/cab-3-reader/status', 'offline'))).toEqual([{ kind: 'availability', state: 'offline' }]);
    expect(readsOf(decode('safekeep/cab-3-reader/ack', { boot: '9f2c41d0', seqs: [42] }))).toEqual([]);
    expect(readsOf(decode('safekeep/cab-4-reader/read', FIXTURES.badge))).toEqual([]);
  });

  it('drops a timestamp from an unset clock but keeps the read', () => {
    expect(readsOf(decode(READ, { ...FIXTURES.door, ts: '1970-01-01T00:00:09Z' }))).toEqual([
      { kind: 'door', state: 'open', dedupeHint: '9f2c41d0:44' },
    ]);
  });

  it.each([
    ['seq below zero', { ...FIXTURES.door, seq: -1 }],
    ['fractional seq', { ...FIXTURES.door, seq: 1.5 }],
    ['boot with a slash', { ...FIXTURES.door, boot: 'a/b' }],
    ['missing boot', { seq: 1, kind: 'heartbeat' }],
    ['unknown kind', { ...FIXTURES.door, kind: 'teleport' }],
    ['unknown format', { ...FIXTURES.badge, format: 'dec99' }],
    ['zone-less ts', { ...FIXTURES.door, ts: '2026-01-05T10:00:00' }],
    ['empty barcode', { ...FIXTURES.barcode, data: '' }],
    ['not JSON', '{"boot":'],
    ['an array', [FIXTURES.door]],
  ])('rejects %s as malformed', (_what, body) => {
    expect(decode(READ, body)).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('rejects a uid that is not in its declared format', () => {
    expect(decode(READ, { ...FIXTURES.badge, uid: '9357203' })).toMatchObject({ ok: false, error: { code: 'invalid-credential' } });
  });

  it('names the topics and encodes the ack', () => {
    expect(safekeepTopics('cab-3-reader')).toEqual({
      read: 'safekeep/cab-3-reader/read',
      status: 'safekeep/cab-3-reader/status',
      ack: 'safekeep/cab-3-reader/ack',
    });
    expect(JSON.parse(encodeSafekeepAck('9f2c41d0', [42, 41]).toString())).toEqual({ boot: '9f2c41d0', seqs: [42, 41] });
  });

  it('acks a turn of stored reads per boot, each seq once, at most MAX_SEQS_PER_ACK to a message of under 1 KB', () => {
    const boot = 'b'.repeat(64);
    const hints = [...Array.from({ length: 70 }, (_, i) => `${boot}:${Number.MAX_SAFE_INTEGER - i}`), `${boot}:${Number.MAX_SAFE_INTEGER}`, 'other:5'];
    const acks = codecFor('safekeep').acknowledge!({ topic: 'safekeep/cab-3' }, hints);
    expect(acks.map((a) => a.topic)).toEqual(Array(4).fill('safekeep/cab-3/ack'));
    const bodies = acks.map((a) => JSON.parse(a.payload.toString()) as { boot: string; seqs: number[] });
    expect(bodies.map((b) => [b.boot.slice(0, 5), b.seqs.length])).toEqual([[boot.slice(0, 5), 32], [boot.slice(0, 5), 32], [boot.slice(0, 5), 6], ['other', 1]]);
    expect(bodies.slice(0, 3).flatMap((b) => b.seqs)).toEqual(Array.from({ length: 70 }, (_, i) => Number.MAX_SAFE_INTEGER - i));
    expect(Math.max(...acks.map((a) => a.payload.length))).toBeLessThan(1024);
    expect(MAX_SEQS_PER_ACK).toBe(32);
  });
});

describe('decodeSafekeep fuzzing', () => {
  const topics = firmwareTopics([READ, 'safekeep/cab-3-reader/status', 'safekeep/cab-3-reader/ack']);
  const payloads = firmwarePayloads([...Object.values(FIXTURES), 'online', 'offline']);

  it(
    `never throws; every result is typed and every read a valid event with its hint (${FUZZ_RUNS} messages)`,
    () => {
      fc.assert(
        fc.property(topics, payloads, (topic, body) => {
          const result = decodeSafekeep(topic, body, config);
          assertWellFormed(result, body);
          if (result.ok && topic === READ) for (const read of result.reads) if (!read.dedupeHint) throw new Error('read without hint');
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

describe('the Safekeep read check without zod', () => {
  const text = (max: number) => fc.oneof(fc.string({ maxLength: max + 2 }), fc.constantFrom('', 'x'.repeat(max), 'x'.repeat(max + 1)));
  const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() }, { weight: 1, arbitrary: fc.constant(undefined) });
  const read = fc.record(
    {
      boot: field(fc.oneof(fc.constantFrom('9f2c41d0', 'a', 'A_b-9', 'x'.repeat(64), 'x'.repeat(65), 'bad boot', 'é'), fc.string())),
      seq: field(fc.oneof(fc.nat(), fc.constantFrom(-1, 0.5, -0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, 7))),
      ts: field(fc.constantFrom('2026-01-05T10:00:00+01:00', '2026-01-05T09:00:00Z', '2026-01-05T09:00:00.123456789Z', '2026-01-05 09:00:00Z', '2026-01-05T09:00:00', '2026-01-05T09:00:00+1:00')),
      kind: field(fc.constantFrom('badge', 'barcode', 'door', 'lock', 'heartbeat', 'availability', 'BADGE')),
      uid: field(text(200)),
      format: field(fc.constantFrom('em4100', 'hex', 'w26', 'nope', '')),
      data: field(text(500)),
      symbology: field(text(4)),
      state: field(fc.constantFrom('open', 'closed', 'locked', 'unlocked', 'jammed', 'online', 'ajar')),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  );

  it('accepts only what the zod schema accepts, and every read of the documented kinds', () => {
    fc.assert(
      fc.property(read, (candidate) => {
        // Through JSON, as the decoder gets it: no undefined, no functions, no prototypes.
        const json: unknown = JSON.parse(JSON.stringify(candidate));
        if (isPlainSafekeepRead(json)) expect(safekeepReadSchema.safeParse(json).success).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    for (const fixture of Object.values(FIXTURES)) expect(isPlainSafekeepRead(JSON.parse(JSON.stringify(fixture)))).toBe(true);
  });

  it('leaves to zod, and its words, whatever it does not accept', () => {
    for (const bad of [{ ...FIXTURES.door, state: 'ajar' }, { ...FIXTURES.badge, seq: -1 }, { ...FIXTURES.barcode, data: '' }, [FIXTURES.door], null]) {
      expect(isPlainSafekeepRead(bad)).toBe(false);
      const result = decode(READ, bad);
      expect(result.ok).toBe(false);
    }
    expect(decode(READ, { ...FIXTURES.door, state: 'ajar' })).toMatchObject({ ok: false, error: { code: 'malformed', message: expect.stringMatching(/^read state: /) } });
  });
});
