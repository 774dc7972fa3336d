import type { Device } from '../../server/config/office-schema';
import type { EventBus } from '../../server/ingest/event-bus';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import { BurstLogger } from '../transports/burst-logger';
import type { MqttLink, MqttLinkOpener } from '../transports/mqtt-link';
import { DeviceCommander } from './device-commander';

/**
 * Carries committed decisions to the locks: every `device.command` on the bus (emitted only after
 * the commit that decided it) is published to the device's firmware, never retained.
 */
export class CommandDispatcher {
  private link: MqttLink | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly commander: DeviceCommander;
  private readonly problems: BurstLogger;
  private readonly log: Logger;

  constructor(private readonly deps: { openLink: MqttLinkOpener; bus: EventBus; devices: readonly Device[]; logger: Logger; clock: Clock }) {
    this.commander = new DeviceCommander({ devices: deps.devices });
    this.log = deps.logger.child({ component: 'commands' });
    this.problems = new BurstLogger(this.log, deps.clock);
  }

  async start(): Promise<void> {
    this.link = await this.deps.openLink('commands');
    this.commander.start(this.link);
    this.unsubscribe = this.deps.bus.on('device.command', ({ deviceId, command }) => {
      this.commander.send(deviceId, { action: command }).catch((err: Error) => this.problems.report(`${deviceId}:${err.message}`, { deviceId, command }, `command not sent: ${err.message}`));
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.commander.stop();
    const link = this.link;
    this.link = null;
    await link?.close();
  }
}
