import { performance } from 'node:perf_hooks';
import type { EventBus } from '../../server/ingest/event-bus';

/** What the server side did during one load phase: read off the bus and the process, nothing changed. */
export interface PhaseStats {
  seconds: number;
  commits: number;
  leaves: number;
  meanBatch: number;
  maxBatch: number;
  /** Busy share of the server's (main) thread: near 1 means the server's JS thread is the limit. */
  serverElu: number;
  /** CPU of the whole process (server, SQLite threads and the load worker), in cores. */
  processCores: number;
}

export class ServerMonitor {
  private current: { name: string; started: number; elu: ReturnType<typeof performance.eventLoopUtilization>; cpu: NodeJS.CpuUsage; commits: number; leaves: number; maxBatch: number } | null = null;
  readonly phases: Record<string, PhaseStats> = {};
  private readonly off: () => void;

  constructor(bus: EventBus) {
    this.off = bus.on('custody.committed', ({ leaves }) => {
      const c = this.current;
      if (!c) return;
      c.commits++;
      c.leaves += leaves.length;
      c.maxBatch = Math.max(c.maxBatch, leaves.length);
    });
  }

  start(name: string): void {
    this.current = { name, started: performance.now(), elu: performance.eventLoopUtilization(), cpu: process.cpuUsage(), commits: 0, leaves: 0, maxBatch: 0 };
  }

  end(): void {
    const c = this.current;
    if (!c) return;
    const seconds = (performance.now() - c.started) / 1000;
    const cpu = process.cpuUsage(c.cpu);
    this.phases[c.name] = {
      seconds,
      commits: c.commits,
      leaves: c.leaves,
      meanBatch: c.commits > 0 ? c.leaves / c.commits : 0,
      maxBatch: c.maxBatch,
      serverElu: performance.eventLoopUtilization(c.elu).utilization,
      processCores: (cpu.user + cpu.system) / 1e6 / seconds,
    };
    this.current = null;
  }

  stop(): void {
    this.off();
  }
}
