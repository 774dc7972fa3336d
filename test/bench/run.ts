/**
 * `npm run bench [-- --json] [--events N] ...`: Safekeep's performance figures, measured on the
 * real pipeline in one run (options.ts lists every knob; nothing touches ./data).
 *
 * 1. events_per_s: an office runs as `safekeep serve` runs it (SQLite WAL + synchronous=FULL,
 *    embedded aedes broker, device registry, workflows, socket.io, default checkpoints) in a temp
 *    dir: the demo office plus 200 cabinets whose boards run Safekeep's firmware, staff enrolled
 *    (office-config.ts, enroll.ts). A load worker thread, on the other core, plays the boards
 *    (one lean MQTT client each, load/lean-board.ts: QoS 1 over TCP, distinct seqs,
 *    badge/unlock/open/close/lock visits) and a dashboard (socket.io client). After an uncounted
 *    warm-up flood (8,000 reads: a running office is warm, a fresh process is not yet JIT-compiled),
 *    it floods N reads keeping at most `window` un-acked (the server's acks on safekeep/<board>/ack pace it);
 *    rate = N / (first publish -> last socket receipt). Many boards, because the device registry
 *    caps each device at 50 reads/s. Lost, duplicated and reordered reads are counted by matching
 *    every leaf to its read (load/reads.ts).
 * 2. p50/p99_ms_at_1000: publish -> socket receipt at a steady 1,000 reads/s for 10 s, from a
 *    timer that publishes what is due at each tick (load/load-worker.ts).
 * 3. verify_leaves_per_s: the log is grown through the server's CustodyWriter to ~300k leaves
 *    (if under 100k), checkpointed, the server stopped, then verifyLog runs as `safekeep log verify`.
 * 4. baseline_rows_per_s: raw durable batched inserts through sqlite3 in a separate temp database
 *    (baseline.ts); ratio = events_per_s / baseline_rows_per_s, where each event writes 2 rows.
 * 5. decoders: reads/s per device decoder from devices/decoders/bench.ts, when it is there.
 * Diagnostics place a missed target: per-phase commits, event-loop use and every SQL statement
 * (server-monitor.ts), the same reads without MQTT, one-read commit latency, the writer alone
 * (diagnostics.ts). Progress goes to stderr; stdout gets the table, or with --json one JSON
 * object on its last line. Server logs stay silent unless SAFEKEEP_BENCH_LOG=<level> (stderr).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import { measureBaseline } from './baseline';
import { measureDecoders, type DecoderFigures } from './decoders';
import { commitLatency, ingestDirect, statementCost, type IngestDirectResult } from './diagnostics';
import { runLoad } from './load/host';
import { removeTempDirs, startBenchOffice, type BenchOffice } from './office';
import { parseOptions, type BenchOptions } from './options';
import { toJson, type BenchFigures } from './report';
import { toTable } from './report-table';
import { ServerMonitor } from './server-monitor';
import { growLog, verifyStoredLog, type GrowResult } from './verify-bench';

const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);

// As `safekeep serve` runs (server/cli/safekeep.js): no source-mapped stacks in the hot path.
process.setSourceMapsEnabled(false);

async function bench(options: BenchOptions, started: number): Promise<BenchFigures> {
  const loadBefore = os.loadavg()[0]!;
  let decoders: DecoderFigures = { available: false, reason: 'skipped (--decoder-ms 0)' };
  if (options.decoderMs > 0) {
    progress('decoders');
    decoders = await measureDecoders(options.decoderMs);
  }

  progress(`baseline: ${options.baselineRows} raw rows through sqlite3`);
  const baseline = await measureBaseline(options.baselineRows);

  progress(`starting the office: the demo office plus ${options.boards} cabinet boards`);
  let office: BenchOffice | null = await startBenchOffice({ boards: options.boards, checkpointIntervalMs: options.checkpointMs });
  try {
    const { services } = office.server;
    const brokerThread = office.server.broker;
    let loadTid: number | null = null;
    const monitor = new ServerMonitor(
      services.bus,
      services.db.sequelize,
      brokerThread ? (since) => brokerThread.worker().performance.eventLoopUtilization(since) : null,
      () => ({ broker: brokerThread?.osThreadId() ?? null, load: loadTid }),
    );
    const load = await runLoad(
      {
        mqttUrl: office.mqttUrl,
        socketUrl: office.server.url,
        socketHeaders: office.dashboard,
        boards: options.boards,
        boardLogins: office.boardLogins,
        events: options.events,
        warmupEvents: options.warmupEvents,
        floodMaxSeconds: options.floodMaxSeconds,
        window: options.window,
        rate: options.rate,
        steadySeconds: options.steadySeconds,
        tickMs: options.tickMs,
      },
      { progress, phase: (name, state) => (state === 'start' ? monitor.start(name) : monitor.end()), thread: (tid) => (loadTid = tid) },
      options.timeoutSeconds * 1000,
    );

    let direct: IngestDirectResult | null = null;
    if (options.directEvents > 0) {
      progress(`diagnostics: ${options.directEvents} reads straight onto the bus, without MQTT`);
      const cycle = 5 * options.boards;
      const fromRead = Math.ceil(load.readsUsed / cycle) * cycle;
      monitor.start('direct');
      direct = await ingestDirect(services, { boards: options.boards, fromRead, events: options.directEvents, window: options.window, maxSeconds: 12 });
      monitor.end();
    }
    progress(`diagnostics: ${options.singleCommits} one-read commits, one after the other`);
    monitor.start('single');
    const singleCommitMs = await commitLatency(services, options.singleCommits);
    monitor.end();
    monitor.stop();
    const statement = await statementCost(services, 500);

    let grow: GrowResult = { added: 0, seconds: 0, writerEventsPerS: 0, checkpointMs: 0 };
    if (services.writer.size < options.growBelow) {
      progress(`growing the log from ${services.writer.size} to ${options.verifyLeaves} leaves through the CustodyWriter`);
      grow = await growLog(services, options.verifyLeaves, 25, progress);
    }
    const stopping = office;
    office = null;
    await stopping.server.stop();
    progress('verifying the log');
    const verify = await verifyStoredLog(stopping);
    return {
      load,
      phases: monitor.phases,
      direct,
      singleCommitMs,
      statement,
      grow,
      verify,
      baseline,
      decoders,
      machine: { cores: os.availableParallelism(), node: process.version, sqlite: sqlite3.VERSION, loadBefore, loadAfter: os.loadavg()[0]! },
      config: { boards: options.boards, window: options.window, rate: options.rate, steadySeconds: options.steadySeconds, warmupEvents: options.warmupEvents },
      totalSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await office?.server.stop().catch(() => undefined);
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 64;
  }
  const watchdog = setTimeout(() => {
    progress(`aborted: still running after ${options.timeoutSeconds} s`);
    removeTempDirs();
    process.exit(2);
  }, options.timeoutSeconds * 1000);
  watchdog.unref();
  try {
    const figures = await bench(options, started);
    if (options.json) console.log(JSON.stringify(toJson(figures)));
    else console.log(toTable(figures));
    return 0;
  } catch (err) {
    progress(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    removeTempDirs();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeTempDirs();
    process.exit(130);
  });
}

// Exit explicitly: a stray handle in a library must not keep a finished bench alive.
process.exit(await main());
