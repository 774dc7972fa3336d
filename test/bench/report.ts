import type { BaselineResult } from './baseline';
import type { DecoderFigures } from './decoders';
import type { IngestDirectResult, StatementCost } from './diagnostics';
import type { Distribution, LoadResult } from './load/protocol';
import type { PhaseStats } from './server-monitor';
import { round } from './stats';
import type { GrowResult, VerifyResult } from './verify-bench';

export const TARGETS = { eventsPerS: 10_000, p99MsAt1000: 50, verifyLeavesPerS: 200_000 };

export interface BenchFigures {
  load: LoadResult;
  phases: Record<string, PhaseStats>;
  direct: IngestDirectResult | null;
  singleCommitMs: Distribution;
  statement: StatementCost;
  grow: GrowResult;
  verify: VerifyResult;
  baseline: BaselineResult;
  decoders: DecoderFigures;
  /** loadBefore/After: the 1-minute load average; other work on this 2-core machine skews every figure. */
  machine: { cores: number; node: string; sqlite: string; loadBefore: number; loadAfter: number };
  config: { boards: number; window: number; rate: number; steadySeconds: number; warmupEvents: number };
  totalSeconds: number;
}

/**
 * CPU per read by thread, µs; null without /proc. For a `saturated` phase (one that ran as fast
 * as it could) also the rate the machine's cores could carry at that cost; elsewhere those are
 * null, since idle time would be charged to the reads.
 */
export function cpuPerRead(p: PhaseStats | undefined, reads: number, cores: number, saturated: boolean) {
  const t = p?.threads;
  if (!t || reads === 0) return null;
  const us = (seconds: number) => (seconds * 1e6) / reads;
  const server = us(t.server.ran);
  const broker = t.broker ? us(t.broker.ran) : 0;
  const load = t.load ? us(t.load.ran) : 0;
  const other = us(t.other.ran);
  const total = server + broker + load + other;
  return {
    server: round(server, 1),
    server_waited_for_core: round(us(t.server.waited), 1),
    broker: t.broker ? round(broker, 1) : null,
    load_generator: t.load ? round(load, 1) : null,
    other: round(other, 1),
    total: round(total, 1),
    /** Every thread busy all the time: the ceiling this cost per read allows on this machine. */
    max_reads_per_s: saturated ? round((cores * 1e6) / total) : null,
    /** The same without the load generator, whose work real boards do on their own CPUs. */
    max_reads_per_s_without_load_generator: saturated ? round((cores * 1e6) / (total - load)) : null,
  };
}

const dist = (d: Distribution) => ({ p50: round(d.p50, 2), p90: round(d.p90, 2), p99: round(d.p99, 2), p999: round(d.p999, 2), max: round(d.max, 2) });

function phaseJson(p: PhaseStats | undefined, reads: number, cores: number, saturated = false) {
  if (!p) return null;
  return {
    cpu_us_per_read: cpuPerRead(p, reads, cores, saturated),
    commits: p.commits,
    leaves: p.leaves,
    leaves_per_read: round(p.leaves / reads, 2),
    mean_batch_leaves: round(p.meanBatch, 1),
    max_batch_leaves: p.maxBatch,
    server_elu: round(p.serverElu, 3),
    broker_elu: p.brokerElu === null ? null : round(p.brokerElu, 3),
    process_cores: round(p.processCores, 2),
    longest_commit_gap_ms: round(p.longestCommitGapMs),
    slowest_statements_ms: p.slowest.map((q) => `${q.kind} ${round(q.ms)}`),
    statements_per_read: round(p.queries / reads, 2),
    statements: Object.fromEntries(Object.entries(p.queryKinds).map(([k, v]) => [k, { count: v.count, mean_us: round((v.ms * 1000) / v.count) }])),
  };
}

/** The one JSON object `--json` prints on the last line. */
export function toJson(f: BenchFigures): Record<string, unknown> {
  const { flood, steady } = f.load;
  return {
    events_per_s: round(flood.eventsPerS),
    p50_ms_at_1000: round(steady.latencyMs.p50, 2),
    p99_ms_at_1000: round(steady.latencyMs.p99, 2),
    badge_to_unlock_p99_ms: round(steady.unlockLatencyMs.p99, 2),
    verify_leaves_per_s: round(f.verify.leavesPerS),
    baseline_rows_per_s: round(f.baseline.rowsPerS),
    ratio: round(flood.eventsPerS / f.baseline.rowsPerS, 3),
    rows_per_event_note: 'each event writes 2 rows (device_events + log_entries) plus its workflow rows; the baseline writes 1 row per event',
    targets: { events_per_s: TARGETS.eventsPerS, p99_ms_at_1000: TARGETS.p99MsAt1000, verify_leaves_per_s: TARGETS.verifyLeavesPerS },
    pass: {
      events_per_s: flood.eventsPerS >= TARGETS.eventsPerS,
      p99_ms_at_1000: steady.latencyMs.p99 <= TARGETS.p99MsAt1000,
      verify_leaves_per_s: f.verify.leavesPerS >= TARGETS.verifyLeavesPerS,
      no_loss: flood.lost + steady.lost + flood.duplicated + steady.duplicated + flood.reordered + steady.reordered === 0,
    },
    flood: {
      events: flood.published,
      received: flood.received,
      lost: flood.lost,
      duplicated: flood.duplicated,
      reordered: flood.reordered,
      acked: flood.acked,
      not_acked: flood.notAcked,
      acked_without_leaf: flood.ackedWithoutLeaf,
      seconds: round(flood.seconds, 2),
      mid_events_per_s: round(flood.midEventsPerS),
      latency_ms: dist(flood.latencyMs),
      ack_latency_ms: dist(flood.ackLatencyMs),
      unlock_latency_ms: dist(flood.unlockLatencyMs),
      badges_never_unlocked: flood.unanswered,
      worker_elu: round(flood.workerElu, 3),
      server: phaseJson(f.phases.flood, flood.published, f.machine.cores, true),
    },
    steady: {
      rate: steady.targetRate,
      achieved_rate: round(steady.achievedRate),
      events: steady.published,
      lost: steady.lost,
      duplicated: steady.duplicated,
      reordered: steady.reordered,
      acked: steady.acked,
      not_acked: steady.notAcked,
      acked_without_leaf: steady.ackedWithoutLeaf,
      latency_ms: dist(steady.latencyMs),
      ack_latency_ms: dist(steady.ackLatencyMs),
      unlock_latency_ms: dist(steady.unlockLatencyMs),
      badges_never_unlocked: steady.unanswered,
      max_ms_per_second: steady.maxMsPerSecond,
      max_burst: steady.maxBurst,
      worker_elu: round(steady.workerElu, 3),
      server: phaseJson(f.phases.steady, steady.published, f.machine.cores),
    },
    diagnostics: {
      direct_ingest: f.direct && {
        events: f.direct.events,
        events_per_s: round(f.direct.eventsPerS),
        not_stored: f.direct.notStored,
        server_elu: round(f.direct.serverElu, 3),
        server: phaseJson(f.phases.direct, f.direct.events, f.machine.cores),
      },
      single_commit_ms: dist(f.singleCommitMs),
      single_commit_statements: phaseJson(f.phases.single, f.phases.single?.commits ?? 1, f.machine.cores)?.statements ?? null,
      in_transaction_select_us: {
        sequelize_wall: round(f.statement.sequelizeUs),
        sequelize_cpu: round(f.statement.sequelizeCpuUs),
        raw_sqlite3_wall: round(f.statement.rawUs),
        raw_sqlite3_cpu: round(f.statement.rawCpuUs),
      },
      writer_raw_events_per_s: round(f.grow.writerEventsPerS),
      checkpoint_ms: round(f.grow.checkpointMs),
    },
    verify: { ok: f.verify.ok, leaves: f.verify.leaves, checkpoints: f.verify.checkpointsVerified, seconds: round(f.verify.seconds, 2), ...(f.verify.problem ? { problem: f.verify.problem } : {}) },
    baseline: {
      rows: f.baseline.rows,
      row_bytes: round(f.baseline.rowBytes),
      seconds: round(f.baseline.seconds, 2),
      single_row_commit_ms: { p50: round(f.baseline.singleRowCommitMs.p50, 2), p99: round(f.baseline.singleRowCommitMs.p99, 2) },
    },
    decoders: f.decoders.available ? Object.fromEntries(f.decoders.figures.map((d) => [d.decoder, round(d.readsPerSecond)])) : null,
    config: f.config,
    machine: { ...f.machine, loadBefore: round(f.machine.loadBefore, 2), loadAfter: round(f.machine.loadAfter, 2) },
    total_seconds: round(f.totalSeconds, 1),
  };
}
