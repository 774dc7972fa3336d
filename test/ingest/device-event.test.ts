import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceEventSchema, parseDeviceEvent } from '../../server/ingest/device-event';

// What the device registry makes of decoded reads: these take the fast path (the event itself comes back).
const EVENTS = [
  { kind: 'badge', credential: { canonical: '008EC793', raw: '14008EC793', format: 'em4100' }, tsDevice: '2026-01-05T09:00:00.000Z', deviceId: 'cab-3-reader', idempotencyKey: 'cab-3-reader:9f2c41d0:42' },
  { kind: 'barcode', data: 'SK-000042', symbology: ']C1', deviceId: 'cab-3-scanner', idempotencyKey: 'cab-3-scanner:9f2c41d0:43' },
  { kind: 'barcode', data: 'SK-000042', deviceId: 'cab-3-scanner', idempotencyKey: 'k' },
  { kind: 'door', state: 'open', deviceId: 'cab-3-door', idempotencyKey: 'k' },
  { kind: 'lock', state: 'jammed', deviceId: 'cab-3-lock', idempotencyKey: 'k' },
  { kind: 'availability', state: 'offline', deviceId: 'cab-3-lock', idempotencyKey: 'k' },
  { kind: 'heartbeat', deviceId: 'cab-3-lock', idempotencyKey: 'k', tsDevice: '2024-02-29T23:59:59.999Z' },
];

describe('parseDeviceEvent', () => {
  it('passes a plainly valid event through as it is', () => {
    for (const event of EVENTS) {
      const parsed = parseDeviceEvent(event);
      expect(parsed.success && parsed.data).toBe(event);
      expect(deviceEventSchema.safeParse(event).data).toEqual(event);
    }
  });

  it('agrees with zod on every variant, and returns zod\'s copy wherever zod would change the event', () => {
    const text = (max: number) => fc.oneof(fc.string({ maxLength: max + 2 }), fc.constantFrom('', 'x'.repeat(max), 'x'.repeat(max + 1)));
    const stamp = fc.oneof(
      fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31) }).map((ms) => new Date(ms).toISOString()),
      fc.constantFrom('2026-02-30T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-12-31T23:59:59.999Z', '2026-01-05T09:00:00Z', '2026-01-05T24:00:00.000Z', '2026-01-05T09:00:00.000+01:00', '+002026-01-05T09:00:00.000Z'),
    );
    const credential = fc.record({ canonical: fc.oneof(fc.constantFrom('008EC793', 'ab', 'A', '0'.repeat(40), '0'.repeat(41)), fc.string()), raw: text(200), format: text(20) }, { requiredKeys: [] });
    const value = fc.oneof(text(500), stamp, credential, fc.constantFrom('open', 'closed', 'locked', 'jammed', 'online', 'ajar', 'heartbeat', 'badge', undefined), fc.anything());
    const names = fc.constantFrom('kind', 'deviceId', 'idempotencyKey', 'tsDevice', 'credential', 'data', 'symbology', 'state', 'extra');
    // A real event with up to two fields changed, added or removed: both paths, and their edges.
    const event = fc
      .tuple(fc.constantFrom(...EVENTS), fc.array(fc.tuple(names, fc.option(value, { nil: '(removed)' as const })), { maxLength: 2 }))
      .map(([base, changes]) => {
        const copy: Record<string, unknown> = structuredClone(base);
        for (const [name, to] of changes) {
          if (to === '(removed)') delete copy[name];
          else copy[name] = to;
        }
        return copy;
      });
    let fast = 0;
    fc.assert(
      fc.property(event, (candidate) => {
        const ours = parseDeviceEvent(candidate);
        const zods = deviceEventSchema.safeParse(candidate);
        expect(ours.success).toBe(zods.success);
        if (ours.success) expect(ours.data).toEqual(zods.data);
        if (ours.success && ours.data === candidate) fast++;
      }),
      { numRuns: 20_000 },
    );
    // The property is only worth something if the fast path was taken often.
    expect(fast).toBeGreaterThan(100);
  });

  it('leaves to zod what is not a plain object, or carries a field set to undefined', () => {
    class Looks {
      kind = 'heartbeat';
      deviceId = 'd';
      idempotencyKey = 'k';
    }
    const instance = parseDeviceEvent(new Looks());
    expect(instance.success && instance.data).not.toBeInstanceOf(Looks);
    const withUndefined = { kind: 'heartbeat', deviceId: 'd', idempotencyKey: 'k', tsDevice: undefined };
    const parsed = parseDeviceEvent(withUndefined);
    expect(parsed.success && parsed.data).not.toBe(withUndefined);
    expect(parseDeviceEvent(null).success).toBe(false);
  });
});
