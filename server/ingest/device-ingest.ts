import { hash } from 'node:crypto';
import { timeOrderedId } from '../shared/time-ordered-id';
import type { Logger } from '../shared/logger';
import { parseDeviceEvent, type DeviceEvent } from './device-event';
import type { BusEvents, EventBus, IngestOutcome } from './event-bus';
import { WriterHaltedError, type AppendInput, type CustodyWriter } from './custody-writer';
import type { Directory } from '../domain/directory';
import type { AfterCommit, Correlator } from '../workflows/correlator';

/** The key of device_last_states: one row per device and kind (door, lock). */
const LAST_STATE_KEYS = ['device_id', 'kind'] as const;

/**
 * Turns each normalized device read into a stored raw read plus its custody-log leaf, committed
 * together. Heartbeats only refresh last-seen: they are not custody facts.
 */
export class DeviceIngest {
  private unsubscribe: (() => void) | null = null;
  private readonly log: Logger;

  constructor(
    private readonly deps: { bus: EventBus; writer: CustodyWriter; directory: Directory; logger: Logger; correlator?: Correlator },
  ) {
    this.log = deps.logger.child({ component: 'ingest' });
  }

  start(): void {
    this.unsubscribe = this.deps.bus.on('device.event', (message) => void this.accept(message));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  async accept({ event, receivedAt, settle }: BusEvents['device.event']): Promise<IngestOutcome> {
    const outcome = await this.store(event, receivedAt);
    settle?.(outcome);
    return outcome;
  }

  private async store(raw: DeviceEvent, receivedAt: Date): Promise<IngestOutcome> {
    const parsed = parseDeviceEvent(raw);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
      this.deps.bus.emit('device.rejected', { deviceId: typeof raw?.deviceId === 'string' ? raw.deviceId : null, reason });
      return { status: 'refused', reason };
    }
    const event = parsed.data;
    const device = this.deps.directory.device(event.deviceId);
    if (!device) {
      this.deps.bus.emit('device.rejected', { deviceId: event.deviceId, reason: 'unknown device' });
      return { status: 'refused', reason: `unknown device "${event.deviceId}"` };
    }
    if (event.kind === 'heartbeat') return { status: 'duplicate' };
    const { deviceId, idempotencyKey, tsDevice, kind, ...details } = event;
    const payload = JSON.stringify(details);
    const id = timeOrderedId();
    const tsReceived = receivedAt.toISOString();
    const actor = event.kind === 'badge' ? this.deps.directory.actorForCredential(event.credential) : undefined;
    try {
      const outcome = await this.deps.writer.submit({
        idempotencyKey,
        // A badge means a person waiting at a door, desk or bin: their decision goes ahead of the
        // queue, but never ahead of earlier reads of the same place (write-queue.ts).
        urgent: kind === 'badge',
        lane: device.place ?? deviceId,
        run: async (ctx) => {
          // Fields in canonical (key) order, so the leaf is written without a sorted copy (leaf.ts).
          const read = {} as AppendInput;
          if (actor) read.actor = actor;
          read.device = deviceId;
          read.evidence = [id];
          // Commits to the raw read without putting badge numbers or scanned text into the leaf.
          read.evidence_sha256 = hash('sha256', payload);
          read.kind = kind;
          if (device.place) read.location = device.place;
          if (tsDevice) read.ts_device = tsDevice;
          read.type = 'device.read';
          const leaf = await ctx.append(read);
          ctx.insertLater('device_events', {
            id,
            idempotency_key: idempotencyKey,
            device_id: deviceId,
            kind,
            payload,
            ts_device: tsDevice ?? null,
            ts_received: tsReceived,
            log_index: leaf.index,
          });
          if (event.kind === 'door' || event.kind === 'lock') {
            // What the cabinets page shows as the door's and lock's last report (migration 0008).
            ctx.upsertLater('device_last_states', LAST_STATE_KEYS, { device_id: deviceId, kind, state: event.state, ts_received: tsReceived, log_index: leaf.index });
          }
          const after = this.deps.correlator ? await this.deps.correlator.correlate(ctx, event, id, actor) : null;
          return { logIndex: leaf.index, after };
        },
      });
      if (outcome.duplicate) return { status: 'duplicate' };
      if (outcome.value.after) this.afterCommit(outcome.value.after);
      return { status: 'stored', logIndex: outcome.value.logIndex };
    } catch (err) {
      if (!(err instanceof WriterHaltedError)) this.log.error({ err: String(err), deviceId }, 'device read not stored');
      return { status: 'refused', reason: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Commands, answers and alerts leave only now that the facts behind them are durable. */
  private afterCommit(after: AfterCommit): void {
    this.deps.correlator?.committed(after);
    for (const command of after.commands) this.deps.bus.emit('device.command', command);
    for (const answer of after.answers) this.deps.bus.emit('station.answer', answer);
    for (const alert of after.alerts) this.deps.bus.emit('alert.raised', alert);
    for (const available of after.available ?? []) this.deps.bus.emit('record.available', available);
  }
}
