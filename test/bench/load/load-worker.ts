import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import { decodeCustodyEmit } from '../../../dashboard/src/api/custody-wire';
import { osThreadId } from '../../../server/shared/os-thread';
import { distribution } from '../stats';
import { encodeRead, LeanBoard } from './lean-board';
import type { FloodResult, LoadConfig, LoadResult, SteadyResult, WorkerMessage } from './protocol';
import { ackTopic, boardTopic, isBenchDevice, ReadSource } from './reads';
import { Tracker } from './tracker';

/**
 * The load generator, in its own thread so it has the second core: the cabinet boards (one lean
 * MQTT client each, lean-board.ts: QoS 1 over TCP, taking the server's acks on their ack topic)
 * and one dashboard (a socket.io client receiving the 'custody' emits). Send and receipt times
 * are both taken here, on this thread's clock.
 *
 * Matching: every device.read leaf on the socket carries ts_device, which gives back the global
 * number of its read (reads.ts), so a receipt is matched to its publish by identity, not by
 * position: lost and duplicated reads are counted exactly, and order is checked per board.
 */

const post = (message: WorkerMessage) => parentPort!.postMessage(message);
const progress = (text: string) => post({ type: 'progress', text });
const now = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Most publishes in one synchronous run during the flood, so acks and receipts get a turn. */
const FILL_CHUNK = 250;
/** The flood gives up publishing after this long without a single ack. */
const STUCK_MS = 10_000;
/** Boards connecting at once. */
const CONNECT_PARALLEL = 25;

function connectBoard(config: LoadConfig, tracker: Tracker, board: number): Promise<LeanBoard> {
  return LeanBoard.connect({
    url: config.mqttUrl,
    clientId: `bench-board-${board}-${randomBytes(3).toString('hex')}`,
    ...config.boardLogins[board]!,
    subscriptions: [ackTopic(board), `${boardTopic(board)}/command`],
    onError: (err) => progress(err.message),
    onMessage: (topic, payload) => {
      const at = now();
      if (topic.endsWith('/command')) {
        // The unlock answering this board's oldest badge still waiting: badge -> lock command latency.
        const message = JSON.parse(payload.toString()) as { cmd?: string };
        if (message.cmd === 'unlock') tracker.unlocked(board, at);
        return;
      }
      const { boot, seqs } = JSON.parse(payload.toString()) as { boot: string; seqs: number[] };
      for (const seq of seqs) tracker.ack(tracker.reads.readOfAck(boot, seq), at);
    },
  });
}

async function connect(config: LoadConfig, tracker: Tracker): Promise<{ clients: LeanBoard[]; socket: Socket }> {
  const clients: LeanBoard[] = [];
  for (let b = 0; b < config.boards; b += CONNECT_PARALLEL) {
    const batch = Array.from({ length: Math.min(CONNECT_PARALLEL, config.boards - b) }, (_, i) => connectBoard(config, tracker, b + i));
    clients.push(...(await Promise.all(batch)));
  }
  const socket = io(config.socketUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { ...config.socketHeaders } });
  socket.on('custody', (payload: Buffer) => {
    const at = now();
    for (const { event } of decodeCustodyEmit(payload) as { index: number; event: { type?: string; device?: string; ts_device?: string } }[]) {
      if (event.type === 'device.read' && event.device && isBenchDevice(event.device)) tracker.receipt(tracker.reads.readOfLeaf(event.ts_device), at);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { clients, socket };
}

/**
 * Every read's PUBLISH packet, encoded before the phases start: a real board spends its own CPU
 * on this, not the server's.
 */
function encodeReads(reads: ReadSource, count: number): Buffer[] {
  const packets: Buffer[] = [];
  for (let g = 0; g < count; g++) {
    const { topic, payload } = reads.message(g);
    packets.push(encodeRead(topic, payload, Math.floor(g / reads.boards)));
  }
  return packets;
}

function publisher(clients: LeanBoard[], tracker: Tracker, packets: Buffer[]): (g: number) => void {
  return (g) => {
    tracker.sent[g] = now();
    if (tracker.reads.isBadge(g)) tracker.badgeSent(tracker.reads.boardOf(g), g);
    clients[tracker.reads.boardOf(g)]!.send(packets[g]!);
  };
}

/** Reads in one round of visits: badge, unlock, open, close and lock on every board. */
const visitRound = (config: LoadConfig) => 5 * config.boards;

/** As fast as the window allows: at most `window` reads published and not yet acked by the server. */
async function flood(config: LoadConfig, tracker: Tracker, publish: (g: number) => void, from: number, events: number): Promise<FloodResult> {
  const elu = performance.eventLoopUtilization();
  const { duplicated, reordered } = tracker;
  const acksBefore = tracker.ackCount;
  let published = 0;
  let scheduled = false;
  const started = now();
  // A pipeline far below target would take minutes for all N: publishing stops at the deadline.
  const deadline = started + config.floodMaxSeconds * 1000;
  // It stops only where every board has finished a visit (badge, unlock, open, close, lock).
  const cycle = visitRound(config);
  const room = () => published < events && published - (tracker.ackCount - acksBefore) < config.window && (now() < deadline || published % cycle !== 0);
  const fill = () => {
    scheduled = false;
    for (let burst = 0; burst < FILL_CHUNK && room(); burst++) publish(from + published++);
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
  fill();
  await new Promise<void>((resolve) => {
    // Reads the server refuses (the registry's flood control) are never acked: without acks for
    // this long the window is stuck, and publishing ends there.
    let acks = tracker.ackCount;
    let lastAck = now();
    const check = () => {
      if (tracker.ackCount !== acks) [acks, lastAck] = [tracker.ackCount, now()];
      const done = published === events || (now() >= deadline && published % cycle === 0) || now() - lastAck > STUCK_MS;
      if (done) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
  const n = published;
  if (n < events) progress(`flood stopped after ${config.floodMaxSeconds} s with ${n} of ${events} reads published`);
  await tracker.drain(from, from + n);
  tracker.onAck = () => undefined;
  const receipts = Float64Array.from(tracker.received.subarray(from, from + n)).filter(Number.isFinite).sort();
  const last = receipts.length > 0 ? receipts[receipts.length - 1]! : Number.NaN;
  const seconds = (last - started) / 1000;
  const q = (p: number) => receipts[Math.floor(p * (receipts.length - 1))]!;
  const midCount = Math.floor(0.9 * (receipts.length - 1)) - Math.floor(0.1 * (receipts.length - 1));
  const delivery = tracker.delivery(from, from + n, duplicated, reordered, elu);
  const unlocks = tracker.closeUnlocks();
  return {
    unlockLatencyMs: distribution(unlocks.latencies),
    unanswered: unlocks.unanswered,
    ...delivery,
    seconds,
    // Reads that made it into the log; equal to n when nothing was lost.
    eventsPerS: delivery.received / seconds,
    midEventsPerS: (midCount / (q(0.9) - q(0.1))) * 1000,
    latencyMs: distribution(tracker.latencies(from, from + n, tracker.received)),
    ackLatencyMs: distribution(tracker.latencies(from, from + n, tracker.acked)),
  };
}

/** A steady rate from a timer: each tick publishes whatever is due by then, in one small burst. */
async function steady(config: LoadConfig, tracker: Tracker, publish: (g: number) => void, from: number): Promise<SteadyResult> {
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
  const unlocks = tracker.closeUnlocks();
  return {
    ...tracker.delivery(from, from + total, duplicated, reordered, elu),
    targetRate: config.rate,
    achievedRate: total / publishSeconds,
    latencyMs: distribution(tracker.latencies(from, from + total, tracker.received)),
    ackLatencyMs: distribution(tracker.latencies(from, from + total, tracker.acked)),
    unlockLatencyMs: distribution(unlocks.latencies),
    unanswered: unlocks.unanswered,
    maxBurst,
    maxMsPerSecond: tracker.maxPerSecond(from, from + total, started),
  };
}

async function main(config: LoadConfig): Promise<LoadResult> {
  const steadyCount = Math.round(config.rate * config.steadySeconds);
  // Whole rounds of visits, so the measured flood starts at a round.
  const warmup = Math.ceil(config.warmupEvents / visitRound(config)) * visitRound(config);
  // The device clocks start a little in the past, so even the flood's fast-running clock stays plausible.
  const reads = new ReadSource(`bench${randomBytes(4).toString('hex')}`, config.boards, Date.now() - 60_000);
  const tracker = new Tracker(reads, warmup + config.events + steadyCount, progress);
  progress(`connecting ${config.boards} boards and a dashboard`);
  const { clients, socket } = await connect(config, tracker);
  progress(`encoding ${config.events + steadyCount} reads`);
  const publish = publisher(clients, tracker, encodeReads(reads, warmup + config.events + steadyCount));
  try {
    if (warmup > 0) {
      // A running office is warm; a fresh process runs its first thousands of reads before V8 has
      // compiled the hot paths. This flood is not counted.
      progress(`warm-up: ${warmup} reads, not counted`);
      const warm = await flood(config, tracker, publish, 0, warmup);
      if (warm.published < warmup) throw new Error(`the warm-up flood stopped after ${warm.published} of ${warmup} reads`);
      // Past every device's flood window (the registry's 50 reads/s), as before the steady phase.
      await sleep(1500);
    }
    progress(`flood: ${config.events} reads over ${config.boards} boards, at most ${config.window} un-acked`);
    post({ type: 'phase', name: 'flood', state: 'start' });
    const floodResult = await flood(config, tracker, publish, warmup, config.events);
    post({ type: 'phase', name: 'flood', state: 'end' });
    // Past every device's flood window, so the steady phase starts from quiet devices.
    await sleep(1500);
    progress(`steady: ${config.rate} reads/s for ${config.steadySeconds} s`);
    // Steady reads continue right after the flood's, so every board's seqs stay gapless.
    post({ type: 'phase', name: 'steady', state: 'start' });
    const steadyResult = await steady(config, tracker, publish, warmup + floodResult.published);
    post({ type: 'phase', name: 'steady', state: 'end' });
    return { flood: floodResult, steady: steadyResult, readsUsed: warmup + floodResult.published + steadyResult.published };
  } finally {
    socket.close();
    await Promise.all(clients.map((c) => c.end()));
  }
}

post({ type: 'thread', tid: osThreadId() });
main(workerData as LoadConfig).then(
  (result) => post({ type: 'result', result }),
  (err: unknown) => post({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
);
