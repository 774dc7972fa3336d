import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../server/shared/logger';
import type { MqttLink, MqttLinkOpener, MqttMessageHandler, MqttPublishOptions } from './mqtt-link';

/** The client id prefix per use: what an external broker's log and ACL show for each connection. */
const CLIENT_ID_PREFIX: Record<Parameters<MqttLinkOpener>[0], string> = {
  reads: 'safekeep-server',
  commands: 'safekeep-commands',
};

/**
 * Links over MQTT.js to a broker at `url` (MQTT_URL, or the embedded broker reached over TCP by
 * tools in another process). The URL carries the server account's login.
 */
export function mqttClientLinks(url: string, logger: Logger): MqttLinkOpener {
  return (use) => openClientLink({ url, clientId: `${CLIENT_ID_PREFIX[use]}-${randomBytes(4).toString('hex')}`, logger });
}

export async function openClientLink(options: { url: string; clientId: string; logger: Logger }): Promise<MqttLink> {
  const client = await mqtt.connectAsync(options.url, {
    clientId: options.clientId,
    // Clean session: a broker must never hold an unlock, or a read, for a server that went away.
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
  return new ClientLink(client, options.logger.child({ component: 'mqtt' }));
}

class ClientLink implements MqttLink {
  private filters: readonly string[] = [];
  private handler: MqttMessageHandler | null = null;

  constructor(
    private readonly client: MqttClient,
    private readonly log: Logger,
  ) {
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload) => this.handler?.(topic, payload));
    // Subscriptions are renewed on every reconnect, so a broker restart loses no device.
    client.on('connect', () => {
      if (this.filters.length > 0) this.renew().catch((err: Error) => this.log.warn({ err: err.message }, 'mqtt resubscribe failed'));
    });
  }

  async subscribe(filters: readonly string[], onMessage: MqttMessageHandler): Promise<void> {
    if (this.handler) throw new Error('this MQTT link already has a subscriber');
    this.handler = onMessage;
    this.filters = [...filters];
    if (this.filters.length > 0) await this.renew();
  }

  async publish(topic: string, payload: string | Buffer, options: MqttPublishOptions): Promise<void> {
    await this.client.publishAsync(topic, payload, options);
  }

  connected(): boolean {
    return this.client.connected;
  }

  async close(): Promise<void> {
    this.handler = null;
    await this.client.endAsync();
  }

  private async renew(): Promise<void> {
    await this.client.subscribeAsync([...this.filters], { qos: 1 });
  }
}
