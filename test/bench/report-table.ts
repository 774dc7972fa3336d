import type { Distribution } from './load/protocol';
import { cpuPerRead, TARGETS, type BenchFigures } from './report';
import type { PhaseStats } from './server-monitor';

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const lat = (d: Distribution) => `p50 ${n(d.p50, 2)} / p90 ${n(d.p90, 2)} / p99 ${n(d.p99, 2)} / p99.9 ${n(d.p999, 2)} / max ${n(d.max, 2)} ms`;

/** `saturated`: the phase ran as fast as it could, so CPU per read says what two cores can carry. */
function phase(p: PhaseStats | undefined, reads: number, cores: number, saturated = false): string[] {
  if (!p || reads === 0) return [];
  const cpu = cpuPerRead(p, reads, cores, saturated);
  const kinds = Object.entries(p.queryKinds)
    .slice(0, 8)
    .map(([k, v]) => `${k} ${n(v.count / reads, 2)}/read ${n((v.ms * 1000) / v.count)} µs`)
    .join('; ');
  return [
    `  server: ${n(p.leaves)} leaves (${n(p.leaves / reads, 2)} per read) in ${n(p.commits)} commits, mean ${n(p.meanBatch, 1)} leaves per commit, max ${n(p.maxBatch)}; server thread busy ${n(p.serverElu * 100)}%${p.brokerElu === null ? '' : `, broker thread ${n(p.brokerElu * 100)}%`}, process ${n(p.processCores, 2)} cores`,
    `  sql: ${n(p.queries / reads, 2)} statements per read through sequelize; by wall time (count per read, mean from call to answer): ${kinds}`,
    `  stalls: longest time without a commit ${n(p.longestCommitGapMs)} ms; slowest statements: ${p.slowest.map((q) => `${q.kind} ${n(q.ms)} ms`).join(', ')}`,
    ...(cpu
      ? [
          `  cpu per read: server thread ${n(cpu.server)} µs (and ${n(cpu.server_waited_for_core)} µs ready but waiting for a core), broker thread ${cpu.broker === null ? 'n/a' : `${n(cpu.broker)} µs`}, load generator ${cpu.load_generator === null ? 'n/a' : `${n(cpu.load_generator)} µs`}, other threads (SQLite, garbage collection) ${n(cpu.other)} µs; total ${n(cpu.total)} µs${cpu.max_reads_per_s === null ? '' : `: ${cores} cores carry at most ${n(cpu.max_reads_per_s)} reads/s at this cost (${n(cpu.max_reads_per_s_without_load_generator ?? Number.NaN)} without the load generator)`}`,
        ]
      : []),
  ];
}

/** Where one commit's time goes: the statements sequelize runs, and the rest (connection, PRAGMAs, JS). */
function commitParts(p: PhaseStats | undefined, p50: number): string[] {
  if (!p || p.commits === 0) return [];
  const parts = Object.entries(p.queryKinds).map(([k, v]) => [k, (v.ms * 1000) / p.commits] as const);
  const inStatements = parts.reduce((sum, [, us]) => sum + us, 0);
  const mean = (p.seconds * 1e6) / p.commits;
  return [
    `    per commit (mean ${n(mean)} µs, p50 ${n(p50 * 1000)} µs): ${parts.map(([k, us]) => `${k} ${n(us)} µs`).join('; ')}; outside statements (new connection, its PRAGMAs, JS) ${n(mean - inStatements)} µs`,
  ];
}

/** The readable table and the details behind it. */
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
  const m = f.machine;
  const out = [
    `Safekeep bench: ${m.cores} cores (load average ${n(m.loadBefore, 2)} before, ${n(m.loadAfter, 2)} after), Node ${m.node}, SQLite ${m.sqlite}, ${f.config.boards} cabinet boards, ${n(f.totalSeconds, 1)} s`,
    '',
    line(['measure', 'figure', 'target', '']),
    ...rows.map(line),
    '',
    `flood: ${n(flood.published)} reads in ${n(flood.seconds, 2)} s (mid-run ${n(flood.midEventsPerS)} /s) after ${n(f.config.warmupEvents)} uncounted, at most ${n(f.config.window)} un-acked; received ${n(flood.received)}, lost ${flood.lost}, duplicated ${flood.duplicated}, reordered ${flood.reordered}; never acked ${flood.notAcked}, acked without a leaf ${flood.ackedWithoutLeaf}`,
    `  publish -> socket under saturation: ${lat(flood.latencyMs)}; load worker busy ${n(flood.workerElu * 100)}%`,
    `  badge -> unlock under saturation:   ${lat(flood.unlockLatencyMs)}; badges never unlocked ${flood.unanswered}`,
    ...phase(f.phases.flood, flood.published, f.machine.cores, true),
    `steady: ${n(steady.published)} reads at ${n(steady.achievedRate)} /s (target ${steady.targetRate}, bursts <= ${steady.maxBurst}); lost ${steady.lost}, duplicated ${steady.duplicated}, reordered ${steady.reordered}; never acked ${steady.notAcked}, acked without a leaf ${steady.ackedWithoutLeaf}`,
    `  publish -> socket: ${lat(steady.latencyMs)}`,
    `  publish -> ack:    ${lat(steady.ackLatencyMs)}`,
    `  badge -> unlock:   ${lat(steady.unlockLatencyMs)}   (target p99 <= 100 ms); badges never unlocked ${steady.unanswered}`,
    `  worst latency per second of the phase (ms): ${steady.maxMsPerSecond.join(' ')}`,
    ...phase(f.phases.steady, steady.published, f.machine.cores),
    'diagnostics:',
    f.direct
      ? `  without MQTT (reads emitted on the bus: ingest + workflows + writer + socket): ${n(f.direct.eventsPerS)} events/s over ${n(f.direct.events)} reads, server thread busy ${n(f.direct.serverElu * 100)}%${f.direct.notStored ? `, ${f.direct.notStored} not stored` : ''}`
      : '  without MQTT: skipped',
    ...phase(f.phases.direct, f.direct?.events ?? 0, f.machine.cores).map((l) => `  ${l}`),
    `  one-read commits on an idle writer: ${lat(f.singleCommitMs)}`,
    ...commitParts(f.phases.single, f.singleCommitMs.p50),
    `  one in-transaction SELECT (the workflows' openVisit) on an idle server: through sequelize ${n(f.statement.sequelizeUs)} µs wall / ${n(f.statement.sequelizeCpuUs)} µs CPU; on the raw sqlite3 connection ${n(f.statement.rawUs)} µs wall / ${n(f.statement.rawCpuUs)} µs CPU`,
    f.grow.added > 0
      ? `  writer alone, raw reads without workflows: ${n(f.grow.writerEventsPerS)} events/s (${n(f.grow.added)} leaves grown for verify); a checkpoint over them ${n(f.grow.checkpointMs)} ms`
      : '  writer alone: skipped (log already large enough)',
    `verify: ${f.verify.ok ? 'intact' : `FAILED (${f.verify.problem})`}, ${n(f.verify.leaves)} leaves, ${f.verify.checkpointsVerified} checkpoints, ${n(f.verify.seconds, 2)} s`,
    `baseline: ${n(f.baseline.rows)} rows of ${n(f.baseline.rowBytes)} bytes, 3 indexes, 1,000 per transaction, WAL + synchronous=FULL, ${n(f.baseline.seconds, 2)} s; one row per transaction: p50 ${n(f.baseline.singleRowCommitMs.p50, 2)} / p99 ${n(f.baseline.singleRowCommitMs.p99, 2)} ms per commit`,
    '  note: each event writes 2 rows (device_events + log_entries, 5 index entries) plus its workflow facts; the baseline 1 row per event',
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
