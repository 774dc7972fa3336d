import { readdirSync, readFileSync } from 'node:fs';

/** Time one thread spent on a core, and waiting for one while it was ready to run, in seconds. */
export interface ThreadTime {
  ran: number;
  waited: number;
}

/** Where a phase's CPU went, by the part of the bench each thread plays. */
export interface ThreadCpu {
  server: ThreadTime;
  /** The embedded broker's thread; null when its id is unknown. */
  broker: ThreadTime | null;
  /** The load generator's thread (the boards and the dashboard): not the server's cost. */
  load: ThreadTime | null;
  /** Every other thread: SQLite's (libuv's pool) and V8's (garbage collection, compilation). */
  other: ThreadTime;
}

export interface ThreadIds {
  broker: number | null;
  load: number | null;
}

type Snapshot = Map<number, ThreadTime>;

/**
 * Per-thread CPU of this process from /proc/self/task/<tid>/schedstat (Linux; nanoseconds on a
 * core, then nanoseconds runnable but waiting). Elsewhere it is empty and phases report null.
 */
function snapshot(): Snapshot {
  const out: Snapshot = new Map();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const [ran, waited] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
      out.set(Number(tid), { ran: ran! / 1e9, waited: waited! / 1e9 });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

export class ThreadCpuMeter {
  private before: Snapshot = new Map();

  start(): void {
    this.before = snapshot();
  }

  /** CPU since start() by role; null where /proc can't be read. Threads that ended meanwhile are left out. */
  end(ids: ThreadIds): ThreadCpu | null {
    const after = snapshot();
    if (after.size === 0) return null;
    const delta = (tid: number): ThreadTime => {
      const a = after.get(tid);
      const b = this.before.get(tid) ?? { ran: 0, waited: 0 };
      return a ? { ran: a.ran - b.ran, waited: a.waited - b.waited } : { ran: 0, waited: 0 };
    };
    const server = process.pid;
    const other: ThreadTime = { ran: 0, waited: 0 };
    for (const tid of after.keys()) {
      if (tid === server || tid === ids.broker || tid === ids.load) continue;
      const d = delta(tid);
      other.ran += d.ran;
      other.waited += d.waited;
    }
    return {
      server: delta(server),
      broker: ids.broker === null ? null : delta(ids.broker),
      load: ids.load === null ? null : delta(ids.load),
      other,
    };
  }
}
