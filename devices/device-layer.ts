import type { OfficeConfig } from '../server/config/office-schema';
import type { EventBus } from '../server/ingest/event-bus';
import type { Clock } from '../server/shared/clock';
import type { Logger } from '../server/shared/logger';
import { MqttTransport } from './transports/mqtt-transport';

/**
 * Everything between hardware and the bus: transports that only translate device traffic into
 * normalized `device.event`s. Nothing here knows about custody.
 */
export class DeviceLayer {
  private mqtt: MqttTransport | null = null;

  constructor(
    private readonly deps: { bus: EventBus; office: OfficeConfig; mqttUrl: string; logger: Logger; clock: Clock },
  ) {}

  async start(): Promise<void> {
    const { bus, office, mqttUrl, logger, clock } = this.deps;
    if (mqttUrl) {
      this.mqtt = new MqttTransport({ url: mqttUrl, bus, devices: office.devices, timeZone: office.office.timezone, logger, clock });
      await this.mqtt.start();
    }
  }

  async stop(): Promise<void> {
    await this.mqtt?.stop();
    this.mqtt = null;
  }

  brokerConnected(): boolean {
    return this.mqtt?.connected() ?? false;
  }
}
