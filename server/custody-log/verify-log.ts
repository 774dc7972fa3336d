import { Worker } from 'node:worker_threads';
import { verifyCheckpoint } from './checkpoint';
import {
  LogChecker,
  LogProblem,
  packPage,
  transferablesOf,
  type CheckerMessage,
  type CheckOutcome,
  type HostMessage,
  type PackedPage,
  type SignedRoot,
} from './log-checker';
import type { CheckpointRow, LogStore } from './log-store';

export interface VerifyReport {
  ok: boolean;
  /** Leaves read. */
  size: number;
  checkpointsVerified: number;
  /** The first index at which the stored log is not what was written. */
  firstBadIndex?: number;
  problem?: string;
  /** When a signed root fails and no row-level check found the cause: the range that holds it. */
  badRange?: [number, number];
  seconds: number;
}

export interface VerifyOptions {
  /**
   * Check the rows in a worker thread while the main thread reads the next pages: about twice the
   * speed on two cores. 'auto' (the default) uses one when the log is more than a page long.
   */
  worker?: boolean | 'auto';
}

/** Rows per page read. Logs of at most one page are checked without a worker, which costs ~0.1 s to start. */
const PAGE_SIZE = Number(process.env.VB_PAGE ?? 10_000);
/** Pages handed to the worker and not yet checked: enough to keep it busy, few enough to bound memory. */
const MAX_IN_FLIGHT = Number(process.env.VB_INFLIGHT ?? 2);

/**
 * Re-derives everything from the stored leaf bytes and checks it against what cannot be forged
 * without the key: every signed checkpoint. Row-level checks come first because they pinpoint
 * the first bad index: gaps, stored hashes, the leaf's structure, strictly increasing ts_server (a
 * moved row breaks it), and each record's chain (record_seq, record_prev). See LogChecker.
 */
export async function verifyLog(store: LogStore, verifierKey: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const checkpoints = await store.checkpoints();
  let signed: SignedRoot[];
  try {
    signed = checkpoints.map((cp) => checkSignature(cp, verifierKey));
  } catch (err) {
    if (!(err instanceof LogProblem)) throw err;
    return { ok: false, size: 0, checkpointsVerified: 0, problem: err.message, seconds: seconds() };
  }

  const mode = options.worker ?? (process.env.VB_MODE === 'inline' ? false : process.env.VB_MODE === 'worker' ? true : 'auto');
  let checker: PageChecker | null = null;
  let outcome: CheckOutcome;
  try {
    for await (const page of store.pages(PAGE_SIZE)) {
      checker ??= mode === true || (mode === 'auto' && page.length >= PAGE_SIZE) ? new WorkerChecker(signed) : new InlineChecker(signed);
      if (!(await checker.check(packPage(page)))) break;
    }
    checker ??= new InlineChecker(signed);
    outcome = await checker.finish();
  } finally {
    await checker?.close();
  }
  const { problem } = outcome;
  if (!problem) return { ok: true, size: outcome.size, checkpointsVerified: outcome.checkpointsVerified, seconds: seconds() };
  return {
    ok: false,
    size: outcome.size,
    checkpointsVerified: outcome.checkpointsVerified,
    ...(problem.index !== undefined ? { firstBadIndex: problem.index } : {}),
    problem: problem.message,
    ...(problem.range ? { badRange: problem.range } : {}),
    seconds: seconds(),
  };
}

function checkSignature(cp: CheckpointRow, verifierKey: string): SignedRoot {
  let parsed: { size: number; root: Buffer };
  try {
    parsed = verifyCheckpoint(cp.note, verifierKey);
  } catch (err) {
    throw new LogProblem(undefined, `checkpoint ${cp.tree_size} does not verify: ${(err as Error).message}`);
  }
  if (parsed.size !== cp.tree_size || !parsed.root.equals(cp.root_hash)) {
    throw new LogProblem(undefined, `checkpoint ${cp.tree_size}: stored size or root differ from the signed note`);
  }
  return parsed;
}

/** Runs a LogChecker over pages, here or in a worker. */
interface PageChecker {
  /** Hands over the next page; false once a problem was found and no further pages are wanted. */
  check(page: PackedPage): Promise<boolean>;
  /** After the last page (or a false from check): the outcome. */
  finish(): Promise<CheckOutcome>;
  close(): Promise<void>;
}

function outcomeOf(checker: LogChecker, err?: unknown): CheckOutcome {
  const base = { size: checker.size, checkpointsVerified: checker.checkpointsVerified };
  if (err === undefined) return base;
  if (!(err instanceof LogProblem)) throw err;
  return { ...base, problem: { ...(err.index !== undefined ? { index: err.index } : {}), message: err.message, ...(err.range ? { range: err.range } : {}) } };
}

class InlineChecker implements PageChecker {
  readonly #checker: LogChecker;
  #outcome: CheckOutcome | null = null;

  constructor(signed: readonly SignedRoot[]) {
    this.#checker = new LogChecker(signed);
  }

  async check(page: PackedPage): Promise<boolean> {
    try {
      this.#checker.check(page);
      return true;
    } catch (err) {
      this.#outcome = outcomeOf(this.#checker, err);
      return false;
    }
  }

  async finish(): Promise<CheckOutcome> {
    if (this.#outcome) return this.#outcome;
    try {
      this.#checker.finish();
      return outcomeOf(this.#checker);
    } catch (err) {
      return outcomeOf(this.#checker, err);
    }
  }

  async close(): Promise<void> {}
}

/**
 * A worker's entry file is loaded without the parent's tsx hooks (the CLI registers tsx through its
 * API, vitest through its own loader), so a small ES module registers tsx in the worker first.
 */
function workerSource(): string {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./verify-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

/** Checks pages in verify-worker.ts; at most MAX_IN_FLIGHT pages wait there at any time. */
class WorkerChecker implements PageChecker {
  readonly #worker: Worker;
  /** Settles once: with the worker's outcome, or with why it failed. */
  readonly #result: Promise<CheckOutcome>;
  #settled = false;
  #inFlight = 0;
  #wake: (() => void) | null = null;

  constructor(signed: readonly SignedRoot[]) {
    this.#worker = new Worker(workerSource(), { eval: true, workerData: { signed }, ...(process.env.VB_YOUNG ? { resourceLimits: { maxYoungGenerationSizeMb: Number(process.env.VB_YOUNG) } } : {}) });
    this.#result = new Promise<CheckOutcome>((resolve, reject) => {
      const settle = (fn: () => void) => {
        if (this.#settled) return;
        this.#settled = true;
        fn();
        this.#notify();
      };
      this.#worker.on('message', (message: CheckerMessage) => {
        if (message.type === 'checked') {
          this.#inFlight--;
          this.#notify();
        } else if (message.type === 'done') {
          const { type: _type, ...outcome } = message;
          settle(() => resolve(outcome));
        } else {
          const error = new Error(`log verification worker failed: ${message.message}`);
          if (message.stack) error.stack = `${error.message}\n--- in the worker: ${message.stack}`;
          settle(() => reject(error));
        }
      });
      this.#worker.on('error', (err) => settle(() => reject(new Error(`log verification worker failed: ${err.message}`, { cause: err }))));
      this.#worker.on('exit', (code) => settle(() => reject(new Error(`log verification worker exited (code ${code}) before it was done`))));
    });
    // Read by finish(); until then a failure must not count as unhandled.
    this.#result.catch(() => undefined);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async check(page: PackedPage): Promise<boolean> {
    while (this.#inFlight >= MAX_IN_FLIGHT && !this.#settled) await new Promise<void>((wake) => (this.#wake = wake));
    if (this.#settled) return false;
    this.#inFlight++;
    this.#post({ type: 'page', page }, transferablesOf(page));
    return true;
  }

  async finish(): Promise<CheckOutcome> {
    if (!this.#settled) this.#post({ type: 'end' });
    return this.#result;
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  #post(message: HostMessage, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(message, transfer);
  }
}
