import type { LogSigner } from './key-file';
import type { VerifiedKeyHistory } from './key-history';
import { LogKeyRing } from './key-ring';
import type { Exclusive, HandOver, KeyRotation } from './key-ring';

/**
 * The log's Ed25519 checkpoint signing key, kept as PKCS#8 PEM in `<dataDir>/log-signing-key.pem`.
 *
 * The key is the log's identity: every checkpoint ever exported names it. It is created once and
 * never silently replaced, even if two processes start at the same moment. It can be rotated
 * (`safekeep log rotate-key`), and then the key history keeps every earlier checkpoint verifiable:
 * see key-ring.ts and key-history.ts.
 */

export { SIGNING_KEY_FILE, KEY_HISTORY_FILE } from './key-ring';
export type { LogSigner } from './key-file';

/** The current key, plus what is needed to check checkpoints signed before a rotation. */
export interface SigningKey extends LogSigner {
  /** Every rotation so far, verified, and when each key was valid. */
  readonly history: VerifiedKeyHistory;
  /** Picks up a rotation made by another process. */
  refresh(): Promise<void>;
  rotate(handOver: HandOver, exclusive?: Exclusive): Promise<KeyRotation>;
}

export async function loadOrCreateSigningKey(dataDir: string, keyName: string): Promise<SigningKey> {
  return LogKeyRing.load(dataDir, keyName);
}
