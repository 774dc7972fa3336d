import type { DeviceEvent } from '../../server/ingest/device-event';
import type { BusEvents, EventBus, IngestOutcome } from '../../server/ingest/event-bus';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import { BurstLogger } from '../transports/burst-logger';
import type { DeviceSink } from './device-sink';
import { stateKey } from './read-key';
import { decide, DEFAULT_POLICY, INITIAL_STATE, sweep, type DeviceState, type Outcome, type RegistryPolicy } from './registry-rules';

export type DeviceCounts = Record<Outcome, number>;

export interface DeviceStatus {
  deviceId: string;
  availability: 'online' | 'offline' | 'unknown';
  lastSeenAt: Date | null;
  counts: DeviceCounts;
}

export interface DeviceRegistryOptions {
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  policy?: Partial<RegistryPolicy>;
  /** Overrides per device id, e.g. a longer debounce for a reader whose tags linger. */
  perDevice?: Readonly<Record<string, Partial<RegistryPolicy>>>;
  /** How often silent heartbeating devices are checked; 0 disables the timer (tests sweep by hand). */
  sweepEveryMs?: number;
}

/**
 * Sits between every transport and the bus: applies the per-device rules of registry-rules.ts and
 * carries out their outcomes. Everything it does per event is synchronous and per device, so a
 * flooding device costs the others nothing but its own CPU time.
 */
export class DeviceRegistry implements DeviceSink {
  private readonly states = new Map<string, DeviceState>();
  private readonly counts = new Map<string, DeviceCounts>();
  private readonly policies = new Map<string, RegistryPolicy>();
  private readonly basePolicy: RegistryPolicy;
  private readonly problems: BurstLogger;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: DeviceRegistryOptions) {
    this.basePolicy = { ...DEFAULT_POLICY, ...deps.policy };
    this.problems = new BurstLogger(deps.logger.child({ component: 'device-registry' }), deps.clock);
  }

  start(): void {
    const every = this.deps.sweepEveryMs ?? 5000;
    if (every > 0) {
      this.timer = setInterval(() => this.sweep(), every);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  read(message: BusEvents['device.event']): void {
    const { event, settle } = message;
    const id = event.deviceId;
    const now = this.deps.clock.now();
    const decision = decide(this.states.get(id) ?? INITIAL_STATE, event, now.getTime(), this.policyFor(id));
    this.states.set(id, decision.state);
    this.count(id, decision.outcome);
    if (decision.cameOnline) this.emitAvailability(id, 'online', now);
    switch (decision.outcome) {
      case 'emit':
        this.deps.bus.emit('device.event', message);
        return;
      case 'flooded':
        this.problems.report(`${id}:flood`, { deviceId: id, limit: this.policyFor(id).floodLimit }, 'device is flooding: excess reads dropped');
        // Refused, so a device that keeps reads until acknowledged sends this one again later.
        settle?.({ status: 'refused', reason: 'flood' });
        return;
      default:
        // A repeat is settled as a duplicate: at-least-once firmware gets its acknowledgement and
        // stops resending what the office has already seen.
        settle?.({ status: 'duplicate' } satisfies IngestOutcome);
    }
  }

  rejected(deviceId: string | null, reason: string): void {
    this.deps.bus.emit('device.rejected', { deviceId, reason });
  }

  /** Reports heartbeating devices that have gone silent. */
  sweep(): void {
    const now = this.deps.clock.now();
    for (const [id, state] of this.states) {
      const result = sweep(state, now.getTime(), this.policyFor(id));
      if (!result.wentOffline) continue;
      this.states.set(id, result.state);
      this.deps.logger.warn({ deviceId: id, lastSeenAt: state.lastSeenAt }, 'device silent: reported offline');
      this.emitAvailability(id, 'offline', now);
    }
  }

  status(deviceId: string): DeviceStatus {
    const state = this.states.get(deviceId);
    const availability = state?.states.availability;
    return {
      deviceId,
      availability: availability === 'online' || availability === 'offline' ? availability : 'unknown',
      lastSeenAt: state?.lastSeenAt === null || state === undefined ? null : new Date(state.lastSeenAt),
      counts: { ...(this.counts.get(deviceId) ?? zeroCounts()) },
    };
  }

  private emitAvailability(deviceId: string, state: 'online' | 'offline', at: Date): void {
    const event: DeviceEvent = { kind: 'availability', state, deviceId, idempotencyKey: stateKey(deviceId, 'availability', state, at) };
    this.deps.bus.emit('device.event', { event, receivedAt: at });
  }

  private count(deviceId: string, outcome: Outcome): void {
    let counts = this.counts.get(deviceId);
    if (!counts) this.counts.set(deviceId, (counts = zeroCounts()));
    counts[outcome]++;
  }

  private policyFor(deviceId: string): RegistryPolicy {
    let policy = this.policies.get(deviceId);
    if (!policy) {
      policy = { ...this.basePolicy, ...this.deps.perDevice?.[deviceId] };
      this.policies.set(deviceId, policy);
    }
    return policy;
  }
}

function zeroCounts(): DeviceCounts {
  return { emit: 0, debounced: 0, collapsed: 0, flooded: 0, absorbed: 0 };
}
