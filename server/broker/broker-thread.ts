import { Worker } from 'node:worker_threads';
import type { MqttLink, MqttMessageHandler, MqttPublishOptions } from '../../devices/transports/mqtt-link';
import type { Logger } from '../shared/logger';
import { packPayloads, unpackPayloads, type BrokerThreadConfig, type FromBroker, type ToBroker } from './thread-protocol';

/** What the office server needs of its embedded broker, wherever it runs. */
export interface BrokerHandle {
  /** Where clients connect; never carries credentials. */
  url: string;
  port: number;
  clients(): number;
  /** A link for the server's own reads and commands, under the server account's ACL. */
  localLink(): MqttLink;
  close(): Promise<void>;
}

/** How long a stopping broker thread gets to close its clients before it is terminated. */
const STOP_GRACE_MS = 5000;

/**
 * The embedded broker in a thread of its own (broker-worker-main.ts). Its work (logins, TCP,
 * MQTT parsing, routing, the ACL of every delivery, writing to boards) was about a third of the
 * server thread under load, and a 2-core office machine had a core to spare for it.
 *
 * The server's links behave as the in-process link does: the broker reads a board's next packets
 * only once this thread has handled the ones before, so a busy server still pushes back on the
 * boards; messages arrive in the order the broker routed them; publishes resolve once the broker
 * has them.
 */
export async function startBrokerThread(config: BrokerThreadConfig & { logger: Logger }): Promise<BrokerHandle> {
  const { logger, ...workerConfig } = config;
  const log = logger.child({ component: 'broker-thread' });
  const worker = new Worker(new URL('./broker-worker.js', import.meta.url), { workerData: workerConfig });
  const requests = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const handlers = new Map<number, MqttMessageHandler>();
  let nextRequest = 1;
  let nextLink = 1;
  let alive = true;
  let clients = 0;
  let outgoing: { item: { id: number; link: number; topic: string; qos: 0 | 1 }; payload: Buffer }[] = [];

  const send = (message: ToBroker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  const request = (make: (id: number) => ToBroker): Promise<void> => {
    if (!alive) return Promise.reject(new Error('the MQTT broker thread has stopped'));
    const id = nextRequest++;
    return new Promise<void>((resolve, reject) => {
      requests.set(id, { resolve, reject });
      send(make(id));
    });
  };
  const flushPublishes = () => {
    const batch = outgoing;
    outgoing = [];
    if (batch.length === 0 || !alive) return;
    const payloads = packPayloads(batch.map((p) => p.payload));
    send({ t: 'publish', items: batch.map((p) => p.item), payloads }, [payloads.bytes]);
  };
  const gone = (why: string) => {
    if (!alive) return;
    alive = false;
    for (const { reject } of requests.values()) reject(new Error(`the MQTT broker thread has stopped: ${why}`));
    requests.clear();
  };

  let started: { resolve: (v: { url: string; port: number }) => void; reject: (err: Error) => void } | null = null;
  const ready = new Promise<{ url: string; port: number }>((resolve, reject) => (started = { resolve, reject }));

  worker.on('message', (message: FromBroker) => {
    switch (message.t) {
      case 'ready':
        started?.resolve({ url: message.url, port: message.port });
        break;
      case 'failed':
        started?.reject(Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
        break;
      case 'messages': {
        const payloads = unpackPayloads(message.payloads);
        message.items.forEach(({ link, topic }, i) => {
          try {
            handlers.get(link)?.(topic, payloads[i]!);
          } catch (err) {
            log.error({ err: (err as Error).message, topic }, 'mqtt message handler failed');
          }
        });
        send({ t: 'settled', through: message.first + message.items.length - 1 });
        break;
      }
      case 'done':
        for (const { id, error } of message.results) {
          const pending = requests.get(id);
          requests.delete(id);
          if (error === undefined) pending?.resolve();
          else pending?.reject(new Error(error));
        }
        break;
      case 'clients':
        clients = message.count;
        break;
      case 'log':
        logger.child(message.bindings)[message.level](message.obj, message.msg);
        break;
    }
  });
  worker.on('error', (err) => {
    log.error({ err: err.message }, 'the MQTT broker thread failed');
    started?.reject(err);
    gone(err.message);
  });
  worker.on('exit', (code) => {
    started?.reject(new Error(`the MQTT broker thread exited (code ${code}) before it was ready`));
    gone(`exited with code ${code}`);
  });

  let address: { url: string; port: number };
  try {
    address = await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  started = null;

  class ThreadLink implements MqttLink {
    private readonly id = nextLink++;
    private subscribed = false;
    private closed = false;

    async subscribe(filters: readonly string[], onMessage: MqttMessageHandler): Promise<void> {
      if (this.subscribed) throw new Error('this MQTT link already has a subscriber');
      if (this.closed) throw new Error('the MQTT link is closed');
      this.subscribed = true;
      // Set first: retained messages are replayed before the subscription is confirmed.
      handlers.set(this.id, onMessage);
      try {
        await request((id) => ({ t: 'subscribe', id, link: this.id, filters: [...filters] }));
      } catch (err) {
        handlers.delete(this.id);
        this.subscribed = false;
        throw err;
      }
    }

    publish(topic: string, payload: string | Buffer, options: MqttPublishOptions): Promise<void> {
      if (this.closed) return Promise.reject(new Error('the MQTT link is closed'));
      if (!alive) return Promise.reject(new Error('the MQTT broker thread has stopped'));
      const id = nextRequest++;
      if (outgoing.length === 0) queueMicrotask(flushPublishes);
      outgoing.push({ item: { id, link: this.id, topic, qos: options.qos }, payload: typeof payload === 'string' ? Buffer.from(payload) : payload });
      return new Promise<void>((resolve, reject) => requests.set(id, { resolve, reject }));
    }

    connected(): boolean {
      return !this.closed && alive;
    }

    async close(): Promise<void> {
      if (this.closed) return;
      this.closed = true;
      handlers.delete(this.id);
      if (alive) await request((id) => ({ t: 'close-link', id, link: this.id })).catch(() => undefined);
    }
  }

  return {
    url: address.url,
    port: address.port,
    clients: () => (alive ? clients : 0),
    localLink: () => new ThreadLink(),
    close: async () => {
      if (alive) {
        const stopped = request((id) => ({ t: 'stop', id })).catch(() => undefined);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
        clearTimeout(timer);
      }
      alive = false;
      await worker.terminate();
    },
  };
}
