import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { signCheckpoint, verifyCheckpoint } from './checkpoint';
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

/**
 * Signs C2SP checkpoints: periodically while the log grows, and on demand. A new checkpoint is
 * signed only after a consistency proof from the previous one verifies, so the server can never
 * sign a history that rewrites what it signed before.
 */
export class Checkpointer {
  private readonly tree: MerkleTree;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SignedCheckpoint | null> | null = null;
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
    },
  ) {
    this.tree = new MerkleTree(deps.store);
    this.log = deps.logger.child({ component: 'checkpointer' });
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
    while (this.running) await this.running;
    this.running = this.sign().finally(() => (this.running = null));
    return this.running;
  }

  private async sign(): Promise<SignedCheckpoint | null> {
    const { store, key, origin, clock } = this.deps;
    const size = await store.size();
    const previous = await store.latestCheckpoint();
    if (previous && previous.tree_size === size) {
      return { size, root: previous.root_hash, note: previous.note };
    }
    if (size === 0) return null;
    const root = await this.tree.root(size);
    if (previous) {
      const prev = verifyCheckpoint(previous.note, key.verifierKey);
      const consistent = prev.size <= size && verifyConsistency(prev.size, size, await this.tree.consistencyProof(prev.size, size), prev.root, root);
      if (!consistent) {
        const error = new LogIntegrityError(
          `refusing to sign: the log of ${size} entries is not consistent with the checkpoint signed at ${prev.size}`,
        );
        this.deps.onIntegrityFailure?.(error);
        throw error;
      }
    }
    const note = signCheckpoint({ origin, size, root }, key);
    await store.insertCheckpoint(size, root, note, clock.now());
    this.log.debug({ size }, 'checkpoint signed');
    return { size, root, note };
  }
}
