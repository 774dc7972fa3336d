import type { OfficeConfig } from '../server/config/office-schema';
import type { EventBus } from '../server/ingest/event-bus';
import type { Clock } from '../server/shared/clock';
import type { Logger } from '../server/shared/logger';
import { DeviceRegistry, type DeviceStatus } from './registry/device-registry';
import type { RegistryPolicy } from './registry/registry-rules';
import type { HidLoader } from './transports/hid-api';
import type { HidLinkStatus } from './transports/hid-link';
import { HidTransport, type HidTransportOptions } from './transports/hid-transport';
import type { MqttLinkOpener } from './transports/mqtt-link';
import { MqttTransport } from './transports/mqtt-transport';
import type { SerialLinkStatus } from './transports/serial-link';
import type { SerialBinding } from './transports/serial-source';
import { SerialTransport, type SerialTransportOptions } from './transports/serial-transport';

export interface DeviceLayerOptions {
  bus: EventBus;
  office: OfficeConfig;
  /** The broker connection (mqtt-link.ts); absent: no MQTT devices are served. */
  mqtt?: MqttLinkOpener;
  logger: Logger;
  clock: Clock;
  serialBinding?: SerialBinding;
  serialTiming?: SerialTransportOptions['timing'];
  hidLoader?: HidLoader;
  hidTiming?: HidTransportOptions['timing'];
  /** Debounce, flood and silence rules; per device overrides by id. */
  policy?: Partial<RegistryPolicy>;
  perDevicePolicy?: Readonly<Record<string, Partial<RegistryPolicy>>>;
}

export interface DeviceLayerStatus {
  serial: SerialLinkStatus[];
  hid: HidLinkStatus[];
  hidDisabled: string | null;
  devices: DeviceStatus[];
}

/**
 * Everything between hardware and the bus: transports that only translate device traffic into
 * normalized events, and the registry every event passes through on its way to the bus (debounce,
 * state collapse, availability, flood control). Nothing here knows about custody.
 */
export class DeviceLayer {
  private mqtt: MqttTransport | null = null;
  private serial: SerialTransport | null = null;
  private hid: HidTransport | null = null;
  private registry: DeviceRegistry | null = null;

  constructor(private readonly deps: DeviceLayerOptions) {}

  async start(): Promise<void> {
    const { bus, office, mqtt, logger, clock } = this.deps;
    const registry = new DeviceRegistry({
      bus,
      clock,
      logger,
      ...(this.deps.policy ? { policy: this.deps.policy } : {}),
      ...(this.deps.perDevicePolicy ? { perDevice: this.deps.perDevicePolicy } : {}),
    });
    this.registry = registry;
    registry.start();
    try {
      this.serial = new SerialTransport({
        devices: office.devices,
        sink: registry,
        clock,
        logger,
        ...(this.deps.serialBinding ? { binding: this.deps.serialBinding } : {}),
        ...(this.deps.serialTiming ? { timing: this.deps.serialTiming } : {}),
      });
      this.serial.start();
      this.hid = new HidTransport({
        devices: office.devices,
        sink: registry,
        clock,
        logger,
        ...(this.deps.hidLoader ? { load: this.deps.hidLoader } : {}),
        ...(this.deps.hidTiming ? { timing: this.deps.hidTiming } : {}),
      });
      await this.hid.start();
      if (mqtt) {
        this.mqtt = new MqttTransport({ openLink: mqtt, bus, sink: registry, devices: office.devices, timeZone: office.office.timezone, logger, clock });
        await this.mqtt.start();
      }
    } catch (err) {
      // The caller only stops what started: undo the half-started layer here.
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.mqtt?.stop();
    this.mqtt = null;
    this.hid?.stop();
    this.hid = null;
    await this.serial?.stop();
    this.serial = null;
    this.registry?.stop();
    this.registry = null;
  }

  brokerConnected(): boolean {
    return this.mqtt?.connected() ?? false;
  }

  status(): DeviceLayerStatus {
    const registry = this.registry;
    return {
      serial: this.serial?.status() ?? [],
      hid: this.hid?.status() ?? [],
      hidDisabled: this.hid?.disabled() ?? null,
      devices: registry ? this.deps.office.devices.map((d) => registry.status(d.id)) : [],
    };
  }
}
