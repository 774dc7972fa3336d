import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Device } from '../../server/config/office-schema';
import type { EventBus } from '../../server/ingest/event-bus';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import { BurstLogger } from '../transports/burst-logger';
import { DeviceCommander } from './device-commander';

/**
 * Carries committed decisions to the locks: every `device.command` on the bus (emitted only after
 * the commit that decided it) is published to the device's firmware, never retained.
 */
export class CommandDispatcher {
  private client: MqttClient | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly commander: DeviceCommander;
  private readonly problems: BurstLogger;
  private readonly log: Logger;

  constructor(private readonly deps: { url: string; bus: EventBus; devices: readonly Device[]; logger: Logger; clock: Clock }) {
    this.commander = new DeviceCommander({ devices: deps.devices });
    this.log = deps.logger.child({ component: 'commands' });
    this.problems = new BurstLogger(this.log, deps.clock);
  }

  async start(): Promise<void> {
    // Clean session: a broker must never hold an unlock for later delivery.
    this.client = await mqtt.connectAsync(this.deps.url, { clientId: `safekeep-commands-${randomBytes(4).toString('hex')}`, clean: true, reconnectPeriod: 1000 });
    this.commander.start(this.client);
    this.unsubscribe = this.deps.bus.on('device.command', ({ deviceId, command }) => {
      this.commander.send(deviceId, { action: command }).catch((err: Error) => this.problems.report(`${deviceId}:${err.message}`, { deviceId, command }, `command not sent: ${err.message}`));
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.commander.stop();
    await this.client?.endAsync();
    this.client = null;
  }
}
