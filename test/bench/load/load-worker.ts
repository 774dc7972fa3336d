import { randomBytes } from 'node:crypto';
import type { Socket as NetSocket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { distribution } from '../stats';
import type { Delivery, FloodResult, LoadConfig, LoadResult, SteadyResult, WorkerMessage } from './protocol';
import { ACK_TOPIC, BOARD_DEVICES, ReadSource } from './reads';

/**
 * The load generator, in its own thread so it has the second core: one Safekeep board (MQTT,
 * QoS 1, TCP) that publishes reads and takes the server's acks, and one dashboard (socket.io
 * client) that receives the 'custody' emits. Send and receipt times are both taken here, on this
 * thread's clock.
 *
 * Matching (see reads.ts): each leaf's ts_device gives back the seq of its read, so a receipt is
 * matched to its publish by identity, not by position; lost and duplicated reads are counted
 * exactly. Order is checked as well: with one publisher, one broker connection and one writer the
 * log order must be the publish order, so a seq lower than one already received counts as
 * reordered.
 */

const post = (message: WorkerMessage) => parentPort!.postMessage(message);
const progress = (text: string) => post({ type: 'progress', text });
const now = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Gives up waiting for receipts after this long without a new one. */
const STALL_MS = 15_000;
/** Most publishes in one synchronous run during the flood, so acks and receipts get a turn. */
const FILL_CHUNK = 250;

class Tracker {
  readonly sent: Float64Array;
  readonly received: Float64Array;
  readonly acked: Float64Array;
  ackCount = 0;
  receivedCount = 0;
  duplicated = 0;
  reordered = 0;
  private lastSeq = -1;
  onAck: () => void = () => undefined;

  constructor(
    readonly reads: ReadSource,
    total: number,
  ) {
    this.sent = new Float64Array(total).fill(Number.NaN);
    this.received = new Float64Array(total).fill(Number.NaN);
    this.acked = new Float64Array(total).fill(Number.NaN);
  }

  receipt(seq: number, at: number): void {
    if (seq < 0 || seq >= this.received.length) return;
    if (!Number.isNaN(this.received[seq]!)) {
      this.duplicated++;
      return;
    }
    if (seq < this.lastSeq) this.reordered++;
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.received[seq] = at;
    this.receivedCount++;
  }

  ack(seq: number, at: number): void {
    if (seq < 0 || seq >= this.acked.length || !Number.isNaN(this.acked[seq]!)) return;
    this.acked[seq] = at;
    this.ackCount++;
    this.onAck();
  }

  /** Counts over seqs [from, to) and the worker ELU since `elu`. */
  delivery(from: number, to: number, duplicatedBefore: number, reorderedBefore: number, elu: ReturnType<typeof performance.eventLoopUtilization>): Delivery {
    let received = 0;
    let acked = 0;
    for (let s = from; s < to; s++) {
      if (!Number.isNaN(this.received[s]!)) received++;
      if (!Number.isNaN(this.acked[s]!)) acked++;
    }
    return {
      published: to - from,
      received,
      lost: to - from - received,
      duplicated: this.duplicated - duplicatedBefore,
      reordered: this.reordered - reorderedBefore,
      acked,
      workerElu: performance.eventLoopUtilization(elu).utilization,
    };
  }

  latencies(from: number, to: number, times: Float64Array): Float64Array {
    const out = new Float64Array(to - from);
    for (let s = from; s < to; s++) out[s - from] = times[s]! - this.sent[s]!;
    return out;
  }

  /** Resolves once every seq in [from, to) is received and acked, or after STALL_MS without progress. */
  async drain(from: number, to: number): Promise<void> {
    let seen = -1;
    let since = now();
    for (;;) {
      let missing = 0;
      for (let s = from; s < to; s++) if (Number.isNaN(this.received[s]!) || Number.isNaN(this.acked[s]!)) missing++;
      if (missing === 0) return;
      if (missing !== seen) {
        seen = missing;
        since = now();
      } else if (now() - since > STALL_MS) {
        progress(`gave up waiting: ${missing} reads of ${to - from} were never received on the socket or never acked`);
        return;
      }
      await sleep(20);
    }
  }
}

async function connect(config: LoadConfig, tracker: Tracker): Promise<{ client: MqttClient; socket: Socket }> {
  const client = await mqtt.connectAsync(config.mqttUrl, {
    clientId: `bench-cab-4-${randomBytes(3).toString('hex')}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  // Safekeep firmware sets TCP_NODELAY: QoS 1 round trips are latency-bound (performance.md).
  (client.stream as unknown as NetSocket).setNoDelay?.(true);
  client.on('message', (_topic, payload) => {
    const at = now();
    const { boot, seq } = JSON.parse(payload.toString()) as { boot: string; seq: number };
    if (boot === tracker.reads.boot) tracker.ack(seq, at);
  });
  await client.subscribeAsync(ACK_TOPIC, { qos: 1 });

  const socket = io(config.socketUrl, { transports: ['websocket'], reconnection: false });
  socket.on('custody', (leaves: { index: number; event: { type?: string; device?: string; ts_device?: string } }[]) => {
    const at = now();
    for (const { event } of leaves) {
      if (event.type === 'device.read' && event.device && BOARD_DEVICES.has(event.device)) tracker.receipt(tracker.reads.seqOf(event.ts_device), at);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { client, socket };
}

function publisher(client: MqttClient, tracker: Tracker): (seq: number) => void {
  return (seq) => {
    const { topic, payload } = tracker.reads.message(seq);
    tracker.sent[seq] = now();
    client.publish(topic, payload, { qos: 1 }, (err) => {
      if (err) progress(`publish ${seq} failed: ${err.message}`);
    });
  };
}

/** As fast as the window allows: at most `window` reads published and not yet acked by the server. */
async function flood(config: LoadConfig, tracker: Tracker, publish: (seq: number) => void): Promise<FloodResult> {
  const n = config.events;
  const elu = performance.eventLoopUtilization();
  const { duplicated, reordered } = tracker;
  let published = 0;
  let scheduled = false;
  const room = () => published < n && published - tracker.ackCount < config.window;
  const fill = () => {
    scheduled = false;
    for (let burst = 0; burst < FILL_CHUNK && room(); burst++) publish(published++);
    if (room()) schedule();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(fill);
  };
  tracker.onAck = () => {
    if (room()) schedule();
  };
  const started = now();
  fill();
  await tracker.drain(0, n);
  tracker.onAck = () => undefined;
  const receipts = Float64Array.from(tracker.received.subarray(0, n)).filter(Number.isFinite).sort();
  const last = receipts.length > 0 ? receipts[receipts.length - 1]! : Number.NaN;
  const seconds = (last - started) / 1000;
  const q = (p: number) => receipts[Math.floor(p * (receipts.length - 1))]!;
  const midCount = Math.floor(0.9 * (receipts.length - 1)) - Math.floor(0.1 * (receipts.length - 1));
  return {
    ...tracker.delivery(0, n, duplicated, reordered, elu),
    seconds,
    eventsPerS: n / seconds,
    midEventsPerS: (midCount / (q(0.9) - q(0.1))) * 1000,
    latencyMs: distribution(tracker.latencies(0, n, tracker.received)),
  };
}

/** A steady rate from a timer: each tick publishes whatever is due by then, in one small burst. */
async function steady(config: LoadConfig, tracker: Tracker, publish: (seq: number) => void): Promise<SteadyResult> {
  const from = config.events;
  const total = Math.round(config.rate * config.steadySeconds);
  const elu = performance.eventLoopUtilization();
  const { duplicated, reordered } = tracker;
  let published = 0;
  let maxBurst = 0;
  const started = now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - started) * config.rate) / 1000) + 1);
      maxBurst = Math.max(maxBurst, due - published);
      while (published < due) publish(from + published++);
      if (published < total) setTimeout(tick, config.tickMs);
      else resolve();
    };
    tick();
  });
  const publishSeconds = (now() - started) / 1000;
  await tracker.drain(from, from + total);
  return {
    ...tracker.delivery(from, from + total, duplicated, reordered, elu),
    targetRate: config.rate,
    achievedRate: total / publishSeconds,
    latencyMs: distribution(tracker.latencies(from, from + total, tracker.received)),
    ackLatencyMs: distribution(tracker.latencies(from, from + total, tracker.acked)),
    maxBurst,
    maxMsPerSecond: maxPerSecond(tracker, from, from + total, started),
  };
}

/** The worst publish -> socket latency of the reads published in each second of the phase: shows when stalls happen. */
function maxPerSecond(tracker: Tracker, from: number, to: number, started: number): number[] {
  const out: number[] = [];
  for (let s = from; s < to; s++) {
    const second = Math.floor((tracker.sent[s]! - started) / 1000);
    const latency = tracker.received[s]! - tracker.sent[s]!;
    if (Number.isFinite(latency)) out[second] = Math.max(out[second] ?? 0, Math.round(latency));
  }
  return Array.from(out, (v) => v ?? 0);
}

async function main(config: LoadConfig): Promise<LoadResult> {
  const steadyCount = Math.round(config.rate * config.steadySeconds);
  // The device clock starts a little in the past, so even the flood's fast-running clock stays plausible.
  const reads = new ReadSource(`bench${randomBytes(4).toString('hex')}`, Date.now() - 60_000);
  const tracker = new Tracker(reads, config.events + steadyCount);
  const { client, socket } = await connect(config, tracker);
  const publish = publisher(client, tracker);
  try {
    progress(`flood: ${config.events} reads, at most ${config.window} un-acked`);
    post({ type: 'phase', name: 'flood', state: 'start' });
    const floodResult = await flood(config, tracker, publish);
    post({ type: 'phase', name: 'flood', state: 'end' });
    await sleep(1000);
    progress(`steady: ${config.rate} reads/s for ${config.steadySeconds} s`);
    post({ type: 'phase', name: 'steady', state: 'start' });
    const steadyResult = await steady(config, tracker, publish);
    post({ type: 'phase', name: 'steady', state: 'end' });
    return { flood: floodResult, steady: steadyResult };
  } finally {
    socket.close();
    await client.endAsync();
  }
}

main(workerData as LoadConfig).then(
  (result) => post({ type: 'result', result }),
  (err: unknown) => post({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
);
