/**
 * Throughput of the custody log's hot paths, on one core:
 *   node --import tsx test/custody-log/bench.ts
 * (a) re-hashing stored leaf bytes into a MerkleFrontier (log verification);
 * (b) encodeLeaf + hashLeaf of a ~300-byte event (the writer, per event).
 * Not a vitest suite: timings belong in reports, not in pass/fail.
 */
import { encodeLeaf } from '../../server/custody-log/leaf';
import type { LeafEvent } from '../../server/custody-log/leaf';
import { hashLeaf } from '../../server/custody-log/merkle';
import { MerkleFrontier } from '../../server/custody-log/frontier';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function event(i: number): LeafEvent {
  return {
    type: 'record.checked_out',
    ts_server: new Date(Date.UTC(2026, 0, 5, 9, 0, 0, i % 1000)).toISOString(),
    device: 'reader-3f-east-02',
    actor: `act_${(i * 7919).toString(36).padStart(12, '0')}`,
    record: `rec_${(i % 5000).toString(36).padStart(12, '0')}`,
    location: 'loc_cabinet_3f_07',
    record_seq: 1 + Math.floor(i / 5000),
    record_prev: 'a'.repeat(64),
    evidence: [`rr_${i}`, i * 3],
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(label: string, runs: number, work: () => number): void {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const count = work();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(count / seconds);
  }
  out(`${label}: median ${Math.round(median(rates)).toLocaleString('en-US')}/s over ${runs} runs (min ${Math.round(Math.min(...rates)).toLocaleString('en-US')}, max ${Math.round(Math.max(...rates)).toLocaleString('en-US')})`);
}

// (b) first, while the heap is small: the 1M leaves kept alive for (a) make every GC slower.
const events = Array.from({ length: 200_000 }, (_, i) => event(i));
const eventBytes = encodeLeaf(events[0]!).length;
out(`node ${process.version}; events of ${eventBytes} leaf bytes`);
measure('(b) encodeLeaf + hashLeaf of one event, events', 5, () => {
  for (let i = 0; i < events.length; i++) hashLeaf(encodeLeaf(events[i]!));
  return events.length;
});

const N = Number(process.env.BENCH_LEAVES ?? 1_000_000);
const leaves = Array.from({ length: N }, (_, i) => encodeLeaf(event(i)));
const avg = leaves.reduce((s, l) => s + l.length, 0) / N;
out(`${N.toLocaleString('en-US')} stored leaves of ${avg.toFixed(0)} bytes on average`);
measure('(a) frontier re-hash from leaf bytes (hashLeaf + append), leaves', 5, () => {
  const f = new MerkleFrontier();
  for (let i = 0; i < leaves.length; i++) f.appendLeaf(leaves[i]!);
  f.root();
  return leaves.length;
});
