import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../server/ingest/device-event';
import { ManualClock } from '../../../server/shared/clock';
import { decide, DEFAULT_POLICY, INITIAL_STATE, sweep, type DeviceState, type Outcome, type RegistryPolicy } from '../../../devices/registry/registry-rules';

/** Scenario tests of the registry's pure decisions: (state, event, now) → outcome, on a manual clock. */

const badge = (canonical: string): DeviceEvent => ({
  kind: 'badge',
  deviceId: 'r1',
  idempotencyKey: `k-${canonical}-${Math.random()}`,
  credential: { canonical, raw: canonical, format: 'hex' },
});
const barcode = (data: string, symbology?: string): DeviceEvent => ({ kind: 'barcode', deviceId: 'r1', idempotencyKey: `k-${Math.random()}`, data, ...(symbology ? { symbology } : {}) });
const door = (state: 'open' | 'closed'): DeviceEvent => ({ kind: 'door', deviceId: 'r1', idempotencyKey: `k-${Math.random()}`, state });
const lock = (state: 'locked' | 'unlocked' | 'jammed'): DeviceEvent => ({ kind: 'lock', deviceId: 'r1', idempotencyKey: `k-${Math.random()}`, state });
const availability = (state: 'online' | 'offline'): DeviceEvent => ({ kind: 'availability', deviceId: 'r1', idempotencyKey: `k-${Math.random()}`, state });
const heartbeat = (): DeviceEvent => ({ kind: 'heartbeat', deviceId: 'r1', idempotencyKey: `k-${Math.random()}` });

/** Plays `[advance ms, event]` steps through decide() and returns each outcome. */
function play(steps: [number, DeviceEvent][], policy: RegistryPolicy = DEFAULT_POLICY, start: DeviceState = INITIAL_STATE) {
  const clock = new ManualClock();
  let state = start;
  const outcomes: Outcome[] = [];
  const cameOnline: boolean[] = [];
  for (const [advance, event] of steps) {
    clock.advance(advance);
    const d = decide(state, event, clock.now().getTime(), policy);
    state = d.state;
    outcomes.push(d.outcome);
    cameOnline.push(d.cameOnline);
  }
  return { outcomes, cameOnline, state, clock };
}

describe('debounce', () => {
  it('a card held on an RDM6300 (a frame every 65 ms) is one read; the same card 3 s after it left is another', () => {
    const held = Array.from({ length: 30 }, (_, i): [number, DeviceEvent] => [i === 0 ? 0 : 65, badge('1A2B3C01')]);
    const { outcomes } = play([...held, [3000, badge('1A2B3C01')]]);
    expect(outcomes.filter((o) => o === 'emit')).toHaveLength(2);
    expect(outcomes[0]).toBe('emit');
    expect(outcomes.slice(1, 30).every((o) => o === 'debounced')).toBe(true);
    expect(outcomes[30]).toBe('emit');
  });

  it('the window is per subject: another card or barcode on the same device is read at once', () => {
    const { outcomes } = play([
      [0, badge('1A2B3C01')],
      [100, badge('1A2B3C02')],
      [100, badge('1A2B3C01')],
      [100, barcode('SK-000001')],
      [100, barcode('SK-000001', ']C0')],
      [100, barcode('SK-000002')],
      [100, barcode('SK-000001')],
    ]);
    expect(outcomes).toEqual(['emit', 'emit', 'debounced', 'emit', 'emit', 'emit', 'debounced']);
  });

  it('is configurable, and a window of 0 passes every read', () => {
    const steps: [number, DeviceEvent][] = [
      [0, badge('AA0001')],
      [1500, badge('AA0001')],
      [1500, badge('AA0001')],
    ];
    expect(play(steps, { ...DEFAULT_POLICY, debounceMs: 1000 }).outcomes).toEqual(['emit', 'emit', 'emit']);
    expect(play(steps, { ...DEFAULT_POLICY, debounceMs: 5000 }).outcomes).toEqual(['emit', 'debounced', 'debounced']);
    expect(play(steps, { ...DEFAULT_POLICY, debounceMs: 0 }).outcomes).toEqual(['emit', 'emit', 'emit']);
  });

  it('forgets subjects outside the window, so the state stays small', () => {
    const steps = Array.from({ length: 1000 }, (_, i): [number, DeviceEvent] => [10, barcode(`SK-${i}`)]);
    const { state } = play(steps);
    expect(state.recent.size).toBeLessThanOrEqual(DEFAULT_POLICY.debounceMs / 10 + 1);
  });

  it('a clock stepped backwards never debounces forever', () => {
    const clock = new ManualClock();
    const state = decide(INITIAL_STATE, badge('1A2B3C01'), clock.now().getTime(), DEFAULT_POLICY).state;
    clock.advance(-60_000);
    expect(decide(state, badge('1A2B3C01'), clock.now().getTime(), DEFAULT_POLICY).outcome).toBe('emit');
  });
});

describe('state collapse', () => {
  it('repeated door, lock and availability states collapse; changes pass', () => {
    const { outcomes } = play([
      [0, door('closed')],
      [10, door('closed')], // ESPHome republishes retained state on reconnect
      [10, door('open')],
      [10, door('open')],
      [10, door('closed')],
      [0, lock('locked')],
      [60_000, lock('locked')], // Tasmota repeats POWER state in telemetry
      [10, lock('unlocked')],
      [0, availability('online')],
      [10, availability('online')],
      [10, availability('offline')],
    ]);
    expect(outcomes).toEqual(['emit', 'collapsed', 'emit', 'collapsed', 'emit', 'emit', 'collapsed', 'emit', 'emit', 'collapsed', 'emit']);
  });

  it('door and lock states are independent of each other and of debounce windows', () => {
    const { outcomes } = play([
      [0, door('open')],
      [0, lock('unlocked')],
      [0, door('closed')],
      [0, lock('locked')],
      [0, door('open')],
    ]);
    expect(outcomes).toEqual(['emit', 'emit', 'emit', 'emit', 'emit']);
  });
});

describe('availability, heartbeats and last-seen', () => {
  it('heartbeats are absorbed and refresh last-seen; silence past the limit goes offline once', () => {
    const policy = { ...DEFAULT_POLICY, offlineAfterMs: 600_000 };
    const { outcomes, state, clock } = play(
      [
        [0, availability('online')],
        [180_000, heartbeat()],
        [180_000, heartbeat()],
      ],
      policy,
    );
    expect(outcomes).toEqual(['emit', 'absorbed', 'absorbed']);
    expect(state.lastSeenAt).toBe(clock.now().getTime());
    clock.advance(599_999);
    expect(sweep(state, clock.now().getTime(), policy).wentOffline).toBe(false);
    clock.advance(1);
    const swept = sweep(state, clock.now().getTime(), policy);
    expect(swept.wentOffline).toBe(true);
    expect(swept.state.states.availability).toBe('offline');
    clock.advance(60_000);
    expect(sweep(swept.state, clock.now().getTime(), policy).wentOffline).toBe(false);
  });

  it('a device that never heartbeats is never timed out (a serial reader is silent until a card comes)', () => {
    const { state, clock } = play([
      [0, availability('online')],
      [10, badge('1A2B3C01')],
    ]);
    clock.advance(30 * 24 * 3600_000);
    expect(sweep(state, clock.now().getTime(), DEFAULT_POLICY).wentOffline).toBe(false);
  });

  it('traffic from a device believed offline brings it back online, before the read itself', () => {
    const { outcomes, cameOnline, state } = play([
      [0, availability('offline')], // a retained LWT "Offline"
      [10, badge('1A2B3C01')],
      [10, badge('1A2B3C02')],
    ]);
    expect(outcomes).toEqual(['emit', 'emit', 'emit']);
    expect(cameOnline).toEqual([false, true, false]);
    expect(state.states.availability).toBe('online');
    // The device's own "online" afterwards is then no change.
    expect(decide(state, availability('online'), 0, DEFAULT_POLICY).outcome).toBe('collapsed');
  });

  it('a heartbeat after silence-offline comes back online', () => {
    const policy = { ...DEFAULT_POLICY, offlineAfterMs: 1000 };
    const { state, clock } = play([[0, heartbeat()]], policy);
    clock.advance(1000);
    const off = sweep(state, clock.now().getTime(), policy).state;
    const back = decide(off, heartbeat(), clock.now().getTime() + 5, policy);
    expect(back).toMatchObject({ outcome: 'absorbed', cameOnline: true });
  });
});

describe('flood control', () => {
  it('more than the limit within a window is dropped; the next window starts afresh', () => {
    const policy = { ...DEFAULT_POLICY, floodLimit: 50, floodWindowMs: 1000, debounceMs: 0 };
    // 200 different barcodes within 200 ms: a stuck scanner or a fuzzing attacker.
    const burst = Array.from({ length: 200 }, (_, i): [number, DeviceEvent] => [1, barcode(`X${i}`)]);
    const { outcomes, clock, state } = play(burst, policy);
    expect(outcomes.filter((o) => o === 'emit')).toHaveLength(50);
    expect(outcomes.filter((o) => o === 'flooded')).toHaveLength(150);
    expect(outcomes.slice(0, 50).every((o) => o === 'emit')).toBe(true);
    clock.advance(1000);
    expect(decide(state, barcode('after'), clock.now().getTime(), policy).outcome).toBe('emit');
  });

  it('repeats that are debounced still count toward the flood, availability does not', () => {
    const policy = { ...DEFAULT_POLICY, floodLimit: 5, floodWindowMs: 1000 };
    const steps: [number, DeviceEvent][] = [
      ...Array.from({ length: 5 }, (): [number, DeviceEvent] => [1, badge('1A2B3C01')]),
      [1, availability('online')],
      [1, badge('1A2B3C09')],
    ];
    expect(play(steps, policy).outcomes).toEqual(['emit', 'debounced', 'debounced', 'debounced', 'debounced', 'emit', 'flooded']);
  });
});
