import { performance } from 'node:perf_hooks';
import type { Sequelize } from 'sequelize';
import type { EventBus } from '../../server/ingest/event-bus';
import { ThreadCpuMeter, type ThreadCpu, type ThreadIds } from './thread-cpu';

/** What the server side did during one load phase: observed from outside, nothing changed. */
export interface PhaseStats {
  seconds: number;
  commits: number;
  leaves: number;
  meanBatch: number;
  maxBatch: number;
  /** Busy share of the server's (main) thread: near 1 means the server's JS thread is the limit. */
  serverElu: number;
  /** Busy share of the embedded broker's thread, when it has one. */
  brokerElu: number | null;
  /** CPU of the whole process (server, SQLite threads and the load worker), in cores. */
  processCores: number;
  /** Statements through sequelize (PRAGMAs of new connections are not among them). */
  queries: number;
  /** Per kind of statement: how many, and their summed wall time from sequelize's call to its answer. */
  queryKinds: Record<string, { count: number; ms: number }>;
  /** The slowest single statements, slowest first: a stall shows up here with its kind. */
  slowest: { kind: string; ms: number }[];
  /** Longest time between two commits while the phase ran, ms: how long the writer went silent. */
  longestCommitGapMs: number;
  /** CPU by thread (Linux): what each part of the pipeline costs, and how long the server thread waited for a core. */
  threads: ThreadCpu | null;
}

const SLOWEST_KEPT = 5;

type Elu = ReturnType<typeof performance.eventLoopUtilization>;
export type BrokerLoad = (since?: Elu) => Elu;

interface Current {
  started: number;
  elu: ReturnType<typeof performance.eventLoopUtilization>;
  brokerElu: ReturnType<typeof performance.eventLoopUtilization> | null;
  cpu: NodeJS.CpuUsage;
  commits: number;
  leaves: number;
  maxBatch: number;
  queries: number;
  kinds: Map<string, { count: number; ms: number }>;
  slowest: { kind: string; ms: number }[];
  lastCommit: number;
  longestGap: number;
}

/** "SELECT cabinet_visits", "INSERT device_events", "COMMIT": enough to see what a read costs. */
function kindOf(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
  const table = /\b(?:FROM|INTO|UPDATE)\s+[`"]?(\w+)/i.exec(sql)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/**
 * Per phase: commits and batch sizes from the bus, event-loop use and CPU from the process, and
 * every statement sequelize runs, through its public beforeQuery/afterQuery hooks.
 */
export class ServerMonitor {
  private current: Current | null = null;
  private phaseName = '';
  readonly phases: Record<string, PhaseStats> = {};
  private readonly off: () => void;
  private readonly startedAt = new WeakMap<object, number>();
  private readonly threadCpu = new ThreadCpuMeter();

  constructor(
    bus: EventBus,
    private readonly sequelize: Sequelize,
    /** The broker thread's own event-loop utilization (Worker.performance), when there is one. */
    private readonly brokerLoad: BrokerLoad | null = null,
    /** Kernel ids of the broker's and the load generator's threads, as far as known. */
    private readonly threadIds: () => ThreadIds = () => ({ broker: null, load: null }),
  ) {
    this.off = bus.on('custody.committed', ({ leaves }) => {
      const c = this.current;
      if (!c) return;
      const at = performance.now();
      c.longestGap = Math.max(c.longestGap, at - c.lastCommit);
      c.lastCommit = at;
      c.commits++;
      c.leaves += leaves.length;
      c.maxBatch = Math.max(c.maxBatch, leaves.length);
    });
    sequelize.addHook('beforeQuery', 'bench-monitor', (_options: unknown, query: object) => {
      if (this.current) this.startedAt.set(query, performance.now());
    });
    sequelize.addHook('afterQuery', 'bench-monitor', (_options: unknown, query: object) => {
      const c = this.current;
      const t0 = this.startedAt.get(query);
      if (!c || t0 === undefined) return;
      const kind = kindOf((query as { sql?: string }).sql ?? '');
      const k = c.kinds.get(kind) ?? { count: 0, ms: 0 };
      const ms = performance.now() - t0;
      k.count++;
      k.ms += ms;
      if (c.slowest.length < SLOWEST_KEPT || ms > c.slowest[c.slowest.length - 1]!.ms) {
        c.slowest.push({ kind, ms });
        c.slowest.sort((a, b) => b.ms - a.ms);
        c.slowest.length = Math.min(c.slowest.length, SLOWEST_KEPT);
      }
      c.kinds.set(kind, k);
      c.queries++;
    });
  }

  start(name: string): void {
    this.phaseName = name;
    this.threadCpu.start();
    const started = performance.now();
    this.current = { started, elu: performance.eventLoopUtilization(), brokerElu: this.brokerLoad?.() ?? null, cpu: process.cpuUsage(), commits: 0, leaves: 0, maxBatch: 0, queries: 0, kinds: new Map(), slowest: [], lastCommit: started, longestGap: 0 };
  }

  end(): void {
    const c = this.current;
    const name = this.phaseName;
    if (!c) return;
    const seconds = (performance.now() - c.started) / 1000;
    const cpu = process.cpuUsage(c.cpu);
    this.phases[name] = {
      seconds,
      commits: c.commits,
      leaves: c.leaves,
      meanBatch: c.commits > 0 ? c.leaves / c.commits : 0,
      maxBatch: c.maxBatch,
      serverElu: performance.eventLoopUtilization(c.elu).utilization,
      brokerElu: c.brokerElu && this.brokerLoad ? this.brokerLoad(c.brokerElu).utilization : null,
      processCores: (cpu.user + cpu.system) / 1e6 / seconds,
      queries: c.queries,
      queryKinds: Object.fromEntries([...c.kinds].sort((a, b) => b[1].ms - a[1].ms)),
      slowest: c.slowest,
      longestCommitGapMs: Math.max(c.longestGap, performance.now() - c.lastCommit),
      threads: this.threadCpu.end(this.threadIds()),
    };
    this.current = null;
  }

  stop(): void {
    this.off();
    this.sequelize.removeHook('beforeQuery', 'bench-monitor');
    this.sequelize.removeHook('afterQuery', 'bench-monitor');
  }
}
