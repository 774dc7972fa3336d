import type { Transaction } from 'sequelize';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { signCheckpoint } from './checkpoint';
import { verifyCheckpointWithHistory } from './key-history';
import type { LogSigner } from './key-file';
import type { LogStore } from './log-store';
import { verifyConsistency } from './merkle';
import { MerkleTree } from './tree';
import type { SigningKey } from './signing-key';

export interface SignedCheckpoint {
  size: number;
  root: Buffer;
  note: string;
}

export class LogIntegrityError extends Error {}

/** A checkpoint was signed by someone else between reading the latest one and storing ours. */
export class CheckpointRaceError extends Error {}

/**
 * Signs C2SP checkpoints: periodically while the log grows, and on demand. A new checkpoint is
 * signed only after a consistency proof from the previous one verifies, so the server can never
 * sign a history that rewrites what it signed before.
 */
export class Checkpointer {
  private readonly tree: MerkleTree;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly log: Logger;

  constructor(
    private readonly deps: {
      store: LogStore;
      key: SigningKey;
      origin: string;
      clock: Clock;
      logger: Logger;
      intervalMs?: number;
      onIntegrityFailure?: (error: LogIntegrityError) => void;
      /**
       * Runs the checkpoint's INSERT on the process's own writer (the CustodyWriter's connection).
       * Without it the INSERT takes a second connection, which SQLite's busy handler makes wait in
       * sleeps of up to 100 ms behind the writer's back-to-back batches, and which in turn holds
       * the writer's next batch up just as long.
       */
      write?: <T>(work: (transaction: Transaction) => Promise<T>) => Promise<T>;
    },
  ) {
    // Hashing runs on the server's event loop: 4,096 leaves (a few ms) between reads, so a
    // checkpoint over a busy stretch never holds up live reads for a hundred milliseconds.
    this.tree = new MerkleTree(deps.store, { maxRead: 4096 });
    this.log = deps.logger.child({ component: 'checkpointer' });
  }

  /** Leaves just committed by this process's writer: their subtrees need not be read back (tree.ts). */
  learnCommitted(leaves: readonly { index: number; leafHash: Uint8Array }[]): void {
    for (const { index, leafHash } of leaves) this.tree.learn(index, leafHash);
  }

  start(): void {
    const tick = () => {
      this.timer = setTimeout(async () => {
        try {
          await this.checkpointNow();
        } catch (err) {
          this.log.error({ err: String(err) }, 'checkpoint failed');
        }
        if (this.timer) tick();
      }, this.deps.intervalMs ?? 10_000);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Signs the current size, unless the last checkpoint already covers it. One at a time. */
  async checkpointNow(): Promise<SignedCheckpoint | null> {
    return this.exclusive(async () => {
      // Another process may store a checkpoint between our read and our insert; then sign again
      // from the new one rather than hand back something older than the caller's entries.
      for (let attempt = 1; ; attempt++) {
        const signed = await this.sign(null);
        if (signed !== 'lost-race') return signed;
        if (attempt === 3) throw new Error('checkpoint: other processes kept signing checkpoints at the same time; try again');
      }
    });
  }

  /** Runs `work` while no checkpoint is being signed in this process (a key rotation uses it). */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.running) await this.running;
    const run = work();
    const mine = run.then(
      () => undefined,
      () => undefined,
    );
    this.running = mine;
    try {
      return await run;
    } finally {
      // A waiter may already have taken over: only clear our own turn.
      if (this.running === mine) this.running = null;
    }
  }

  /**
   * A key rotation's transition checkpoint: the current size signed by the retiring and the new
   * key, after the usual consistency proof. Call it inside exclusive(). Throws CheckpointRaceError
   * when that size is already signed or another process signed meanwhile.
   */
  async signTransition(retiring: LogSigner, successor: LogSigner): Promise<SignedCheckpoint> {
    const signed = await this.sign([retiring, successor]);
    if (signed === 'lost-race' || signed === null) throw new CheckpointRaceError('another checkpoint was signed at the same time as the transition checkpoint; try the rotation again');
    return signed;
  }

  /** `signers` null: the current key, and a size already signed is simply returned. */
  private async sign(signers: LogSigner[] | null): Promise<SignedCheckpoint | null | 'lost-race'> {
    const { store, key, origin, clock } = this.deps;
    await key.refresh();
    // The previous checkpoint first: the log only grows, so the size read after it is never smaller.
    const previous = await store.latestCheckpoint();
    const size = await store.size();
    if (previous && previous.tree_size === size) {
      if (signers) throw new CheckpointRaceError(`a checkpoint of size ${size} is already signed; the transition needs a new one`);
      return { size, root: previous.root_hash, note: previous.note };
    }
    if (size === 0) return null;
    const root = await this.tree.root(size);
    if (previous) {
      const prev = this.verifyStored(previous.note);
      const consistent = prev.size <= size && verifyConsistency(prev.size, size, await this.tree.consistencyProof(prev.size, size), prev.root, root);
      if (!consistent) {
        const error = new LogIntegrityError(
          `refusing to sign: the log of ${size} entries is not consistent with the checkpoint signed at ${prev.size}`,
        );
        this.deps.onIntegrityFailure?.(error);
        throw error;
      }
    }
    const note = signCheckpoint({ origin, size, root }, signers ?? key);
    const insert = (transaction?: Transaction) => store.insertCheckpointAfter(previous?.tree_size ?? null, size, root, note, clock.now(), transaction);
    if (!(await (this.deps.write ? this.deps.write(insert) : insert()))) return 'lost-race';
    this.log.debug({ size, signatures: signers?.length ?? 1 }, 'checkpoint signed');
    return { size, root, note };
  }

  private verifyStored(note: string): { size: number; root: Buffer } {
    try {
      return verifyCheckpointWithHistory(note, this.deps.key.history);
    } catch (err) {
      // Most likely a rotation in another process has signed its transition but not yet written
      // the key history (or died before it could): signing on with the old key would be wrong.
      throw new Error(
        `refusing to sign: the latest checkpoint does not verify with this office's keys (${(err as Error).message}); if a key rotation is running or was interrupted, let it finish or run \`safekeep log rotate-key\` again`,
        { cause: err },
      );
    }
  }
}
