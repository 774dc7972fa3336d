import { createHash } from 'node:crypto';
import type { Device as DeviceConfig } from '../../server/config/office-schema';
import type { DeviceEvent } from '../../server/ingest/device-event';
import type { EventBus, IngestOutcome } from '../../server/ingest/event-bus';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import type { DecodedRead } from '../decoders/types';
import type { DeviceSink } from '../registry/device-sink';
import { codecFor, type FirmwareCodec, type MqttBinding } from './firmware-codecs';
import { BurstLogger } from './burst-logger';
import type { MqttLink, MqttLinkOpener } from './mqtt-link';

/** One controller board: devices that share a firmware, a base topic and (esp-rfid) a door. */
interface BoardGroup {
  codec: FirmwareCodec;
  binding: MqttBinding;
  devices: DeviceConfig[];
  /** The devices a read of each kind goes to, worked out on the first such read. */
  targets: Map<DecodedRead['kind'], DeviceConfig[]>;
}

const ROLES_FOR_KIND: Record<DecodedRead['kind'], readonly string[] | 'all'> = {
  badge: ['badge_reader', 'combo'],
  barcode: ['barcode_scanner', 'combo'],
  door: ['door_sensor', 'lid', 'combo'],
  lock: ['lock', 'combo'],
  availability: 'all',
  heartbeat: 'all',
};

/** Reads without a device-provided sequence are deduplicated within this window (QoS 1 redelivery). */
const REDELIVERY_WINDOW_MS = 2000;

/**
 * Subscribes to every configured MQTT device, decodes firmware payloads into normalized events
 * and routes each read to the device of the right role on that board. Devices on Safekeep's own
 * firmware get an acknowledgement only after the read is committed. The broker connection is
 * injected (mqtt-link.ts): the same code serves the embedded broker and an external one.
 */
export class MqttTransport {
  private link: MqttLink | null = null;
  private readonly groups: BoardGroup[];
  private readonly byPrefix: Map<string, BoardGroup[]>;
  private readonly log: Logger;
  private readonly problems: BurstLogger;
  private readonly sink: DeviceSink;
  /** Reads stored this turn of the event loop, by board, acknowledged together at the next. */
  private pendingAcks = new Map<BoardGroup, string[]>();

  constructor(
    private readonly deps: {
      openLink: MqttLinkOpener;
      bus: EventBus;
      devices: readonly DeviceConfig[];
      timeZone?: string;
      logger: Logger;
      clock: Clock;
      /** Where decoded events go: the device registry; straight onto the bus when absent. */
      sink?: DeviceSink;
    },
  ) {
    this.log = deps.logger.child({ component: 'mqtt' });
    this.sink = deps.sink ?? {
      read: (message) => deps.bus.emit('device.event', message),
      rejected: (deviceId, reason) => deps.bus.emit('device.rejected', { deviceId, reason }),
    };
    this.problems = new BurstLogger(this.log, deps.clock);
    this.groups = groupByBoard(deps.devices, deps.timeZone);
    this.byPrefix = indexByTopicPrefix(this.groups);
  }

  async start(): Promise<void> {
    const link = await this.deps.openLink('reads');
    this.link = link;
    const filters = [...new Set(this.groups.flatMap((g) => g.codec.subscriptions(g.binding)))];
    try {
      if (filters.length > 0) await link.subscribe(filters, (topic, payload) => this.onMessage(topic, payload));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.sendAcks();
    const link = this.link;
    this.link = null;
    await link?.close();
  }

  connected(): boolean {
    return this.link?.connected() ?? false;
  }

  /** Boards whose subscriptions could cover this topic: every leading run of its levels is a key. */
  private candidates(topic: string): BoardGroup[] {
    const found: BoardGroup[] = [];
    let end = topic.indexOf('/');
    for (;;) {
      const prefix = end === -1 ? topic : topic.slice(0, end);
      for (const group of this.byPrefix.get(prefix) ?? []) if (!found.includes(group)) found.push(group);
      if (end === -1) return found;
      end = topic.indexOf('/', end + 1);
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    const receivedAt = this.deps.clock.now();
    for (const group of this.candidates(topic)) {
      if (!group.codec.matches(group.binding, topic)) continue;
      const result = group.codec.decode(topic, payload, group.binding);
      if (!result.ok) {
        this.problems.report(`${group.binding.topic}:${result.error.code}`, { topic, code: result.error.code }, result.error.message);
        this.sink.rejected(group.devices[0]?.id ?? null, result.error.message);
        continue;
      }
      for (const read of result.reads) this.route(group, read, topic, payload, receivedAt);
    }
  }

  private route(group: BoardGroup, read: DecodedRead, topic: string, payload: Buffer, receivedAt: Date): void {
    const targets = targetsFor(group, read.kind);
    if (targets.length === 0) {
      this.problems.report(`${group.binding.topic}:no-device`, { topic, kind: read.kind }, 'read of a kind no configured device on this board has');
      return;
    }
    const { dedupeHint } = read;
    for (const device of targets) {
      const idempotencyKey = dedupeHint
        ? `${device.id}:${dedupeHint}`
        : `${device.id}:${digest(topic, payload)}:${Math.floor(receivedAt.getTime() / REDELIVERY_WINDOW_MS)}`;
      const event = toDeviceEvent(read, device.id, idempotencyKey);
      const settle =
        dedupeHint && group.codec.acknowledge
          ? (outcome: IngestOutcome) => this.acknowledge(group, dedupeHint, outcome)
          : undefined;
      this.sink.read({ event, receivedAt, ...(settle ? { settle } : {}) });
    }
  }

  /**
   * Only a stored (or already stored) read is acknowledged; anything else is resent by the device.
   * A commit settles its reads in one run of promise callbacks, so holding acks until that run
   * is over sends a board one message per commit instead of one per read: under a flood about a
   * quarter of the broker's and the boards' work per read. process.nextTick, called from a
   * promise callback, runs just after the run, not a turn later: setImmediate held every ack
   * behind the next turn's ingress, and boards that wait for acks then wait longer.
   */
  private acknowledge(group: BoardGroup, dedupeHint: string, outcome: IngestOutcome): void {
    if (outcome.status === 'refused' || !this.link || !group.codec.acknowledge) return;
    if (this.pendingAcks.size === 0) process.nextTick(() => this.sendAcks());
    const hints = this.pendingAcks.get(group);
    if (hints) hints.push(dedupeHint);
    else this.pendingAcks.set(group, [dedupeHint]);
  }

  private sendAcks(): void {
    const pending = this.pendingAcks;
    this.pendingAcks = new Map();
    const link = this.link;
    if (!link) return;
    for (const [group, hints] of pending) {
      for (const ack of group.codec.acknowledge?.(group.binding, hints) ?? []) {
        // QoS 0: a lost ack costs a resend by the board, which the idempotency key absorbs, so the
        // broker's QoS 1 bookkeeping and the board's PUBACK would buy nothing but work per read.
        link.publish(ack.topic, ack.payload, { qos: 0, retain: false }).catch((err: Error) => this.problems.report('ack-failed', { topic: ack.topic }, `mqtt ack not sent: ${err.message}`));
      }
    }
  }
}

/**
 * Boards by the fixed part of each topic filter they subscribe to, so a message finds its board in
 * a few map lookups, not by asking every board of the office.
 */
function indexByTopicPrefix(groups: readonly BoardGroup[]): Map<string, BoardGroup[]> {
  const index = new Map<string, BoardGroup[]>();
  for (const group of groups) {
    for (const filter of group.codec.subscriptions(group.binding)) {
      const prefix = filter.replace(/\/#$/, '');
      const list = index.get(prefix) ?? [];
      if (!list.includes(group)) list.push(group);
      index.set(prefix, list);
    }
  }
  return index;
}

function groupByBoard(devices: readonly DeviceConfig[], timeZone: string | undefined): BoardGroup[] {
  const groups = new Map<string, BoardGroup>();
  for (const device of devices) {
    const t = device.transport;
    if (t.type !== 'mqtt') continue;
    const key = `${t.firmware}|${t.topic}|${t.door ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      const binding: MqttBinding = { topic: t.topic, ...(t.door ? { door: t.door } : {}), ...(timeZone ? { timeZone } : {}) };
      group = { codec: codecFor(t.firmware), binding, devices: [], targets: new Map() };
      groups.set(key, group);
    }
    group.devices.push(device);
    if (device.credential_format) group.binding.credentialFormat = device.credential_format as MqttBinding['credentialFormat'];
  }
  return [...groups.values()];
}

function targetsFor(group: BoardGroup, kind: DecodedRead['kind']): DeviceConfig[] {
  let targets = group.targets.get(kind);
  if (!targets) {
    const roles = ROLES_FOR_KIND[kind];
    targets = roles === 'all' ? group.devices : group.devices.filter((d) => roles.includes(d.role)).slice(0, 1);
    group.targets.set(kind, targets);
  }
  return targets;
}

/** The read's fields but the dedupe hint, then the device and key: one object per read, not two. */
function toDeviceEvent(read: DecodedRead, deviceId: string, idempotencyKey: string): DeviceEvent {
  const event: Record<string, unknown> = {};
  for (const field in read) if (field !== 'dedupeHint' && Object.hasOwn(read, field)) event[field] = read[field as keyof DecodedRead];
  event.deviceId = deviceId;
  event.idempotencyKey = idempotencyKey;
  return event as DeviceEvent;
}

function digest(topic: string, payload: Buffer): string {
  return createHash('sha256').update(topic).update('\0').update(payload).digest('hex').slice(0, 24);
}
