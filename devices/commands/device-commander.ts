import type { Device } from '../../server/config/office-schema';
import type { MqttLink } from '../transports/mqtt-link';
import { lockMessages, type LockTarget } from './firmware-commands';
import { CommandError, type CommandMessage, type LockCommand } from './lock-command';

/** The part of an MQTT link the commander uses; tests pass a recording fake. */
export type CommandPublisher = Pick<MqttLink, 'connected' | 'publish'>;

export interface SentCommand {
  deviceId: string;
  command: LockCommand;
  messages: CommandMessage[];
}

/**
 * Sends lock and unlock commands to the boards in the office file; the correlation engine calls
 * `send`. Constructing it opens nothing: `start` hands it the server's MQTT link.
 *
 * A command is refused, not queued, while the link is disconnected: MQTT.js would otherwise
 * hold the publish and deliver it on reconnect, and an unlock that arrives minutes after the
 * person walked away opens a cabinet nobody is standing at.
 */
export class DeviceCommander {
  private link: CommandPublisher | null = null;
  private readonly devices: ReadonlyMap<string, Device>;

  constructor(
    private readonly deps: {
      devices: readonly Device[];
      /**
       * esp-rfid's IP address for a device. Defaults to the transport's `ip` field, which the
       * office schema is to gain (see firmware-config/README.md); injectable until it has.
       */
      espRfidIp?: (device: Device) => string | undefined;
    },
  ) {
    this.devices = new Map(deps.devices.map((d) => [d.id, d]));
  }

  start(link: CommandPublisher): void {
    this.link = link;
  }

  stop(): void {
    this.link = null;
  }

  /** Throws CommandError for anything that cannot be sent; resolves once the broker has it (PUBACK). */
  async send(deviceId: string, command: LockCommand): Promise<SentCommand> {
    const messages = lockMessages(this.target(deviceId), command);
    const link = this.link;
    if (!link || !link.connected()) throw new CommandError('not-connected', `not connected to the MQTT broker; ${command.action} for ${deviceId} was not sent`);
    for (const m of messages) await link.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain });
    return { deviceId, command, messages };
  }

  /** The messages `send` would publish, without publishing: for dry runs and the dashboard. */
  preview(deviceId: string, command: LockCommand): CommandMessage[] {
    return lockMessages(this.target(deviceId), command);
  }

  private target(deviceId: string): LockTarget {
    const device = this.devices.get(deviceId);
    if (!device) throw new CommandError('unknown-device', `no device "${deviceId}" in the office file`);
    if (device.role !== 'lock') throw new CommandError('not-a-lock', `device "${deviceId}" is a ${device.role}, not a lock`);
    const t = device.transport;
    if (t.type !== 'mqtt') throw new CommandError('unsupported', `lock "${deviceId}" is on a ${t.type} transport; only MQTT locks can be commanded`);
    const ip = (this.deps.espRfidIp ?? transportIp)(device);
    return { deviceId, firmware: t.firmware, topic: t.topic, ...(ip ? { ip } : {}), ...(t.door ? { door: t.door } : {}) };
  }
}

/** Reads `transport.ip` whether or not the office schema declares it yet. */
export function transportIp(device: Device): string | undefined {
  const ip = (device.transport as { ip?: unknown }).ip;
  return typeof ip === 'string' && ip.length > 0 ? ip : undefined;
}
