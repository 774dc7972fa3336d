import type { Device as DeviceConfig, SerialTransport as SerialConfig } from '../../server/config/office-schema';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import type { DeviceSink } from '../registry/device-sink';
import { BurstLogger } from './burst-logger';
import { SerialLink, type SerialLinkOptions, type SerialLinkStatus } from './serial-link';
import type { SerialBinding } from './serial-source';

export interface SerialTransportOptions {
  devices: readonly DeviceConfig[];
  sink: DeviceSink;
  clock: Clock;
  logger: Logger;
  /** serialport binding; @serialport/bindings-cpp (auto-detected) when absent. */
  binding?: SerialBinding;
  /** Reconnect tuning, for tests and unusual hardware. */
  timing?: Pick<SerialLinkOptions, 'presencePollMs' | 'backoffInitialMs' | 'backoffMaxMs'>;
}

/**
 * Every serial device in the office file, one independent link each (serial-link.ts). start()
 * returns at once: ports open in the background and keep retrying, so a reader that is not
 * plugged in never delays or stops the server.
 */
export class SerialTransport {
  private links: SerialLink[] = [];

  constructor(private readonly options: SerialTransportOptions) {}

  start(): void {
    const { sink, clock, binding, timing } = this.options;
    const logger = this.options.logger.child({ component: 'serial' });
    const problems = new BurstLogger(logger, clock);
    this.links = this.options.devices
      .filter((d): d is DeviceConfig & { transport: SerialConfig } => d.transport.type === 'serial')
      .map((device) => new SerialLink({ device, sink, clock, logger, problems, ...(binding ? { binding } : {}), ...timing }));
    for (const link of this.links) link.start();
  }

  async stop(): Promise<void> {
    const links = this.links.splice(0);
    await Promise.all(links.map((link) => link.stop()));
  }

  status(): SerialLinkStatus[] {
    return this.links.map((link) => link.status());
  }
}
