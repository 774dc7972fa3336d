import { Worker } from 'node:worker_threads';
import type { LoadConfig, LoadResult, WorkerMessage } from './protocol';

export interface LoadHooks {
  progress(text: string): void;
  phase(name: 'flood' | 'steady', state: 'start' | 'end'): void;
  thread(tid: number | null): void;
}

/**
 * Runs the load generator (load-worker.ts) in a worker thread and resolves with its figures.
 * A worker's entry file is loaded without the parent's `--import tsx` hooks, so a small ES module
 * registers tsx in the worker first and then imports the TypeScript entry.
 */
export function runLoad(config: LoadConfig, hooks: LoadHooks, timeoutMs: number): Promise<LoadResult> {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: config, stdout: false, stderr: false });
  return new Promise<LoadResult>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`load generator still running after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    let settled = false;
    const finish = (err: Error | null, result?: LoadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate().then(() => (err ? reject(err) : resolve(result!)));
    };
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'progress':
          hooks.progress(message.text);
          break;
        case 'phase':
          hooks.phase(message.name, message.state);
          break;
        case 'thread':
          hooks.thread(message.tid);
          break;
        case 'result':
          finish(null, message.result);
          break;
        case 'error':
          finish(new Error(`load generator failed: ${message.message}`));
          break;
      }
    });
    worker.on('error', (err) => finish(err));
    worker.on('exit', (code) => finish(new Error(`load generator exited (code ${code}) before reporting`)));
  });
}
