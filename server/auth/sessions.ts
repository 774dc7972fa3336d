import { Op, type Transaction } from 'sequelize';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { AccountKind } from './accounts';
import { Session, User } from './auth-models';
import { hashToken, isWellFormedToken, newSecretToken } from './secret-tokens';

/**
 * Server-side sessions. The cookie holds 32 random bytes; the table holds only their SHA-256, so
 * a stolen backup or a read-only SQL injection yields no usable session.
 *
 * Timeouts (OWASP Session Management; NIST SP 800-63B §4.2.3 for AAL2: 30 min idle, 12 h total):
 * - a person: 30 minutes idle, 12 hours absolute: a working day, and a PC left unlocked over
 *   lunch is logged out;
 * - the kiosk: 5 minutes idle, 24 hours absolute. The kiosk sits in the public reception area, so
 *   a short idle time matters most there; its absolute limit is longer because it is a fixed
 *   device that reception logs in once a day, not a person's browser. Operators can shorten both.
 *
 * Every write that is also an audited event (login, logout, revoking on password change) takes
 * the CustodyWriter's transaction, so the session and its custody-log entry commit together.
 */

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

export const SESSION_TIMEOUTS: Readonly<Record<AccountKind, Readonly<SessionTimeouts>>> = Object.freeze({
  person: Object.freeze({ idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 }),
  kiosk: Object.freeze({ idleMs: 5 * 60_000, absoluteMs: 24 * 60 * 60_000 }),
});

/** How long a re-entered password (and TOTP code) authorises sensitive actions. */
export const REAUTH_WINDOW_MS = 5 * 60_000;

/**
 * last_seen_at is written at most this often per session: a dashboard polling every second
 * would otherwise turn every read into a write. It makes the idle timeout up to this much shorter.
 */
export const TOUCH_INTERVAL_MS = 60_000;

export interface SessionInfo {
  /** Stored id: SHA-256 hex of the cookie token. Safe to log; binds CSRF tokens. */
  id: string;
  userId: string;
  kind: AccountKind;
  /** Password accepted, second factor owed: allow only TOTP enrol/verify and logout. */
  mfaPending: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  reauthAt: Date | null;
}

export type SessionLookup =
  | { ok: true; session: SessionInfo; user: User }
  | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'disabled' };

export interface NewSession {
  /** The cookie value. Shown once: only its hash is stored. */
  token: string;
  session: SessionInfo;
}

interface InTransaction {
  transaction?: Transaction;
}

export interface SessionStoreOptions {
  clock: Clock;
  logger: Logger;
  timeouts?: Readonly<Record<AccountKind, Readonly<SessionTimeouts>>>;
  reauthWindowMs?: number;
}

export class SessionStore {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly timeouts: Readonly<Record<AccountKind, Readonly<SessionTimeouts>>>;
  private readonly reauthWindowMs: number;

  constructor(options: SessionStoreOptions) {
    this.clock = options.clock;
    this.log = options.logger.child({ component: 'sessions' });
    this.timeouts = options.timeouts ?? SESSION_TIMEOUTS;
    this.reauthWindowMs = options.reauthWindowMs ?? REAUTH_WINDOW_MS;
  }

  /**
   * A new session with a new random id: call at every login (and never reuse an id the client
   * offered), so a session id planted before login is worthless (session fixation).
   */
  async create(user: { id: string; kind: AccountKind }, options: InTransaction & { mfaPending?: boolean } = {}): Promise<NewSession> {
    const now = this.clock.now();
    const limits = this.timeouts[user.kind];
    const absolute = new Date(now.getTime() + limits.absoluteMs);
    return this.insert(
      {
        userId: user.id,
        kind: user.kind,
        mfaPending: options.mfaPending ?? false,
        createdAt: now,
        lastSeenAt: now,
        idleExpiresAt: earlier(new Date(now.getTime() + limits.idleMs), absolute),
        absoluteExpiresAt: absolute,
        // A login that just checked every factor the user has counts as a fresh authentication.
        reauthAt: options.mfaPending ? null : now,
      },
      options.transaction,
    );
  }

  /**
   * The second factor was verified: the session gets a new id (privilege changed, so rotate as at
   * login) and full rights. The absolute limit still counts from the password step.
   */
  async completeMfa(sessionId: string, options: InTransaction = {}): Promise<NewSession | null> {
    const old = await Session.findByPk(sessionId, { transaction: options.transaction });
    if (!old || !old.mfa_pending) return null;
    await old.destroy({ transaction: options.transaction });
    const now = this.clock.now();
    const limits = this.timeouts[old.kind];
    return this.insert(
      {
        userId: old.user_id,
        kind: old.kind,
        mfaPending: false,
        createdAt: old.created_at,
        lastSeenAt: now,
        idleExpiresAt: earlier(new Date(now.getTime() + limits.idleMs), old.absolute_expires_at),
        absoluteExpiresAt: old.absolute_expires_at,
        reauthAt: now,
      },
      options.transaction,
    );
  }

  /** The session a cookie names, if it is live and its user is enabled. Expired rows are removed. */
  async validate(token: unknown): Promise<SessionLookup> {
    if (!isWellFormedToken(token)) return { ok: false, reason: 'malformed' };
    const row = await Session.findByPk(hashToken(token));
    if (!row) return { ok: false, reason: 'unknown' };
    const now = this.clock.now().getTime();
    if (now >= row.idle_expires_at.getTime() || now >= row.absolute_expires_at.getTime()) {
      await row.destroy();
      return { ok: false, reason: 'expired' };
    }
    const user = await User.findByPk(row.user_id);
    // Sessions are deleted when a user is disabled; this guards against a row that slipped through.
    if (!user || user.disabled) {
      await row.destroy();
      return { ok: false, reason: 'disabled' };
    }
    return { ok: true, session: infoOf(row), user };
  }

  /** Records activity: pushes the idle expiry forward (never past the absolute one). */
  async touch(session: SessionInfo): Promise<SessionInfo> {
    const now = this.clock.now();
    if (now.getTime() - session.lastSeenAt.getTime() < TOUCH_INTERVAL_MS) return session;
    const idleExpiresAt = earlier(new Date(now.getTime() + this.timeouts[session.kind].idleMs), session.absoluteExpiresAt);
    await Session.update({ last_seen_at: now, idle_expires_at: idleExpiresAt }, { where: { id: session.id } });
    return { ...session, lastSeenAt: now, idleExpiresAt };
  }

  /** Logout. */
  async revoke(sessionId: string, options: InTransaction = {}): Promise<boolean> {
    return (await Session.destroy({ where: { id: sessionId }, transaction: options.transaction })) > 0;
  }

  /** Ends every session of a user: on disabling, on a password change, on an admin's request. */
  async revokeAllForUser(userId: string, options: InTransaction = {}): Promise<number> {
    const count = await Session.destroy({ where: { user_id: userId }, transaction: options.transaction });
    if (count > 0) this.log.info({ userId, count }, 'sessions revoked');
    return count;
  }

  async markReauthenticated(sessionId: string, options: InTransaction = {}): Promise<Date> {
    const now = this.clock.now();
    await Session.update({ reauth_at: now }, { where: { id: sessionId }, transaction: options.transaction });
    return now;
  }

  /** Whether a sensitive action may proceed without asking for the password (and code) again. */
  isRecentlyReauthenticated(session: SessionInfo): boolean {
    if (session.mfaPending || session.reauthAt === null) return false;
    const age = this.clock.now().getTime() - session.reauthAt.getTime();
    return age >= 0 && age < this.reauthWindowMs;
  }

  /** Deletes expired rows; run periodically. Validation refuses expired sessions either way. */
  async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    return Session.destroy({ where: { [Op.or]: [{ idle_expires_at: { [Op.lte]: now } }, { absolute_expires_at: { [Op.lte]: now } }] } });
  }

  private async insert(info: Omit<SessionInfo, 'id'>, transaction: Transaction | undefined): Promise<NewSession> {
    const token = newSecretToken();
    const id = hashToken(token);
    await Session.create(
      {
        id,
        user_id: info.userId,
        kind: info.kind,
        mfa_pending: info.mfaPending,
        created_at: info.createdAt,
        last_seen_at: info.lastSeenAt,
        idle_expires_at: info.idleExpiresAt,
        absolute_expires_at: info.absoluteExpiresAt,
        reauth_at: info.reauthAt,
      },
      { transaction },
    );
    return { token, session: { id, ...info } };
  }
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

function infoOf(row: Session): SessionInfo {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    mfaPending: Boolean(row.mfa_pending),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    reauthAt: row.reauth_at,
  };
}
