/**
 * The server's connection to its MQTT broker, injected the way serial ports get a binding: the
 * transport and the command dispatcher decode, route, acknowledge and command above it, and do
 * not know whether the broker is a Mosquitto across the network (mqtt-link-client.ts) or the
 * aedes instance in this process (mqtt-link-local.ts), where a TCP hop to ourselves would cost a
 * parse and a re-serialization per message in each direction.
 */

export type MqttMessageHandler = (topic: string, payload: Buffer) => void;

export interface MqttPublishOptions {
  qos: 0 | 1;
  /** Nothing the server sends may outlive the moment: a retained unlock would open a cabinet later. */
  retain: false;
}

export interface MqttLink {
  /**
   * QoS 1 subscriptions that outlive reconnects, all delivered to one handler; resolves once the
   * broker has them. Once per link: the server's reads have one reader.
   */
  subscribe(filters: readonly string[], onMessage: MqttMessageHandler): Promise<void>;
  /** Resolves once the broker has the message (its PUBACK, for QoS 1). */
  publish(topic: string, payload: string | Buffer, options: MqttPublishOptions): Promise<void>;
  /** Whether a publish now would reach the broker: commands are refused, not queued, when not. */
  connected(): boolean;
  /** Unsubscribes and lets go of the broker. */
  close(): Promise<void>;
}

/**
 * Opens one link per use, so the reads and the commands keep separate sessions on an external
 * broker (distinct client ids, as the broker's logs show them).
 */
export type MqttLinkOpener = (use: 'reads' | 'commands') => Promise<MqttLink>;
