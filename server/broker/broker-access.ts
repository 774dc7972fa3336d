import { createHash, timingSafeEqual } from 'node:crypto';
import type { Board } from '../../devices/firmware-config/boards';
import { decoyHash, SERVER_USERNAME, verifyPassword, type MqttCredentialStore } from './credential-store';
import { aclOverlaps, boardAcl, serverAcl, type TopicAcl } from './topic-acl';

/**
 * Who may log in to the embedded broker and what each account may do: the office's boards (from
 * the same board list `firmware-config` uses) with the passwords in the credential store, and the
 * server's own account. Nothing here knows about sockets; embedded-broker.ts wires it to aedes.
 */

export interface BrokerAccount {
  username: string;
  role: 'server' | 'board';
  /** The board name (boards.ts) for a board account. */
  board?: string;
  acl: TopicAcl;
}

export interface ThrottlePolicy {
  /** Failed logins from one address allowed within `windowMs` before it is refused outright. */
  freeFailures: number;
  windowMs: number;
  /** The first refusal period; it doubles with each further failure, up to `maxBlockMs`. */
  firstBlockMs: number;
  maxBlockMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { freeFailures: 5, windowMs: 60_000, firstBlockMs: 1_000, maxBlockMs: 60_000 };

/** Bounded: an address flood cannot grow it without limit. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Slows password guessing per client address: a few failures are free, then the address is
 * refused without a password check for a period that doubles with every further failure. A
 * success does not reset the count (a board's own login must not buy guesses at other accounts);
 * failures simply age out of the window.
 */
export class FailureThrottle {
  private readonly entries = new Map<string, { failures: number; since: number; blockedUntil: number }>();

  constructor(
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  blocked(address: string): boolean {
    const entry = this.current(address);
    return entry !== undefined && entry.blockedUntil > this.now();
  }

  failed(address: string): void {
    const now = this.now();
    const entry = this.current(address) ?? { failures: 0, since: now, blockedUntil: 0 };
    entry.failures++;
    const over = entry.failures - this.policy.freeFailures;
    if (over > 0) entry.blockedUntil = now + Math.min(this.policy.firstBlockMs * 2 ** Math.min(over - 1, 30), this.policy.maxBlockMs);
    this.entries.delete(address);
    this.entries.set(address, entry);
    if (this.entries.size > MAX_TRACKED_ADDRESSES) this.prune(now);
  }

  private current(address: string) {
    const entry = this.entries.get(address);
    if (entry && entry.since + this.policy.windowMs <= this.now() && entry.blockedUntil <= this.now()) {
      this.entries.delete(address);
      return undefined;
    }
    return entry;
  }

  private prune(now: number): void {
    for (const [address, e] of this.entries) {
      if (e.since + this.policy.windowMs <= now && e.blockedUntil <= now) this.entries.delete(address);
    }
    // Still too many: drop the least recently failing.
    for (const address of this.entries.keys()) {
      if (this.entries.size <= MAX_TRACKED_ADDRESSES) break;
      this.entries.delete(address);
    }
  }
}

export type AuthResult = { ok: true; account: BrokerAccount } | { ok: false; reason: 'throttled' | 'bad-credentials' };

export class BrokerAccess {
  private readonly accounts = new Map<string, BrokerAccount>();
  private readonly throttle: FailureThrottle;
  /**
   * The last password each account logged in with, as SHA-256 next to the stored hash it was
   * checked against: a reconnect (every board at once after a broker restart) then costs a hash,
   * not a scrypt. A changed stored hash, or any other password, takes the full check again.
   */
  private readonly verified = new Map<string, { stored: string; digest: Buffer }>();

  constructor(
    private readonly deps: {
      store: MqttCredentialStore;
      boards: readonly Board[];
      throttle?: Partial<ThrottlePolicy>;
      now?: () => number;
    },
  ) {
    this.throttle = new FailureThrottle({ ...DEFAULT_THROTTLE, ...deps.throttle }, deps.now ?? Date.now);
    const server = deps.store.server().username;
    this.accounts.set(server, { username: server, role: 'server', acl: serverAcl(deps.boards) });
    for (const board of deps.boards) {
      // boards.ts already refuses two boards with one username; the server's name is reserved too.
      if (board.username === server) throw new Error(`board "${board.name}" may not log in as ${SERVER_USERNAME}, the server's own MQTT account`);
      this.accounts.set(board.username, { username: board.username, role: 'board', board: board.name, acl: boardAcl(board) });
    }
  }

  get store(): MqttCredentialStore {
    return this.deps.store;
  }

  account(username: string): BrokerAccount | undefined {
    return this.accounts.get(username);
  }

  /** Topic overlaps between boards, for the log: such boards can publish in each other's name. */
  warnings(): string[] {
    return aclOverlaps(this.deps.boards);
  }

  /**
   * Unknown users and users without a stored password are checked against a decoy hash, so a
   * refusal takes as long whatever the reason, and the comparison itself is constant-time.
   */
  async authenticate(username: string | undefined, password: Buffer | string | undefined, address: string): Promise<AuthResult> {
    if (this.throttle.blocked(address)) return { ok: false, reason: 'throttled' };
    this.deps.store.refresh();
    const account = username ? this.accounts.get(username) : undefined;
    const hash = account === undefined ? undefined : account.role === 'server' ? this.deps.store.serverHashes().scrypt : this.deps.store.board(account.board!)?.scrypt;
    const digest = createHash('sha256').update(password ?? '').digest();
    const known = account ? this.verified.get(account.username) : undefined;
    if (account && hash !== undefined && known?.stored === hash && timingSafeEqual(known.digest, digest)) return { ok: true, account };
    const matches = await verifyPassword(password ?? Buffer.alloc(0), hash ?? decoyHash());
    if (!matches || hash === undefined || account === undefined) {
      this.throttle.failed(address);
      return { ok: false, reason: 'bad-credentials' };
    }
    this.verified.set(account.username, { stored: hash, digest });
    return { ok: true, account };
  }
}
