import { parentPort, workerData } from 'node:worker_threads';
import { LogChecker, LogProblem, type CheckerMessage, type HostMessage, type SignedRoot } from './log-checker';

/**
 * Worker thread of `log verify` (started by verify-log.ts): runs the LogChecker over the pages the
 * main thread reads from the database and hands over, so reading and checking use both cores.
 * Answers every page with `checked`, and ends with one `done` (the outcome) or `error` (a bug,
 * never a finding about the log). After that it ignores further messages until terminated.
 */
const port = parentPort;
if (!port) throw new Error('verify-worker.ts runs only as a worker thread');
const checker = new LogChecker((workerData as { signed: SignedRoot[] }).signed);
let over = false;

const send = (message: CheckerMessage) => port.postMessage(message);

port.on('message', (message: HostMessage) => {
  if (over) return;
  try {
    if (message.type === 'page') {
      checker.check(message.page);
      send({ type: 'checked' });
    } else {
      checker.finish();
      over = true;
      send({ type: 'done', size: checker.size, checkpointsVerified: checker.checkpointsVerified });
    }
  } catch (err) {
    over = true;
    if (err instanceof LogProblem) {
      send({
        type: 'done',
        size: checker.size,
        checkpointsVerified: checker.checkpointsVerified,
        problem: { ...(err.index !== undefined ? { index: err.index } : {}), message: err.message, ...(err.range ? { range: err.range } : {}) },
      });
    } else {
      const error = err instanceof Error ? err : new Error(String(err));
      send({ type: 'error', message: error.message, ...(error.stack ? { stack: error.stack } : {}) });
    }
  }
});
