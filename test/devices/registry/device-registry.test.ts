import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../server/ingest/device-event';
import { EventBus, type BusEvents, type IngestOutcome } from '../../../server/ingest/event-bus';
import { ManualClock } from '../../../server/shared/clock';
import { DeviceRegistry } from '../../../devices/registry/device-registry';
import { capturingLogger } from '../transports/support';

/** The registry's thin I/O: what reaches the bus, how repeats are settled, flood isolation. */

function setup(policy: ConstructorParameters<typeof DeviceRegistry>[0]['policy'] = {}, perDevice = {}) {
  const bus = new EventBus();
  const clock = new ManualClock();
  const logger = capturingLogger();
  const emitted: BusEvents['device.event'][] = [];
  const rejected: BusEvents['device.rejected'][] = [];
  bus.on('device.event', (m) => emitted.push(m));
  bus.on('device.rejected', (m) => rejected.push(m));
  const registry = new DeviceRegistry({ bus, clock, logger, policy, perDevice, sweepEveryMs: 0 });
  registry.start();
  return { bus, clock, logger, emitted, rejected, registry };
}

type WithoutKey = DeviceEvent extends infer T ? (T extends unknown ? Omit<T, 'idempotencyKey'> : never) : never;

let n = 0;
const read = (deviceId: string, canonical: string, settle?: (o: IngestOutcome) => void, clock = new ManualClock()): BusEvents['device.event'] => ({
  event: { kind: 'badge', deviceId, idempotencyKey: `${deviceId}:${n++}`, credential: { canonical, raw: canonical, format: 'hex' } },
  receivedAt: clock.now(),
  ...(settle ? { settle } : {}),
});
const kinds = (events: BusEvents['device.event'][]) => events.map(({ event }) => `${event.deviceId}:${event.kind}${'state' in event ? `:${event.state}` : ''}`);

describe('device registry', () => {
  it('passes first reads to the bus and settles repeats as duplicates, so acknowledging firmware stops resending', () => {
    const { emitted, registry, clock } = setup();
    const settled: IngestOutcome[] = [];
    registry.read(read('cab-4-reader', '1A2B3C4D', (o) => settled.push(o)));
    clock.advance(500);
    registry.read(read('cab-4-reader', '1A2B3C4D', (o) => settled.push(o)));
    expect(emitted).toHaveLength(1);
    // The first is settled by ingest once stored (not here); the repeat by the registry.
    expect(settled).toEqual([{ status: 'duplicate' }]);
    expect(registry.status('cab-4-reader')).toMatchObject({ counts: { emit: 1, debounced: 1 } });
  });

  it('honours a per-device debounce', () => {
    const { emitted, registry, clock } = setup({ debounceMs: 3000 }, { 'slow-reader': { debounceMs: 10_000 } });
    for (const id of ['slow-reader', 'fast-reader']) registry.read(read(id, 'AA0001'));
    clock.advance(5000);
    for (const id of ['slow-reader', 'fast-reader']) registry.read(read(id, 'AA0001'));
    expect(kinds(emitted)).toEqual(['slow-reader:badge', 'fast-reader:badge', 'fast-reader:badge']);
  });

  it('a flooding device has its excess dropped, refused and logged once, and never holds up another device', () => {
    const { emitted, registry, logger, clock } = setup({ floodLimit: 50, floodWindowMs: 1000, debounceMs: 0 });
    const refusals: IngestOutcome[] = [];
    for (let i = 0; i < 10_000; i++) {
      registry.read(read('stuck-scanner', `AA${String(i).padStart(4, '0')}`, (o) => refusals.push(o)));
      if (i % 1000 === 0) registry.read(read('desk-reader', `BB00${i / 1000}`));
    }
    expect(emitted.filter((m) => m.event.deviceId === 'stuck-scanner')).toHaveLength(50);
    expect(emitted.filter((m) => m.event.deviceId === 'desk-reader')).toHaveLength(10);
    expect(refusals).toHaveLength(9950);
    expect(refusals[0]).toEqual({ status: 'refused', reason: 'flood' });
    expect(registry.status('stuck-scanner').counts.flooded).toBe(9950);
    expect(logger.entries.filter((e) => e.msg.includes('flooding'))).toHaveLength(1);
    clock.advance(1000);
    registry.read(read('stuck-scanner', 'CC0001'));
    expect(emitted.at(-1)!.event.deviceId).toBe('stuck-scanner');
  });

  it('collapses repeated states and reports a silent heartbeating device offline once, and online when it returns', () => {
    const { emitted, registry, clock } = setup({ offlineAfterMs: 60_000 });
    const ev = (event: WithoutKey) => registry.read({ event: { ...event, idempotencyKey: `k${n++}` } as DeviceEvent, receivedAt: clock.now() });
    ev({ kind: 'availability', deviceId: 'esp-1', state: 'online' });
    ev({ kind: 'door', deviceId: 'esp-1', state: 'closed' });
    ev({ kind: 'door', deviceId: 'esp-1', state: 'closed' });
    ev({ kind: 'heartbeat', deviceId: 'esp-1' });
    clock.advance(59_000);
    registry.sweep();
    clock.advance(1000);
    registry.sweep();
    registry.sweep();
    clock.advance(5000);
    ev({ kind: 'door', deviceId: 'esp-1', state: 'open' });
    expect(kinds(emitted)).toEqual([
      'esp-1:availability:online',
      'esp-1:door:closed',
      'esp-1:availability:offline',
      'esp-1:availability:online',
      'esp-1:door:open',
    ]);
    const offline = emitted[2]!;
    expect(offline.event.idempotencyKey).toBe(`esp-1:availability:offline:${offline.receivedAt.getTime()}`);
    expect(registry.status('esp-1')).toMatchObject({ availability: 'online', lastSeenAt: clock.now() });
    expect(registry.status('never-seen')).toMatchObject({ availability: 'unknown', lastSeenAt: null });
  });

  it('passes rejections to the bus', () => {
    const { rejected, registry } = setup();
    registry.rejected('reception-reader', 'line is not a w26 credential');
    expect(rejected).toEqual([{ deviceId: 'reception-reader', reason: 'line is not a w26 credential' }]);
  });
});
