import { parentPort, workerData } from 'node:worker_threads';
import type { LocalMqttLink } from '../../devices/transports/mqtt-link-local';
import type { Logger } from '../shared/logger';
import { osThreadId } from '../shared/os-thread';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';
import { openBrokerAccess } from './office-accounts';
import { packPayloads, packTopics, unpackPayloads, unpackTopics, type BrokerThreadConfig, type FromBroker, type LogLevel, type ToBroker } from './thread-protocol';

/**
 * The broker thread: the embedded broker (embedded-broker.ts, unchanged: logins, ACLs, sockets,
 * MQTT parsing and writing) runs here, so that all of that work sits beside the server thread
 * instead of on it. The server's links reach it through broker-thread.ts.
 */

const channel = parentPort!;
const config = workerData as BrokerThreadConfig;
const post = (message: FromBroker, transfer: ArrayBuffer[] = []) => channel.postMessage(message, transfer);

/** Log records go to the server thread's logger, so there is one log and one configuration. */
class ForwardingLogger implements Logger {
  constructor(private readonly bindings: Record<string, unknown>) {}
  debug(obj: object | string, msg?: string): void {
    this.send('debug', obj, msg);
  }
  info(obj: object | string, msg?: string): void {
    this.send('info', obj, msg);
  }
  warn(obj: object | string, msg?: string): void {
    this.send('warn', obj, msg);
  }
  error(obj: object | string, msg?: string): void {
    this.send('error', obj, msg);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new ForwardingLogger({ ...this.bindings, ...bindings });
  }
  private send(level: LogLevel, obj: object | string, msg?: string): void {
    try {
      post({ t: 'log', level, bindings: this.bindings, obj, ...(msg === undefined ? {} : { msg }) });
    } catch {
      post({ t: 'log', level, bindings: this.bindings, obj: String(obj), ...(msg === undefined ? {} : { msg }) });
    }
  }
}

/**
 * Deliveries to the server thread, numbered. The broker completes a board's publish, and reads
 * that board's next packets, only once the server thread has handled the delivery.
 */
class Deliveries {
  private next = 0;
  private settledUpTo = 0;
  private readonly waiting: ((() => void) | undefined)[] = [];
  private head = 0;
  private batch: { link: number; topic: string; payload: Uint8Array }[] = [];
  private batchFirst = 0;
  private scheduled = false;

  add(link: number, topic: string, payload: Uint8Array, settled: () => void): void {
    if (this.batch.length === 0) this.batchFirst = this.next;
    this.batch.push({ link, topic, payload });
    this.waiting.push(settled);
    this.next++;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  settle(through: number): void {
    while (this.settledUpTo <= through && this.head < this.waiting.length) {
      const settled = this.waiting[this.head];
      this.waiting[this.head++] = undefined;
      this.settledUpTo++;
      settled?.();
    }
    if (this.head > 4096 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }

  settleAll(): void {
    this.settle(this.next - 1);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const payloads = packPayloads(batch.map((d) => d.payload));
    const links = Int32Array.from(batch, (d) => d.link);
    const topics = packTopics(batch.map((d) => d.topic));
    post({ t: 'messages', first: this.batchFirst, links, topics, payloads }, [payloads.bytes, links.buffer, topics.ends.buffer]);
  }
}

class Results {
  private ids: number[] = [];
  private failed: { id: number; error: string }[] = [];
  add(id: number, error?: string): void {
    if (this.ids.length === 0 && this.failed.length === 0) setImmediate(() => this.flush());
    if (error === undefined) this.ids.push(id);
    else this.failed.push({ id, error });
  }
  private flush(): void {
    const ids = Float64Array.from(this.ids);
    const failed = this.failed;
    this.ids = [];
    this.failed = [];
    post({ t: 'done', ids, failed }, [ids.buffer]);
  }
}

async function main(): Promise<void> {
  const logger = new ForwardingLogger({});
  let broker: EmbeddedBroker;
  try {
    const { access } = openBrokerAccess({ dataDir: config.dataDir, office: config.office });
    broker = await startEmbeddedBroker({ port: config.port, ...(config.host ? { host: config.host } : {}), logger, access });
  } catch (err) {
    post({ t: 'failed', message: err instanceof Error ? err.message : String(err), ...((err as { code?: string }).code ? { code: (err as { code: string }).code } : {}) });
    return;
  }
  const links = new Map<number, LocalMqttLink>();
  const linkOf = (id: number) => {
    let link = links.get(id);
    if (!link) links.set(id, (link = broker.localLink()));
    return link;
  };
  const deliveries = new Deliveries();
  const results = new Results();
  const answer = (id: number, work: Promise<void>) =>
    work.then(
      () => results.add(id),
      (err: unknown) => results.add(id, err instanceof Error ? err.message : String(err)),
    );

  let clients = -1;
  const counter = setInterval(() => {
    if (broker.clients() !== clients) post({ t: 'clients', count: (clients = broker.clients()) });
  }, 250);

  channel.on('message', (message: ToBroker) => {
    switch (message.t) {
      case 'subscribe':
        answer(message.id, linkOf(message.link).subscribeSettled(message.filters, (topic, payload, settled) => deliveries.add(message.link, topic, payload, settled)));
        break;
      case 'publish': {
        const payloads = unpackPayloads(message.payloads);
        const topics = unpackTopics(message.topics);
        message.ids.forEach((id, i) => answer(id, linkOf(message.links[i]!).publish(topics[i]!, payloads[i]!, { qos: message.qos[i] === 1 ? 1 : 0, retain: false })));
        break;
      }
      case 'settled':
        deliveries.settle(message.through);
        break;
      case 'close-link': {
        const link = links.get(message.link);
        links.delete(message.link);
        answer(message.id, link ? link.close() : Promise.resolve());
        break;
      }
      case 'stop':
        clearInterval(counter);
        // Nothing is left waiting on a server thread that is going away.
        deliveries.settleAll();
        answer(message.id, Promise.all([...links.values()].map((l) => l.close())).then(() => broker.close()));
        break;
    }
  });
  post({ t: 'ready', url: broker.url, port: broker.port, tid: osThreadId() });
}

await main();
