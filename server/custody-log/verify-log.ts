import { singleKeyHistory, verifyCheckpointWithHistory, type VerifiedKeyHistory } from './key-history';
import { LeafHasher, type HashedPage } from './leaf-hasher';
import { LogChecker, LogProblem, type SignedRoot } from './log-checker';
import type { CheckpointRow, LogRow, LogStore } from './log-store';

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

/**
 * Re-derives everything from the stored leaf bytes and checks it against what cannot be forged
 * without the key: every signed checkpoint. Row-level checks come first because they pinpoint
 * the first bad index: gaps, stored hashes, the leaf's structure, strictly increasing ts_server (a
 * moved row breaks it), and each record's chain (record_seq, record_prev); see LogChecker.
 *
 * Each checkpoint must be signed by the key valid at its size (`keys`: one verifier key when it
 * was never rotated, else the verified key history), and every transition checkpoint of the
 * history must be stored: a history that claims a rotation the log never signed is refused.
 *
 * Three things run at once: the database reads page k+2 (LogStore.pages() reads ahead), a worker
 * thread hashes page k+1 (LeafHasher), and this thread checks page k.
 */
export async function verifyLog(store: LogStore, keys: string | VerifiedKeyHistory): Promise<VerifyReport> {
  const started = process.hrtime.bigint();
  const checkpoints = await store.checkpoints();
  let checker: LogChecker | null = null;
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;

  let hasher: LeafHasher | null = null;
  try {
    const history = typeof keys === 'string' ? singleKeyHistory(keys) : keys;
    const signed = checkpoints.map((cp) => checkSignature(cp, history));
    checkTransitionsStored(checkpoints, history);
    checker = new LogChecker(signed);
    hasher = new LeafHasher(signed.map((cp) => cp.size));
    let hashing: { rows: LogRow[]; hashed: Promise<HashedPage> } | null = null;
    for await (const rows of store.pages()) {
      const previous = hashing;
      hashing = { rows, hashed: hasher.hash(rows) };
      if (previous) checker.check(previous.rows, await previous.hashed);
    }
    if (hashing) checker.check(hashing.rows, await hashing.hashed);
    checker.finish();
  } catch (err) {
    if (!(err instanceof LogProblem)) throw err;
    return {
      ok: false,
      size: checker?.size ?? 0,
      checkpointsVerified: checker?.checkpointsVerified ?? 0,
      ...(err.index !== undefined ? { firstBadIndex: err.index } : {}),
      problem: err.message,
      ...(err.range ? { badRange: err.range } : {}),
      seconds: seconds(),
    };
  } finally {
    await hasher?.close();
  }
  return { ok: true, size: checker.size, checkpointsVerified: checker.checkpointsVerified, seconds: seconds() };
}

function checkSignature(cp: CheckpointRow, history: VerifiedKeyHistory): SignedRoot {
  let parsed: { size: number; root: Buffer };
  try {
    parsed = verifyCheckpointWithHistory(cp.note, history);
  } catch (err) {
    throw new LogProblem(undefined, `checkpoint ${cp.tree_size} does not verify: ${(err as Error).message}`);
  }
  if (parsed.size !== cp.tree_size || !parsed.root.equals(cp.root_hash)) {
    throw new LogProblem(undefined, `checkpoint ${cp.tree_size}: stored size or root differ from the signed note`);
  }
  return parsed;
}

function checkTransitionsStored(checkpoints: readonly CheckpointRow[], history: VerifiedKeyHistory): void {
  const stored = new Set(checkpoints.map((cp) => cp.tree_size));
  for (const size of history.transitions.keys()) {
    if (!stored.has(size)) throw new LogProblem(undefined, `the key history's transition checkpoint ${size} is not in the log's checkpoints`);
  }
}
