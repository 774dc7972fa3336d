import type { BaselineResult } from './baseline';
import type { DecoderFigures } from './decoders';
import type { LoadResult } from './load/protocol';
import type { PhaseStats } from './server-monitor';
import { round } from './stats';
import type { GrowResult, VerifyResult } from './verify-bench';

export const TARGETS = { eventsPerS: 10_000, p99MsAt1000: 50, verifyLeavesPerS: 200_000 };

export interface BenchFigures {
  load: LoadResult;
  phases: Record<string, PhaseStats>;
  grow: GrowResult;
  verify: VerifyResult;
  baseline: BaselineResult;
  decoders: DecoderFigures;
  machine: { cores: number; node: string; sqlite: string };
  totalSeconds: number;
}

/** The one JSON object `--json` prints on the last line. */
export function toJson(f: BenchFigures): Record<string, unknown> {
  const { flood, steady } = f.load;
  const phase = (name: string) => {
    const p = f.phases[name];
    return (
      p && {
        commits: p.commits,
        leaves: p.leaves,
        mean_batch: round(p.meanBatch, 1),
        max_batch: p.maxBatch,
        server_elu: round(p.serverElu, 3),
        process_cores: round(p.processCores, 2),
        queries: p.queries,
        query_kinds: Object.fromEntries(Object.entries(p.queryKinds).map(([k, v]) => [k, { count: v.count, ms: round(v.ms) }])),
      }
    );
  };
  return {
    events_per_s: round(flood.eventsPerS),
    p50_ms_at_1000: round(steady.latencyMs.p50, 2),
    p99_ms_at_1000: round(steady.latencyMs.p99, 2),
    verify_leaves_per_s: round(f.verify.leavesPerS),
    baseline_rows_per_s: round(f.baseline.rowsPerS),
    ratio: round(flood.eventsPerS / f.baseline.rowsPerS, 3),
    rows_per_event: 2,
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
      acked_without_leaf: flood.ackedWithoutLeaf,
      seconds: round(flood.seconds, 2),
      mid_events_per_s: round(flood.midEventsPerS),
      latency_ms: roundAll(flood.latencyMs),
      worker_elu: round(flood.workerElu, 3),
      server: phase('flood'),
    },
    steady: {
      rate: steady.targetRate,
      achieved_rate: round(steady.achievedRate),
      events: steady.published,
      lost: steady.lost,
      duplicated: steady.duplicated,
      reordered: steady.reordered,
      acked: steady.acked,
      acked_without_leaf: steady.ackedWithoutLeaf,
      latency_ms: roundAll(steady.latencyMs),
      ack_latency_ms: roundAll(steady.ackLatencyMs),
      max_burst: steady.maxBurst,
      max_ms_per_second: steady.maxMsPerSecond,
      worker_elu: round(steady.workerElu, 3),
      server: phase('steady'),
    },
    verify: { ok: f.verify.ok, leaves: f.verify.leaves, checkpoints: f.verify.checkpointsVerified, seconds: round(f.verify.seconds, 2), ...(f.verify.problem ? { problem: f.verify.problem } : {}) },
    grow: { added: f.grow.added, writer_events_per_s: round(f.grow.writerEventsPerS), checkpoint_ms: round(f.grow.checkpointMs) },
    baseline: { rows: f.baseline.rows, row_bytes: round(f.baseline.rowBytes), seconds: round(f.baseline.seconds, 2) },
    decoders: f.decoders.available ? Object.fromEntries(f.decoders.figures.map((d) => [d.decoder, round(d.readsPerSecond)])) : null,
    machine: f.machine,
    total_seconds: round(f.totalSeconds, 1),
  };
}

function roundAll(d: LoadResult['steady']['latencyMs']) {
  return { p50: round(d.p50, 2), p90: round(d.p90, 2), p99: round(d.p99, 2), p999: round(d.p999, 2), max: round(d.max, 2) };
}

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** The readable table. */
export function toTable(f: BenchFigures): string {
  const { flood, steady } = f.load;
  const ratio = flood.eventsPerS / f.baseline.rowsPerS;
  const rows: [string, string, string, string][] = [
    ['events_per_s (durable, publish -> socket)', `${n(flood.eventsPerS)} /s`, `>= ${n(TARGETS.eventsPerS)}`, verdict(flood.eventsPerS >= TARGETS.eventsPerS)],
    [`p50_ms_at_${steady.targetRate}`, `${n(steady.latencyMs.p50, 2)} ms`, '', ''],
    [`p99_ms_at_${steady.targetRate}`, `${n(steady.latencyMs.p99, 2)} ms`, `<= ${TARGETS.p99MsAt1000} ms`, verdict(steady.latencyMs.p99 <= TARGETS.p99MsAt1000)],
    ['verify_leaves_per_s', `${n(f.verify.leavesPerS)} /s`, `>= ${n(TARGETS.verifyLeavesPerS)}`, verdict(f.verify.leavesPerS >= TARGETS.verifyLeavesPerS)],
    ['baseline_rows_per_s (raw sqlite3, 1 row/event)', `${n(f.baseline.rowsPerS)} /s`, '', ''],
    ['ratio events_per_s / baseline_rows_per_s', n(ratio, 3), '', ''],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => `  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padStart(widths[1]!)}  ${r[2]!.padEnd(widths[2]!)}  ${r[3]}`.trimEnd();
  const phase = (name: string, reads: number) => {
    const p = f.phases[name];
    if (!p) return '';
    const kinds = Object.entries(p.queryKinds)
      .slice(0, 6)
      .map(([k, v]) => `${k} ${n(v.count / reads, 2)}/read ${n((v.ms * 1000) / v.count)} µs`)
      .join('; ');
    return [
      `server: ${n(p.leaves)} leaves in ${p.commits} commits (${n(p.leaves / reads, 2)} per read), mean ${n(p.meanBatch, 1)} leaves per commit, max ${p.maxBatch}; server thread busy ${n(p.serverElu * 100)}%, process ${n(p.processCores, 2)} cores`,
      `  sql: ${n(p.queries / reads, 2)} statements per read; slowest kinds (count per read, mean wall time): ${kinds}`,
    ].join('\n  ');
  };
  const lat = (d: LoadResult['steady']['latencyMs']) => `p50 ${n(d.p50, 2)} / p90 ${n(d.p90, 2)} / p99 ${n(d.p99, 2)} / p99.9 ${n(d.p999, 2)} / max ${n(d.max, 2)} ms`;
  const out = [
    `Safekeep bench: ${f.machine.cores} cores, Node ${f.machine.node}, SQLite ${f.machine.sqlite}, ${n(f.totalSeconds, 1)} s`,
    '',
    line(['measure', 'figure', 'target', '']),
    ...rows.map(line),
    '',
    `flood: ${n(flood.published)} reads in ${n(flood.seconds, 2)} s (mid-run ${n(flood.midEventsPerS)} /s); received ${n(flood.received)}, lost ${flood.lost}, duplicated ${flood.duplicated}, reordered ${flood.reordered}, acked ${n(flood.acked)} (${flood.ackedWithoutLeaf} acked without a leaf)`,
    `  latency under saturation: ${lat(flood.latencyMs)}; load worker busy ${n(flood.workerElu * 100)}%`,
    `  ${phase('flood', flood.published)}`,
    `steady: ${n(steady.published)} reads at ${n(steady.achievedRate)} /s (target ${steady.targetRate}, bursts <= ${steady.maxBurst}); lost ${steady.lost}, duplicated ${steady.duplicated}, reordered ${steady.reordered}, acked ${n(steady.acked)} (${steady.ackedWithoutLeaf} acked without a leaf)`,
    `  publish -> socket: ${lat(steady.latencyMs)}`,
    `  publish -> ack:    ${lat(steady.ackLatencyMs)}`,
    `  worst latency per second of the phase (ms): ${steady.maxMsPerSecond.join(' ')}`,
    `  ${phase('steady', steady.published)}`,
    `verify: ${f.verify.ok ? 'intact' : `FAILED (${f.verify.problem})`}, ${n(f.verify.leaves)} leaves, ${f.verify.checkpointsVerified} checkpoints, ${n(f.verify.seconds, 2)} s`,
    `  log grown by ${n(f.grow.added)} leaves through the CustodyWriter alone at ${n(f.grow.writerEventsPerS)} events/s; checkpoint over it ${n(f.grow.checkpointMs)} ms`,
    `baseline: ${n(f.baseline.rows)} rows of ${n(f.baseline.rowBytes)} bytes, 3 indexes, 1,000 per transaction, WAL + synchronous=FULL, ${n(f.baseline.seconds, 2)} s`,
    '  note: each event writes 2 rows (device_events + log_entries, 5 index entries), the baseline 1 row per event',
  ];
  if (f.decoders.available) {
    out.push('decoders (reads/s):');
    const w = Math.max(...f.decoders.figures.map((d) => d.decoder.length));
    for (const d of f.decoders.figures) out.push(`  ${d.decoder.padEnd(w)}  ${n(d.readsPerSecond).padStart(12)}`);
  } else {
    out.push(`decoders: not available (${f.decoders.reason})`);
  }
  return out.join('\n');
}
