import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { MqttLink, MqttMessageHandler, MqttPublishOptions } from '../../devices/transports/mqtt-link';
import type { Logger } from '../shared/logger';
import { packPayloads, packTopics, unpackPayloads, unpackTopics, type BrokerThreadConfig, type FromBroker, type ToBroker } from './thread-protocol';

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

export interface BrokerThread extends BrokerHandle {
  /** The thread running the broker now (a new one after a restart). */
  worker(): Worker;
  /** How often the broker thread died and was started again. */
  restarts(): number;
  /** The running thread's kernel id (Linux), or null: for diagnostics only. */
  osThreadId(): number | null;
}

/** Ingress handled per turn of the event loop before other callbacks get theirs (ms). */
const INGRESS_SLICE_MS = 2;
/** How long a stopping broker thread gets to close its clients before it is terminated. */
const STOP_GRACE_MS = 5000;
/** Waits before starting a dead broker thread again: doubling from the first, up to the last. */
const RESTART_DELAY_MS = [500, 30_000] as const;

/**
 * The embedded broker in a thread of its own (broker-worker-main.ts). Its work (logins, TCP,
 * MQTT parsing, routing, the ACL of every delivery, writing to boards) was about a third of the
 * server thread under load, and a 2-core office machine had a core to spare for it.
 *
 * The server's links behave as the in-process link does: the broker reads a board's next packets
 * only once this thread has handled the ones before, so a busy server still pushes back on the
 * boards; messages arrive in the order the broker routed them; publishes resolve once the broker
 * has them. Should the thread die, the links report disconnected (commands are refused, health
 * says so), the thread is started again on the same port, the links' subscriptions are renewed,
 * and the boards reconnect by themselves; a Safekeep board resends every read it has no ack for.
 */
export async function startBrokerThread(config: BrokerThreadConfig & { logger: Logger }): Promise<BrokerThread> {
  const { logger, ...workerConfig } = config;
  const log = logger.child({ component: 'broker-thread' });
  const requests = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const handlers = new Map<number, MqttMessageHandler>();
  const subscriptions = new Map<number, string[]>();
  let nextRequest = 1;
  let nextLink = 1;
  let alive = false;
  let stopping = false;
  let restarts = 0;
  let failuresInARow = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let clients = 0;
  let tid: number | null = null;
  let current: Worker;
  let outgoing: { item: { id: number; link: number; topic: string; qos: 0 | 1 }; payload: Buffer }[] = [];
  /** Messages from the broker thread not handled yet (drainInbox). */
  const inbox: FromBroker[] = [];

  const send = (message: ToBroker, transfer: ArrayBuffer[] = []) => current.postMessage(message, transfer);
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
    const ids = Float64Array.from(batch, (p) => p.item.id);
    const links = Int32Array.from(batch, (p) => p.item.link);
    const qos = Uint8Array.from(batch, (p) => p.item.qos);
    const topics = packTopics(batch.map((p) => p.item.topic));
    send({ t: 'publish', ids, links, qos, topics, payloads }, [payloads.bytes, ids.buffer, links.buffer, qos.buffer, topics.ends.buffer]);
  };
  const failPending = (why: string) => {
    for (const { reject } of requests.values()) reject(new Error(`the MQTT broker thread has stopped: ${why}`));
    requests.clear();
    outgoing = [];
    // What the dead thread sent and was not handled yet goes with it: boards resend unacked reads.
    inbox.length = 0;
  };

  const deliver = (message: Extract<FromBroker, { t: 'messages' }>) => {
    const payloads = unpackPayloads(message.payloads);
    const topics = unpackTopics(message.topics);
    message.links.forEach((link, i) => {
      try {
        handlers.get(link)?.(topics[i]!, payloads[i]!);
      } catch (err) {
        log.error({ err: (err as Error).message, topic: topics[i] }, 'mqtt message handler failed');
      }
    });
    send({ t: 'settled', through: message.first + message.links.length - 1 });
  };
  // Node hands over every message waiting on the port in one go, and under a flood that was
  // several batches of reads: milliseconds in which the writer's SQLite answers (each a step of a
  // commit) waited. So messages are handled from a queue, a slice of time per turn of the event
  // loop, all of them in the order they came (a subscription is confirmed after the retained
  // messages it replayed).
  let draining = false;
  const drainInbox = () => {
    const until = performance.now() + INGRESS_SLICE_MS;
    try {
      while (inbox.length > 0) {
        handle(inbox.shift()!);
        if (performance.now() >= until) break;
      }
    } finally {
      if (inbox.length > 0) setImmediate(drainInbox);
      else draining = false;
    }
  };
  const receive = (message: FromBroker) => {
    inbox.push(message);
    if (!draining) {
      draining = true;
      setImmediate(drainInbox);
    }
  };

  const handle = (message: FromBroker) => {
    switch (message.t) {
      case 'messages':
        deliver(message);
        break;
      case 'done':
        for (const { id, error } of message.failed) {
          requests.get(id)?.reject(new Error(error));
          requests.delete(id);
        }
        for (const id of message.ids) {
          requests.get(id)?.resolve();
          requests.delete(id);
        }
        break;
      case 'clients':
        clients = message.count;
        break;
      case 'log':
        logger.child(message.bindings)[message.level](message.obj, message.msg);
        break;
      default:
        break;
    }
  };

  const spawn = (port: number) =>
    new Promise<{ url: string; port: number }>((resolve, reject) => {
      const worker = new Worker(new URL('./broker-worker.js', import.meta.url), { workerData: { ...workerConfig, port } });
      current = worker;
      let ready = false;
      worker.on('message', (message: FromBroker) => {
        if (worker !== current) return;
        if (message.t === 'ready') {
          ready = true;
          alive = true;
          tid = message.tid;
          resolve({ url: message.url, port: message.port });
        } else if (message.t === 'failed') reject(Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
        else receive(message);
      });
      worker.on('error', (err) => log.error({ err: err.message }, 'the MQTT broker thread failed'));
      worker.on('exit', (code) => {
        if (worker !== current) return;
        alive = false;
        clients = 0;
        failPending(`exited with code ${code}`);
        if (!ready) reject(new Error(`the MQTT broker thread exited (code ${code}) before it was ready`));
        else if (!stopping) restartLater();
      });
    });

  const address = await spawn(workerConfig.port).catch(async (err: unknown) => {
    await current.terminate();
    throw err;
  });

  const restartLater = () => {
    const delay = Math.min(RESTART_DELAY_MS[1], RESTART_DELAY_MS[0] * 2 ** failuresInARow++);
    log.error({ delayMs: delay }, 'the MQTT broker thread stopped; starting it again');
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      // The same port: boards and the office file know only that one.
      spawn(address.port).then(
        () => {
          restarts++;
          failuresInARow = 0;
          log.warn({ restarts }, 'the MQTT broker thread is running again');
          for (const [link, filters] of subscriptions) {
            request((id) => ({ t: 'subscribe', id, link, filters })).catch((err: Error) => log.error({ err: err.message }, 'mqtt subscription not renewed'));
          }
        },
        (err: Error) => {
          log.error({ err: err.message }, 'the MQTT broker thread did not start again');
          if (!stopping) restartLater();
        },
      );
    }, delay);
    restartTimer.unref();
  };

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
        subscriptions.set(this.id, [...filters]);
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
      subscriptions.delete(this.id);
      if (alive) await request((id) => ({ t: 'close-link', id, link: this.id })).catch(() => undefined);
    }
  }

  return {
    url: address.url,
    port: address.port,
    clients: () => (alive ? clients : 0),
    localLink: () => new ThreadLink(),
    worker: () => current,
    restarts: () => restarts,
    osThreadId: () => tid,
    close: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      if (alive) {
        const stopped = request((id) => ({ t: 'stop', id })).catch(() => undefined);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
        clearTimeout(timer);
      }
      alive = false;
      await current.terminate();
    },
  };
}
