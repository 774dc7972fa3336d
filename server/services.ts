import type { Database } from './db/connect';
import type { CustodyWriter } from './ingest/custody-writer';
import type { EventBus } from './ingest/event-bus';
import type { LogStore } from './custody-log/log-store';
import type { Checkpointer } from './custody-log/checkpointer';
import type { SigningKey } from './custody-log/signing-key';
import type { Directory } from './domain/directory';
import type { Clock } from './shared/clock';
import type { Logger } from './shared/logger';
import type { AuthServices } from './auth/auth-services';

export interface BrokerStatus {
  ok: boolean;
  mode: 'embedded' | 'external';
  url: string;
}

/**
 * The service layer that HTTP routes, sockets and the CLI share: everything a handler may touch,
 * injected, so no module reaches for a singleton.
 */
export interface Services {
  db: Database;
  bus: EventBus;
  writer: CustodyWriter;
  store: LogStore;
  checkpointer: Checkpointer;
  directory: Directory;
  key: SigningKey;
  /** `safekeep/<office id>`: the checkpoint origin. */
  origin: string;
  clock: Clock;
  logger: Logger;
  /** Where files the office keeps live (certificates of destruction, keys). */
  dataDir: string;
  brokerStatus(): BrokerStatus;
  auth: AuthServices;
  /** Origins a browser request may come from: the server's own URLs (known once it listens). */
  allowedOrigins(): ReadonlySet<string>;
  /** Ends every live socket of a user (logout, disabled, password changed). */
  disconnectUser(userId: string): void;
}
