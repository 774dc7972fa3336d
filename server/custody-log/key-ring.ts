import { rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { readPrivateFile, syncDirectory, writePrivateFile } from '../shared/secret-file';
import { checkKeyName, readOrCreateSignerFile, readSignerFile } from './key-file';
import type { LogSigner } from './key-file';
import { emptyKeyHistory, parseKeyHistory, serializeKeyHistory, verifyKeyHistory } from './key-history';
import type { KeyRotationRecord, VerifiedKeyHistory } from './key-history';
import { acquireRotationLock } from './rotation-lock';
import type { SigningKey } from './signing-key';

/**
 * The log's signing keys in the data directory:
 * - `log-signing-key.pem`: the current private key;
 * - `log-key-history.json`: every rotation with its proofs (see key-history.ts);
 * - `log-signing-key.next.pem`: the successor while a rotation runs (or after one was interrupted);
 * - `log-key-rotation.lock`: held by the process rotating.
 *
 * The history file is the commit point of a rotation. Before it is written, the old key is still
 * current; once it is, the successor is, even if the process dies before it renames the next key
 * into place (the next load finishes that). So a crash never loses the current key, and never
 * leaves two keys each believing it is current.
 */

export const SIGNING_KEY_FILE = 'log-signing-key.pem';
export const NEXT_SIGNING_KEY_FILE = 'log-signing-key.next.pem';
export const KEY_HISTORY_FILE = 'log-key-history.json';
export const KEY_ROTATION_LOCK_FILE = 'log-key-rotation.lock';

export interface KeyRotation {
  retired: LogSigner;
  current: LogSigner;
  record: KeyRotationRecord;
}

/** Appends the rotation to the custody log and returns its proofs; called with the lock held. */
export type HandOver = (retiring: LogSigner, successor: LogSigner) => Promise<KeyRotationRecord>;

/** Runs the rotation's work with no checkpoint signed meanwhile (Checkpointer.exclusive). */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

interface KeyState {
  current: LogSigner;
  history: VerifiedKeyHistory;
  /** Identifies the files' versions: a change means another process rotated. */
  stamp: string;
}

export class LogKeyRing implements SigningKey {
  #state: KeyState;

  private constructor(
    private readonly dataDir: string,
    private readonly keyName: string,
    state: KeyState,
  ) {
    this.#state = state;
  }

  static async load(dataDir: string, keyName: string): Promise<LogKeyRing> {
    checkKeyName(keyName);
    return new LogKeyRing(dataDir, keyName, await loadKeyState(dataDir, keyName));
  }

  get name(): string {
    return this.#state.current.name;
  }

  get publicKey(): Buffer {
    return this.#state.current.publicKey;
  }

  get verifierKey(): string {
    return this.#state.current.verifierKey;
  }

  get history(): VerifiedKeyHistory {
    return this.#state.history;
  }

  sign(message: Buffer): Buffer {
    return this.#state.current.sign(message);
  }

  /** Picks up a rotation made by another process (the CLI while the server runs). */
  async refresh(): Promise<void> {
    if ((await stampOf(this.dataDir)) !== this.#state.stamp) this.#state = await loadKeyState(this.dataDir, this.keyName);
  }

  /**
   * Replaces the current key by a new one. `handOver` records the rotation in the log and signs
   * the transition checkpoint with both keys; only then is the history written and the new key
   * made current. Throws KeyRotationBusyError while another rotation runs, here or elsewhere.
   */
  async rotate(handOver: HandOver, exclusive: Exclusive = (work) => work()): Promise<KeyRotation> {
    // The lock first: a second request (a double click) is refused, not queued for a second rotation.
    const release = await acquireRotationLock(path.join(this.dataDir, KEY_ROTATION_LOCK_FILE));
    try {
      return await exclusive(() => this.rotateLocked(handOver));
    } finally {
      await release();
    }
  }

  private async rotateLocked(handOver: HandOver): Promise<KeyRotation> {
    // What is on disk is the truth: another process may have rotated since this one loaded.
    this.#state = await loadKeyState(this.dataDir, this.keyName);
    const retiring = this.#state.current;
    const nextFile = path.join(this.dataDir, NEXT_SIGNING_KEY_FILE);
    // An interrupted rotation left its successor here, and the log may already name it: reuse it.
    const successor = await readOrCreateSignerFile(nextFile, this.keyName);
    if (this.#state.history.keys.has(successor.verifierKey) || successor.verifierKey === retiring.verifierKey) {
      throw new Error(`signing key: ${nextFile} holds a key that was already used; move it away and try again`);
    }
    const record = await handOver(retiring, successor);
    const history = { ...this.#state.history.history, rotations: [...this.#state.history.history.rotations, record] };
    // Never write a history that would not verify: the server could not start with it.
    const verified = verifyKeyHistory(history, successor.verifierKey);
    // Replaced whole (rename), never edited in place; the new version is the old one plus this
    // rotation, so nothing earlier is lost. This write is the commit point.
    await writePrivateFile(path.join(this.dataDir, KEY_HISTORY_FILE), serializeKeyHistory(history), 'replace');
    // The retired private key is destroyed here, as the rename replaces its file. It has nothing
    // left to do: what it signed is stored and its public key is in the history. Kept, it would
    // only let whoever obtains it later sign back-dated checkpoints that pass as the office's.
    // (Unlinking does not scrub the disk and backups may still hold it: an office rotating after
    // a suspected leak should treat those copies as exposed.)
    await promoteSuccessor(this.dataDir);
    this.#state = { current: successor, history: verified, stamp: await stampOf(this.dataDir) };
    return { retired: retiring, current: successor, record };
  }
}

async function loadKeyState(dataDir: string, keyName: string): Promise<KeyState> {
  const stamp = await stampOf(dataDir);
  const historyText = await readPrivateFile(path.join(dataDir, KEY_HISTORY_FILE), 'key history');
  const history = historyText === undefined ? emptyKeyHistory() : parseKeyHistory(historyText);
  const currentFile = path.join(dataDir, SIGNING_KEY_FILE);
  const last = history.rotations[history.rotations.length - 1];
  let current: LogSigner;
  if (!last) {
    current = await readOrCreateSignerFile(currentFile, keyName);
  } else {
    // With a history, a missing key file is never replaced by a fresh key: that would be a silent
    // rotation nobody signed for.
    let found = await readSignerFile(currentFile, keyName);
    if (found?.verifierKey !== last.new_key) {
      // Crashed after the history was written, before the successor was renamed into place.
      const next = await readSignerFile(path.join(dataDir, NEXT_SIGNING_KEY_FILE), keyName);
      if (next?.verifierKey === last.new_key) {
        await promoteSuccessor(dataDir);
        found = next;
      } else {
        throw new Error(
          `signing key: the key history (${KEY_HISTORY_FILE}) says the current key is ${last.new_key}, but ${currentFile} holds ${found?.verifierKey ?? 'no key'}; restore the key file from a backup`,
        );
      }
    }
    current = found;
  }
  return { current, history: verifyKeyHistory(history, current.verifierKey), stamp };
}

async function promoteSuccessor(dataDir: string): Promise<void> {
  await rename(path.join(dataDir, NEXT_SIGNING_KEY_FILE), path.join(dataDir, SIGNING_KEY_FILE)).catch((error: NodeJS.ErrnoException) => {
    // Another process finishing the same interrupted rotation got there first.
    if (error.code !== 'ENOENT') throw error;
  });
  await syncDirectory(dataDir);
}

async function stampOf(dataDir: string): Promise<string> {
  const parts = await Promise.all(
    [KEY_HISTORY_FILE, SIGNING_KEY_FILE].map(async (file) => {
      const s = await stat(path.join(dataDir, file)).catch(() => null);
      return s ? `${s.ino}:${s.size}:${s.mtimeMs}` : '-';
    }),
  );
  return parts.join('|');
}
