import type { CustodyWriter, WriteContext } from '../ingest/custody-writer';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { normalizeUsername, requiresMfa } from './accounts';
import { authEvent, type AuthEventType } from './audit-events';
import type { User } from './auth-models';
import { KeyedLock } from './keyed-lock';
import type { PasswordHasher } from './passwords';
import type { AuthPseudonyms } from './pseudonyms';
import type { NewSession, SessionInfo, SessionStore } from './sessions';
import { checkThrottle, clearAccount, emptyThrottleState, recordAttempt, type ThrottlePolicy, type ThrottleState } from './throttle';
import { verifyTotp } from './totp';
import { startTotpEnrolment, type TotpEnrolment } from './totp-enrolment';
import type { UserStore } from './users';

/**
 * The login ceremony, independent of HTTP. The order of its steps is the security:
 *
 * 1. Attempts on one account and from one address run one at a time (KeyedLock), then the
 *    throttle is asked first: a refused attempt costs no argon2 and reveals nothing.
 * 2. Unknown or disabled users still cost one argon2 verify and get the same answer as a wrong
 *    password, so neither timing nor wording tells which usernames exist.
 * 3. For managers and admins a right password alone resets nothing: the account's failure count
 *    is cleared only once the second factor is right too, or knowing the password would buy
 *    unlimited TOTP guesses. TOTP failures count as account failures.
 * 4. The session and its custody-log entries commit in one writer job; the TOTP step is claimed
 *    there with a compare-and-set, so a code works once even under concurrent requests.
 *
 * Refusals while throttled are not logged one by one (the lock that caused them is): the custody
 * log can never be erased, so a flood of requests must not be able to grow it without bound.
 */

export type Refusal = { status: 'refused' } | { status: 'throttled'; retryAfterMs: number };

export type LoginResult =
  | { status: 'ok'; token: string; session: SessionInfo; user: User }
  /** Password right; send the TOTP code to verifySecondFactor with this (mfa-pending) session. */
  | { status: 'mfa_required'; token: string; session: SessionInfo; user: User }
  /** Password right, no authenticator yet: the session may only enrol one. */
  | { status: 'mfa_enrolment_required'; token: string; session: SessionInfo; user: User }
  | Refusal;

export interface LoginRequest {
  username: string;
  password: string;
  /** May come with the password in one request, or later through verifySecondFactor. */
  totpCode?: string;
  /** The client address as the HTTP layer determined it. */
  address: string;
}

export interface LoginServiceDeps {
  writer: CustodyWriter;
  users: UserStore;
  sessions: SessionStore;
  hasher: PasswordHasher;
  pseudonyms: AuthPseudonyms;
  clock: Clock;
  logger: Logger;
  throttlePolicy?: ThrottlePolicy;
}

type Factor = { ok: true; step: number | null } | { ok: false; reason: string };

export class LoginService {
  private throttle: ThrottleState = emptyThrottleState();
  private readonly lock = new KeyedLock();
  private readonly log: Logger;

  constructor(private readonly deps: LoginServiceDeps) {
    this.log = deps.logger.child({ component: 'login' });
  }

  async login(request: LoginRequest): Promise<LoginResult> {
    const account = normalizeUsername(request.username);
    return this.serialised(account, request.address, async () => {
      const throttled = this.throttled(account, request.address);
      if (throttled) return throttled;
      const user = await this.deps.users.findByUsername(account);
      if (!user || user.disabled) {
        await this.deps.hasher.verifyNothing(request.password);
        const actor = user ? user.pseudonym : this.deps.pseudonyms.unknownAccount(account);
        return this.fail(account, request.address, actor, user ? 'disabled' : 'unknown_account');
      }
      if (!(await this.deps.hasher.verify(user.password_hash, request.password))) {
        return this.fail(account, request.address, user.pseudonym, 'bad_password');
      }
      const upgraded = this.deps.hasher.needsRehash(user.password_hash) ? await this.deps.hasher.hash(request.password) : null;
      if (upgraded) await this.deps.users.upgradeHash(user.id, upgraded);
      if (!requiresMfa(user)) return this.succeed(account, request.address, user, null);
      if (user.totp_confirmed_at === null || user.totp_secret === null) {
        const pending = await this.deps.sessions.create(user, { mfaPending: true });
        return { status: 'mfa_enrolment_required', ...pending, user };
      }
      if (request.totpCode === undefined) {
        const pending = await this.deps.sessions.create(user, { mfaPending: true });
        return { status: 'mfa_required', ...pending, user };
      }
      const factor = this.checkTotp(user, request.totpCode);
      if (!factor.ok) return this.fail(account, request.address, user.pseudonym, factor.reason, 'user.mfa_failed');
      return this.succeed(account, request.address, user, factor.step);
    });
  }

  /** The TOTP step of a login that answered mfa_required. On success the session id changes. */
  async verifySecondFactor(input: { session: SessionInfo; user: User; code: string; address: string }): Promise<LoginResult> {
    const { user, address } = input;
    if (!input.session.mfaPending || user.totp_confirmed_at === null) return { status: 'refused' };
    return this.serialised(user.username, address, async () => {
      const throttled = this.throttled(user.username, address);
      if (throttled) return throttled;
      const factor = this.checkTotp(user, input.code);
      if (!factor.ok) return this.fail(user.username, address, user.pseudonym, factor.reason, 'user.mfa_failed');
      return this.succeed(user.username, address, user, factor.step, input.session.id);
    });
  }

  /**
   * Before a sensitive action (legal hold, erasure, user administration, log-key rotation): the
   * password again, and the TOTP code for users who have one. Failures count like login failures.
   */
  async reauthenticate(input: { session: SessionInfo; user: User; password: string; totpCode?: string; address: string }): Promise<{ status: 'ok' } | Refusal> {
    const { user, address } = input;
    if (input.session.mfaPending) return { status: 'refused' };
    return this.serialised(user.username, address, async () => {
      const throttled = this.throttled(user.username, address);
      if (throttled) return throttled;
      if (!(await this.deps.hasher.verify(user.password_hash, input.password))) {
        return this.fail(user.username, address, user.pseudonym, 'bad_password', 'user.access_denied');
      }
      let step: number | null = null;
      if (requiresMfa(user)) {
        const factor = input.totpCode === undefined ? { ok: false as const, reason: 'missing_totp' } : this.checkTotp(user, input.totpCode);
        if (!factor.ok) return this.fail(user.username, address, user.pseudonym, factor.reason, 'user.access_denied');
        step = factor.step;
      }
      const ok = await this.commit(async (ctx) => {
        if (step !== null && !(await this.deps.users.acceptTotpStep(user.id, step, { transaction: ctx.transaction }))) {
          await ctx.append(authEvent('user.access_denied', { actor: user.pseudonym, address: this.address(address), reason: 'replayed_totp' }));
          return false;
        }
        await this.deps.sessions.markReauthenticated(input.session.id, { transaction: ctx.transaction });
        await ctx.append(authEvent('user.reauthenticated', { actor: user.pseudonym, address: this.address(address) }));
        return true;
      });
      this.record(user.username, address, ok, user.pseudonym);
      return ok ? { status: 'ok' } : { status: 'refused' };
    });
  }

  /**
   * Shows a new authenticator's QR code. Allowed for a login that answered mfa_enrolment_required,
   * or from a full session re-authenticated within the last minutes. Never for a pending login of
   * a user who already has an authenticator: the password alone must not replace the factor.
   */
  async beginTotpEnrolment(input: { session: SessionInfo; user: User; issuer: string }): Promise<TotpEnrolment | Refusal> {
    if (!this.mayEnrol(input.session, input.user)) return { status: 'refused' };
    const enrolment = await startTotpEnrolment(input.user.username, input.issuer);
    await this.deps.users.setPendingTotpSecret(input.user.id, enrolment.secret);
    return enrolment;
  }

  /** The first code from the new authenticator. A pending login becomes a full session (new id). */
  async confirmTotpEnrolment(input: { session: SessionInfo; user: User; code: string; address: string }): Promise<{ status: 'ok'; created: NewSession | null } | Refusal> {
    const { session, address } = input;
    if (!this.mayEnrol(session, input.user)) return { status: 'refused' };
    return this.serialised(input.user.username, address, async () => {
      const throttled = this.throttled(input.user.username, address);
      if (throttled) return throttled;
      const user = await this.deps.users.findById(input.user.id);
      const pending = user?.totp_pending_secret ?? null;
      if (!user || pending === null) return { status: 'refused' };
      const result = verifyTotp(pending, input.code, this.deps.clock.now(), null);
      if (!result.ok) return this.fail(user.username, address, user.pseudonym, 'bad_totp', 'user.mfa_failed');
      const outcome = await this.commit(async (ctx) => {
        if (!(await this.deps.users.confirmTotp(user.id, pending, result.step, { transaction: ctx.transaction }))) return null;
        const created = session.mfaPending ? await this.deps.sessions.completeMfa(session.id, { transaction: ctx.transaction }) : null;
        await ctx.append(authEvent('user.totp_enrolled', { actor: user.pseudonym, address: this.address(address) }));
        if (created) await ctx.append(authEvent('user.login', { actor: user.pseudonym, address: this.address(address), reason: 'mfa' }));
        return { created };
      });
      this.record(user.username, address, outcome !== null, user.pseudonym);
      return outcome ? { status: 'ok', created: outcome.created } : { status: 'refused' };
    });
  }

  async logout(input: { session: SessionInfo; user: User; address: string }): Promise<void> {
    await this.commit(async (ctx) => {
      await this.deps.sessions.revoke(input.session.id, { transaction: ctx.transaction });
      await ctx.append(authEvent('user.logout', { actor: input.user.pseudonym, address: this.address(input.address) }));
    });
  }

  /** An admin lifts a back-off on an account early. */
  unlock(username: string): void {
    this.throttle = clearAccount(this.throttle, normalizeUsername(username));
  }

  private mayEnrol(session: SessionInfo, user: User): boolean {
    if (session.mfaPending) return user.totp_confirmed_at === null;
    return this.deps.sessions.isRecentlyReauthenticated(session);
  }

  private serialised<T>(account: string, address: string, task: () => Promise<T>): Promise<T> {
    return this.lock.with([`account\n${account}`, `address\n${address}`], task);
  }

  private throttled(account: string, address: string): Refusal | null {
    const verdict = checkThrottle(this.throttle, { account, address }, this.deps.clock.now(), this.deps.throttlePolicy);
    return verdict.allowed ? null : { status: 'throttled', retryAfterMs: verdict.retryAfterMs };
  }

  private checkTotp(user: User, code: string): Factor {
    const result = verifyTotp(user.totp_secret ?? '', code, this.deps.clock.now(), user.totp_last_step);
    return result.ok ? { ok: true, step: result.step } : { ok: false, reason: result.reason === 'replayed' ? 'replayed_totp' : 'bad_totp' };
  }

  private async fail(account: string, address: string, actor: string, reason: string, type: AuthEventType = 'user.login_failed'): Promise<Refusal> {
    const outcome = this.record(account, address, false, actor);
    await this.commit(async (ctx) => {
      await ctx.append(authEvent(type, { actor, address: this.address(address), reason }));
      if (outcome.locked) await ctx.append(authEvent('user.locked', { actor, address: this.address(address), retry_after_ms: outcome.retryAfterMs }));
    });
    return { status: 'refused' };
  }

  private async succeed(account: string, address: string, user: User, step: number | null, pendingSessionId?: string): Promise<LoginResult> {
    const created = await this.commit(async (ctx): Promise<NewSession | null> => {
      if (step !== null && !(await this.deps.users.acceptTotpStep(user.id, step, { transaction: ctx.transaction }))) {
        await ctx.append(authEvent('user.mfa_failed', { actor: user.pseudonym, address: this.address(address), reason: 'replayed_totp' }));
        return null;
      }
      const session = pendingSessionId
        ? await this.deps.sessions.completeMfa(pendingSessionId, { transaction: ctx.transaction })
        : await this.deps.sessions.create(user, { transaction: ctx.transaction });
      if (session) await ctx.append(authEvent('user.login', { actor: user.pseudonym, address: this.address(address), ...(step !== null ? { reason: 'mfa' } : {}) }));
      return session;
    });
    this.record(account, address, created !== null, user.pseudonym);
    return created ? { status: 'ok', ...created, user } : { status: 'refused' };
  }

  private record(account: string, address: string, ok: boolean, actor: string) {
    const outcome = recordAttempt(this.throttle, { account, address, ok }, this.deps.clock.now(), this.deps.throttlePolicy);
    this.throttle = outcome.state;
    if (outcome.locked) this.log.warn({ actor, retryAfterMs: outcome.retryAfterMs, blockedBy: outcome.blockedBy }, 'login back-off');
    return outcome;
  }

  private address(address: string): string {
    return this.deps.pseudonyms.address(address);
  }

  private async commit<R>(run: (ctx: WriteContext) => Promise<R>): Promise<R> {
    const outcome = await this.deps.writer.submit({ run });
    if (outcome.duplicate) throw new Error('login: a job without an idempotency key was answered as a duplicate');
    return outcome.value;
  }
}
