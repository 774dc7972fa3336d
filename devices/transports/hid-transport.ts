import type { Device as DeviceConfig, HidTransport as HidConfig } from '../../server/config/office-schema';
import type { Clock } from '../../server/shared/clock';
import type { Logger } from '../../server/shared/logger';
import type { DeviceSink } from '../registry/device-sink';
import { BurstLogger } from './burst-logger';
import { loadNodeHid, type HidLoader } from './hid-api';
import { HidLink, type HidLinkOptions, type HidLinkStatus } from './hid-link';

export interface HidTransportOptions {
  devices: readonly DeviceConfig[];
  sink: DeviceSink;
  clock: Clock;
  logger: Logger;
  /** node-hid by default; tests pass an API whose devices are recorded report sequences. */
  load?: HidLoader;
  timing?: Pick<HidLinkOptions, 'backoffInitialMs' | 'backoffMaxMs'>;
}

/**
 * Every USB HID device in the office file. HID support is optional: when node-hid or libusb cannot
 * be loaded, one message says so and the server runs without HID readers, never failing to start.
 */
export class HidTransport {
  private links: HidLink[] = [];
  private disabledReason: string | null = null;

  constructor(private readonly options: HidTransportOptions) {}

  async start(): Promise<void> {
    const devices = this.options.devices.filter((d): d is DeviceConfig & { transport: HidConfig } => d.transport.type === 'hid');
    // An office without HID devices never loads the native module, and never hears about it.
    if (devices.length === 0) return;
    const logger = this.options.logger.child({ component: 'hid' });
    const loaded = await (this.options.load ?? loadNodeHid)();
    if (!loaded.ok) {
      this.disabledReason = loaded.reason;
      logger.warn({ devices: devices.map((d) => d.id) }, `HID readers disabled: ${loaded.reason}`);
      return;
    }
    const { sink, clock, timing } = this.options;
    const problems = new BurstLogger(logger, clock);
    this.links = devices.map((device) => new HidLink({ device, api: loaded.api, sink, clock, logger, problems, ...timing }));
    for (const link of this.links) link.start();
  }

  stop(): void {
    for (const link of this.links.splice(0)) link.stop();
  }

  /** Why HID is off, or null when it is on (or not needed). */
  disabled(): string | null {
    return this.disabledReason;
  }

  status(): HidLinkStatus[] {
    return this.links.map((link) => link.status());
  }
}
