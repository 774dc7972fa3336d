import type { Aedes, AedesPublishPacket, PublishPacket } from 'aedes';
import type { Logger } from '../../server/shared/logger';
import type { MqttLink, MqttMessageHandler, MqttPublishOptions } from './mqtt-link';

/**
 * What the server's account may do, checked as the broker checks the same account over TCP, so
 * a topic missing from the ACL fails here exactly as it would on Mosquitto. Each check reports
 * its own denials.
 */
export interface LocalLinkPolicy {
  mayPublish(topic: string): boolean;
  maySubscribe(filter: string): boolean;
}

/** aedes keeps retained messages in its persistence, which its typings leave untyped. */
interface RetainedStore {
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<AedesPublishPacket>;
}

/**
 * A link on the aedes instance of this process: subscriptions are listeners on its message
 * emitter, publishes enter it as a client's would after their PUBACK. A board's publish reaches
 * these listeners only through `aedes.publish`, after the broker's authorizePublish, so a read
 * outside the board's topics never arrives here. Deliveries to boards still run aedes's own
 * per-client path (QoS, inflight, authorizeForward).
 */
export interface LocalMqttLink extends MqttLink {
  /**
   * As subscribe, but the broker completes each publish, and so reads the board's next packets,
   * only once `settled` is called: a handler in another thread pushes back on the boards as a
   * busy handler in this one does.
   */
  subscribeSettled(filters: readonly string[], onMessage: SettledMessageHandler): Promise<void>;
}

export type SettledMessageHandler = (topic: string, payload: Buffer, settled: () => void) => void;

export function openLocalLink(options: { broker: Aedes; policy: LocalLinkPolicy; logger: Logger }): LocalMqttLink {
  return new LocalLink(options.broker, options.policy, options.logger.child({ component: 'mqtt' }));
}

class LocalLink implements LocalMqttLink {
  private filters: readonly string[] = [];
  private handler: SettledMessageHandler | null = null;
  private closed = false;
  /**
   * Overlapping filters match one message more than once; a TCP client gets it once (aedes
   * dedupes per client), and so does this link. The emitter hands every listener the same object.
   */
  private readonly delivered = new WeakSet<object>();

  constructor(
    private readonly broker: Aedes,
    private readonly policy: LocalLinkPolicy,
    private readonly log: Logger,
  ) {}

  subscribe(filters: readonly string[], onMessage: MqttMessageHandler): Promise<void> {
    return this.subscribeSettled(filters, (topic, payload, settled) => {
      try {
        onMessage(topic, payload);
      } finally {
        settled();
      }
    });
  }

  async subscribeSettled(filters: readonly string[], onMessage: SettledMessageHandler): Promise<void> {
    if (this.handler) throw new Error('this MQTT link already has a subscriber');
    if (this.closed) throw new Error('the MQTT link is closed');
    // Refused as a SUBACK 0x80 refuses it: MQTT.js rejects the whole subscribe then, too.
    const refused = filters.filter((f) => !this.policy.maySubscribe(f));
    if (refused.length > 0) throw new Error(`subscription refused by the broker's ACL: ${refused.join(', ')}`);
    this.handler = onMessage;
    this.filters = [...new Set(filters)];
    await Promise.all(this.filters.map((f) => callback((done) => this.broker.subscribe(f, this.deliver, done as () => void))));
    await this.replayRetained();
  }

  async publish(topic: string, payload: string | Buffer, options: MqttPublishOptions): Promise<void> {
    if (this.closed) throw new Error('the MQTT link is closed');
    // Dropped without a word, as the broker drops a TCP client's publish outside its ACL.
    if (!this.policy.mayPublish(topic)) return;
    const packet: PublishPacket = { cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: options.qos, retain: options.retain, dup: false };
    await callback((done) => this.broker.publish(packet, done));
  }

  connected(): boolean {
    return !this.closed && !this.broker.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handler = null;
    const filters = this.filters;
    this.filters = [];
    await Promise.all(filters.map((f) => callback((done) => this.broker.unsubscribe(f, this.deliver, done as () => void))));
  }

  // The broker waits for every listener before it completes the publish.
  private readonly deliver = (packet: AedesPublishPacket, done: () => void): void => this.hand(packet, done);

  /** A subscriber over TCP gets the retained messages its filters match: so does this one. */
  private async replayRetained(): Promise<void> {
    const store = (this.broker as unknown as { persistence: RetainedStore }).persistence;
    for await (const packet of store.createRetainedStreamCombi([...this.filters])) this.hand(packet, () => undefined);
  }

  private hand(packet: AedesPublishPacket, done: () => void): void {
    const handler = this.handler;
    if (!handler || this.delivered.has(packet)) return done();
    if (this.filters.length > 1) this.delivered.add(packet);
    try {
      handler(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload), done);
    } catch (err) {
      // Thrown into the broker it would fail the board's publish; the reader is at fault, not the board.
      this.log.error({ err: (err as Error).message, topic: packet.topic }, 'mqtt message handler failed');
    }
  }
}

function callback(start: (done: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => start((err) => (err ? reject(err) : resolve())));
}
