import { EventEmitter } from 'node:events';
import type { DeviceEvent } from './device-event';
import type { CommittedLeaf } from './custody-writer';

/** What happened to one device read once the writer has dealt with it. */
export type IngestOutcome =
  | { status: 'stored'; logIndex: number }
  | { status: 'duplicate' }
  | { status: 'refused'; reason: string };

/**
 * The typed event map: every module talks through these and nothing else. Payloads are plain data;
 * `settle` lets an at-least-once transport acknowledge a read only after it is durable.
 */
export interface BusEvents {
  'device.event': { event: DeviceEvent; receivedAt: Date; settle?: (outcome: IngestOutcome) => void };
  'device.rejected': { deviceId: string | null; reason: string };
  'custody.committed': { leaves: CommittedLeaf[] };
  'writer.halted': { reason: string; since: Date };
  'writer.resumed': { at: Date };
  /** Another process (a CLI import) appended to the log: in-memory views must reload. */
  'writer.external_append': { from: number; to: number };
  'alert.raised': { id: string; type: string; severity: string; message: string; logIndex: number };
  /** A lock or lid to move, decided by a rule and committed: devices act on it. */
  'device.command': { deviceId: string; command: 'unlock' | 'lock' };
  /** A file somebody asked for is back: tell them. */
  'record.available': { recordId: string; personIds: string[] };
  /** A visitor signed in: their host is told on the dashboard (ids only, never names). */
  'visitor.arrived': { visitId: string; hostPersonId: string };
  /** Feedback for the person at a reader, scanner or kiosk. */
  'station.answer': { deviceId: string; ok: boolean; message: string };
}

export type BusEventName = keyof BusEvents;

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  /** Subscribes and returns the unsubscribe function, so a module's stop() undoes its start(). */
  on<K extends BusEventName>(name: K, listener: (payload: BusEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  emit<K extends BusEventName>(name: K, payload: BusEvents[K]): void {
    this.emitter.emit(name, payload);
  }
}
