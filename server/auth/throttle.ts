/**
 * Login throttling as a pure decision: (state, attempt, now) -> (new state, verdict). The caller
 * keeps the state (one process holds it in memory; it is lost on restart, which only forgives
 * recent failures) and logs what the verdict says.
 *
 * Two scopes, each with free failures and then exponential back-off capped at 15 minutes:
 * - per account (the username typed, normalised by the caller), against guessing one account's
 *   password from many addresses: 5 free failures, then 1 s, 2 s, 4 s ... 15 min;
 * - per address, against one machine trying many accounts: 10 free failures (a reception desk is
 *   shared by everyone who mistypes there), then the same curve.
 *
 * A success clears the account's failures. It does not clear the address's: an attacker who owns
 * one account could otherwise log into it between guesses at others and never be slowed. Address
 * failures are forgotten instead after an hour without a new one.
 *
 * During a back-off every attempt is refused without checking the password and without counting,
 * so the argon2 cost is not spent and a correct password typed too early does not reveal itself.
 * Lockouts are never permanent: an attacker can delay a real user by at most 15 minutes at a time.
 */

export type ThrottleScope = 'address' | 'account';

export interface BackoffPolicy {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ThrottlePolicy {
  account: BackoffPolicy;
  address: BackoffPolicy;
  /** An entry with no failure for this long (and not blocked) is dropped. */
  forgetAfterMs: number;
  /** Per scope. Bounds memory when an attacker sprays usernames or addresses. */
  maxEntries: number;
}

export const DEFAULT_THROTTLE_POLICY: Readonly<ThrottlePolicy> = Object.freeze({
  account: { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 },
  address: { freeFailures: 10, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 },
  forgetAfterMs: 60 * 60_000,
  maxEntries: 10_000,
});

export interface ThrottleEntry {
  readonly failures: number;
  readonly lastFailureAt: number;
  /** Epoch ms before which attempts are refused; 0 when not blocked. */
  readonly blockedUntil: number;
}

export interface ThrottleState {
  readonly address: ReadonlyMap<string, ThrottleEntry>;
  readonly account: ReadonlyMap<string, ThrottleEntry>;
}

export interface AttemptKey {
  address: string;
  account: string;
}

export interface LoginAttempt extends AttemptKey {
  ok: boolean;
}

export interface ThrottleVerdict {
  /** False: refuse now, without checking the password (answer 429 with Retry-After). */
  allowed: boolean;
  /** How long until the next attempt for this address and account will be allowed. */
  retryAfterMs: number;
  /** Scopes blocked after this decision. */
  blockedBy: ThrottleScope[];
}

export interface AttemptOutcome extends ThrottleVerdict {
  state: ThrottleState;
  /** This failure started or lengthened a back-off: record a lock in the custody log. */
  locked: boolean;
}

const SCOPES: readonly ThrottleScope[] = ['address', 'account'];

export function emptyThrottleState(): ThrottleState {
  return { address: new Map(), account: new Map() };
}

/** Delay after the n-th consecutive failure. */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  const over = failures - policy.freeFailures;
  if (over <= 0) return 0;
  // The exponent is clamped: 2^30 s is far past any cap, and 2^1024 would be Infinity.
  return Math.min(policy.baseDelayMs * 2 ** Math.min(over - 1, 30), policy.maxDelayMs);
}

/** Whether an attempt may be made now. Does not change the state: call before verifying. */
export function checkThrottle(
  state: ThrottleState,
  key: AttemptKey,
  now: Date,
  policy: Readonly<ThrottlePolicy> = DEFAULT_THROTTLE_POLICY,
): ThrottleVerdict {
  const t = now.getTime();
  const blockedBy: ThrottleScope[] = [];
  let retryAfterMs = 0;
  for (const scope of SCOPES) {
    const entry = live(state[scope].get(key[scope]), t, policy);
    if (entry && entry.blockedUntil > t) {
      blockedBy.push(scope);
      retryAfterMs = Math.max(retryAfterMs, entry.blockedUntil - t);
    }
  }
  return { allowed: blockedBy.length === 0, retryAfterMs, blockedBy };
}

/** Records the outcome of an attempt. An attempt made while blocked is refused and not counted. */
export function recordAttempt(
  state: ThrottleState,
  attempt: LoginAttempt,
  now: Date,
  policy: Readonly<ThrottlePolicy> = DEFAULT_THROTTLE_POLICY,
): AttemptOutcome {
  const t = now.getTime();
  const before = checkThrottle(state, attempt, now, policy);
  if (!before.allowed) return { ...before, state, locked: false };

  if (attempt.ok) {
    const account = withEntry(state.account, attempt.account, undefined, t, policy);
    return { state: { ...state, account }, allowed: true, retryAfterMs: 0, blockedBy: [], locked: false };
  }

  const next: { -readonly [S in ThrottleScope]: ReadonlyMap<string, ThrottleEntry> } = { ...state };
  const blockedBy: ThrottleScope[] = [];
  let retryAfterMs = 0;
  for (const scope of SCOPES) {
    const previous = live(state[scope].get(attempt[scope]), t, policy);
    const failures = (previous?.failures ?? 0) + 1;
    const delay = backoffDelay(policy[scope], failures);
    const entry: ThrottleEntry = { failures, lastFailureAt: t, blockedUntil: delay > 0 ? t + delay : 0 };
    next[scope] = withEntry(state[scope], attempt[scope], entry, t, policy);
    if (delay > 0) {
      blockedBy.push(scope);
      retryAfterMs = Math.max(retryAfterMs, delay);
    }
  }
  return { state: next, allowed: true, retryAfterMs, blockedBy, locked: blockedBy.length > 0 };
}

/** Forgets an account's failures: for an admin unlocking it, or after a password reset. */
export function clearAccount(state: ThrottleState, account: string): ThrottleState {
  if (!state.account.has(account)) return state;
  const next = new Map(state.account);
  next.delete(account);
  return { ...state, account: next };
}

function live(entry: ThrottleEntry | undefined, t: number, policy: Readonly<ThrottlePolicy>): ThrottleEntry | undefined {
  if (!entry) return undefined;
  return isStale(entry, t, policy) ? undefined : entry;
}

function isStale(entry: ThrottleEntry, t: number, policy: Readonly<ThrottlePolicy>): boolean {
  return entry.blockedUntil <= t && t - entry.lastFailureAt >= policy.forgetAfterMs;
}

/**
 * A copy of `map` with `key` set (moved to the end, so iteration order is least recently failed
 * first) or removed. When a new key would exceed maxEntries, stale entries go first, then
 * unblocked ones, oldest first; a blocked entry is evicted only when everything left is blocked.
 */
function withEntry(
  map: ReadonlyMap<string, ThrottleEntry>,
  key: string,
  entry: ThrottleEntry | undefined,
  t: number,
  policy: Readonly<ThrottlePolicy>,
): ReadonlyMap<string, ThrottleEntry> {
  if (!entry && !map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  if (!entry) return next;
  if (next.size >= policy.maxEntries) evict(next, t, policy);
  next.set(key, entry);
  return next;
}

function evict(map: Map<string, ThrottleEntry>, t: number, policy: Readonly<ThrottlePolicy>): void {
  for (const [k, e] of map) if (isStale(e, t, policy)) map.delete(k);
  for (const [k, e] of map) {
    if (map.size < policy.maxEntries) return;
    if (e.blockedUntil <= t) map.delete(k);
  }
  for (const k of map.keys()) {
    if (map.size < policy.maxEntries) return;
    map.delete(k);
  }
}
