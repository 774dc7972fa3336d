import type { DeviceEvent } from '../../server/ingest/device-event';

/**
 * The registry's decisions as pure functions of (state, event, now): what reaches the bus, what is
 * one read seen twice, what is a device shouting. The I/O wrapper (device-registry.ts) only keeps
 * the states and carries out the outcomes, so every rule here is testable on a manual clock.
 */

export interface RegistryPolicy {
  /**
   * The same card or barcode on the same device within this window is one read. The window slides
   * with every repeat: a tag resting on an RDM6300 (a frame every 65 ms) is one read until it has
   * been away this long (devices.md §6 suggests 2–5 s).
   */
  debounceMs: number;
  /** More reads than this within one flood window from one device: the excess is dropped. */
  floodLimit: number;
  floodWindowMs: number;
  /**
   * A device that has sent heartbeats and then is silent this long is reported offline. Devices
   * that never heartbeat (a serial reader is silent until a card comes) are never timed out:
   * their transport reports availability from the port itself.
   */
  offlineAfterMs: number;
}

export const DEFAULT_POLICY: RegistryPolicy = {
  debounceMs: 3000,
  floodLimit: 50,
  floodWindowMs: 1000,
  // esp-rfid heartbeats every 180 s by default (devices.md §3): three missed beats and a margin.
  offlineAfterMs: 600_000,
};

type StateKind = 'door' | 'lock' | 'availability';

export interface DeviceState {
  /** Debounce subjects (card, barcode) → when last seen, ms since epoch. */
  readonly recent: ReadonlyMap<string, number>;
  /** The last state passed on per kind; an unchanged repeat collapses. */
  readonly states: Readonly<Partial<Record<StateKind, string>>>;
  readonly lastSeenAt: number | null;
  /** The device has sent a heartbeat: silence means something is wrong with it. */
  readonly heartbeats: boolean;
  readonly floodWindowStart: number;
  readonly floodCount: number;
}

export const INITIAL_STATE: DeviceState = {
  recent: new Map(),
  states: {},
  lastSeenAt: null,
  heartbeats: false,
  floodWindowStart: 0,
  floodCount: 0,
};

export type Outcome =
  /** Pass the event on to the bus. */
  | 'emit'
  /** The same subject again within the debounce window. */
  | 'debounced'
  /** A state equal to the last one passed on. */
  | 'collapsed'
  /** Over the device's flood limit: dropped and counted. */
  | 'flooded'
  /** Consumed by the registry (heartbeats refresh last-seen and nothing else). */
  | 'absorbed';

export interface Decision {
  state: DeviceState;
  outcome: Outcome;
  /**
   * Traffic from a device believed offline proves it is back: an 'online' availability to emit
   * before the event itself (whatever the outcome for the event).
   */
  cameOnline: boolean;
}

const FLOOD_COUNTED = new Set<DeviceEvent['kind']>(['badge', 'barcode', 'door', 'lock']);

/** What makes two reads "the same read" for debouncing; undefined for kinds that are states. */
export function debounceSubject(event: DeviceEvent): string | undefined {
  if (event.kind === 'badge') return `badge:${event.credential.canonical}`;
  if (event.kind === 'barcode') return `barcode:${event.symbology ?? ''}:${event.data}`;
  return undefined;
}

export function decide(state: DeviceState, event: DeviceEvent, now: number, policy: RegistryPolicy): Decision {
  // One new state per read, built at the end: this runs for every read a device sends.
  const cameOnline = event.kind !== 'availability' && state.states.availability === 'offline';
  let states = cameOnline ? { ...state.states, availability: 'online' } : state.states;

  if (event.kind === 'heartbeat') return { state: { ...state, lastSeenAt: now, states, heartbeats: true }, outcome: 'absorbed', cameOnline };

  let { floodWindowStart, floodCount } = state;
  if (FLOOD_COUNTED.has(event.kind)) {
    const fresh = now - floodWindowStart >= policy.floodWindowMs || now < floodWindowStart;
    if (fresh) floodWindowStart = now;
    floodCount = (fresh ? 0 : floodCount) + 1;
    if (floodCount > policy.floodLimit) return { state: { ...state, lastSeenAt: now, states, floodWindowStart, floodCount }, outcome: 'flooded', cameOnline };
  }

  const subject = debounceSubject(event);
  if (subject !== undefined) {
    const last = state.recent.get(subject);
    const recent = pruned(state.recent, now, policy.debounceMs);
    recent.set(subject, now);
    const repeat = last !== undefined && now - last < policy.debounceMs && now >= last;
    return { state: { ...state, lastSeenAt: now, states, floodWindowStart, floodCount, recent }, outcome: repeat ? 'debounced' : 'emit', cameOnline };
  }

  let outcome: Outcome = 'emit';
  if (event.kind === 'door' || event.kind === 'lock' || event.kind === 'availability') {
    // cameOnline already recorded 'online' for non-availability kinds; an availability event
    // speaks for itself.
    if (states[event.kind] === event.state) outcome = 'collapsed';
    else states = { ...states, [event.kind]: event.state };
  }
  return { state: { ...state, lastSeenAt: now, states, floodWindowStart, floodCount }, outcome, cameOnline };
}

/**
 * Whether a heartbeating device has been silent past the policy: if so, the state to keep and
 * an 'offline' to emit. Called periodically by the wrapper.
 */
export function sweep(state: DeviceState, now: number, policy: RegistryPolicy): { state: DeviceState; wentOffline: boolean } {
  const silent = state.heartbeats && state.lastSeenAt !== null && now - state.lastSeenAt >= policy.offlineAfterMs;
  if (!silent || state.states.availability === 'offline') return { state, wentOffline: false };
  return { state: { ...state, states: { ...state.states, availability: 'offline' } }, wentOffline: true };
}

/**
 * A copy without the entries that can no longer debounce anything, so a scanner reading thousands
 * of different labels keeps a map the size of its last few seconds.
 */
function pruned(recent: ReadonlyMap<string, number>, now: number, windowMs: number): Map<string, number> {
  const copy = new Map<string, number>();
  for (const [subject, at] of recent) if (now - at < windowMs && now >= at) copy.set(subject, at);
  return copy;
}
