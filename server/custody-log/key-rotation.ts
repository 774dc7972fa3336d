import type { CustodyWriter } from '../ingest/custody-writer';
import type { Logger } from '../shared/logger';
import { encodeBase64 } from './base64';
import type { Checkpointer, SignedCheckpoint } from './checkpointer';
import { KEY_ROTATED_EVENT } from './key-history';
import type { KeyRotationRecord } from './key-history';
import { encodeLeaf } from './leaf';
import type { LogStore } from './log-store';
import { hashLeaf } from './merkle';
import type { SigningKey } from './signing-key';
import { MerkleTree } from './tree';

export { KeyRotationBusyError } from './rotation-lock';
export { CheckpointRaceError } from './checkpointer';

export interface KeyRotationDeps {
  key: SigningKey;
  writer: CustodyWriter;
  store: LogStore;
  checkpointer: Checkpointer;
  logger: Logger;
}

export interface KeyRotationResult {
  oldKey: string;
  newKey: string;
  /** The transition checkpoint, signed by both keys. */
  checkpoint: SignedCheckpoint;
}

/**
 * Rotates the checkpoint signing key, as one story the log itself tells:
 * 1. a `log.key_rotated` entry names the retiring and the new verifier key and who asked;
 * 2. the transition checkpoint, covering that entry, is signed by BOTH keys, after the usual
 *    consistency proof from the previous checkpoint;
 * 3. the key history gains the rotation (entry, inclusion proof, transition note), and from then
 *    on checkpoints are signed by the new key alone.
 * No other checkpoint is signed in this process meanwhile, so none slips in with the old key after
 * the transition; other processes are kept out by the rotation lock and the checkpoint insert's
 * check of the previous checkpoint.
 */
export async function rotateSigningKey(deps: KeyRotationDeps, actor: string): Promise<KeyRotationResult> {
  const { key, writer, store, checkpointer } = deps;
  let checkpoint: SignedCheckpoint | undefined;
  const rotation = await key.rotate(
    async (retiring, successor): Promise<KeyRotationRecord> => {
      const outcome = await writer.submit({
        run: (ctx) => ctx.append({ type: KEY_ROTATED_EVENT, actor, old_key: retiring.verifierKey, new_key: successor.verifierKey }),
      });
      const entry = outcome.duplicate ? undefined : outcome.leaves[0];
      if (!entry) throw new Error('key rotation: the log entry was not written');
      checkpoint = await checkpointer.signTransition(retiring, successor);
      const leaf = encodeLeaf(entry.event);
      if (!hashLeaf(leaf).equals(entry.leafHash)) throw new Error('key rotation: the log entry does not re-encode to its stored leaf');
      const proof = await new MerkleTree(store).inclusionProof(entry.index, checkpoint.size);
      return {
        old_key: retiring.verifierKey,
        new_key: successor.verifierKey,
        index: entry.index,
        leaf: encodeBase64(leaf),
        proof: proof.map((h) => encodeBase64(h)),
        checkpoint: checkpoint.note,
      };
    },
    (work) => checkpointer.exclusive(work),
  );
  if (!checkpoint) throw new Error('key rotation: no transition checkpoint was signed');
  // Verifier keys are public; the actor is a pseudonym. Nothing personal goes to the log file.
  deps.logger.child({ component: 'key-rotation' }).info({ old_key: rotation.retired.verifierKey, new_key: rotation.current.verifierKey, size: checkpoint.size }, 'log signing key rotated');
  return { oldKey: rotation.retired.verifierKey, newKey: rotation.current.verifierKey, checkpoint };
}
