import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  checkThrottle,
  clearAccount,
  DEFAULT_THROTTLE_POLICY,
  emptyThrottleState,
  recordAttempt,
  type AttemptOutcome,
  type ThrottlePolicy,
  type ThrottleState,
} from '../../server/auth/throttle';

const t0 = new Date('2026-01-05T09:00:00Z').getTime();
const at = (ms: number) => new Date(t0 + ms);
const MIN = 60_000;

/** Fails `n` times, each as soon as allowed; returns the state and the time reached. */
function failRepeatedly(state: ThrottleState, n: number, key: { address: string; account: string }, start = 0) {
  let now = start;
  let last = recordAttempt(state, { ...key, ok: false }, at(now));
  for (let i = 1; i < n; i++) {
    now += last.retryAfterMs;
    last = recordAttempt(last.state, { ...key, ok: false }, at(now));
  }
  return { outcome: last, now };
}

describe('login throttle', () => {
  const key = { address: '10.0.0.5', account: 'jsmith' };

  it('lets the first 5 failures of an account through freely, then backs off 1 s, 2 s, 4 s ...', () => {
    let state = emptyThrottleState();
    const delays: number[] = [];
    const locks: boolean[] = [];
    let now = 0;
    for (let i = 0; i < 9; i++) {
      // A different address each time: this is the account's own back-off.
      const outcome = recordAttempt(state, { address: `10.0.1.${i}`, account: 'jsmith', ok: false }, at(now));
      expect(outcome.allowed).toBe(true);
      delays.push(outcome.retryAfterMs);
      locks.push(outcome.locked);
      state = outcome.state;
      now += outcome.retryAfterMs;
    }
    expect(delays).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 8000]);
    expect(locks).toEqual([false, false, false, false, false, true, true, true, true]);
  });

  it('caps the delay at 15 minutes', () => {
    expect(backoffDelay(DEFAULT_THROTTLE_POLICY.account, 5 + 10)).toBe(512_000);
    expect(backoffDelay(DEFAULT_THROTTLE_POLICY.account, 5 + 11)).toBe(15 * MIN);
    expect(backoffDelay(DEFAULT_THROTTLE_POLICY.account, 10_000)).toBe(15 * MIN);
    const { outcome } = failRepeatedly(emptyThrottleState(), 40, key);
    expect(outcome.retryAfterMs).toBe(15 * MIN);
  });

  it('refuses during the back-off without counting, even with the right password', () => {
    const { outcome, now } = failRepeatedly(emptyThrottleState(), 6, key);
    expect(outcome.retryAfterMs).toBe(1000);
    const early = at(now + 500);
    expect(checkThrottle(outcome.state, key, early)).toEqual({ allowed: false, retryAfterMs: 500, blockedBy: ['account'] });
    const refused = recordAttempt(outcome.state, { ...key, ok: true }, early);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 500, locked: false });
    expect(refused.state).toBe(outcome.state);
    // Once the delay is over the right password works.
    const later = recordAttempt(outcome.state, { ...key, ok: true }, at(now + 1000));
    expect(later.allowed).toBe(true);
  });

  it('a success clears the account but not the address', () => {
    const { outcome, now } = failRepeatedly(emptyThrottleState(), 4, key);
    const success = recordAttempt(outcome.state, { ...key, ok: true }, at(now));
    expect(success.state.account.has('jsmith')).toBe(false);
    expect(success.state.address.get('10.0.0.5')?.failures).toBe(4);
    // The account starts over with 5 free failures.
    const again = failRepeatedly(success.state, 5, key, now);
    expect(again.outcome.retryAfterMs).toBe(0);
  });

  it('backs off an address that tries many accounts, after 10 free failures', () => {
    let state = emptyThrottleState();
    const delays: number[] = [];
    let now = 0;
    for (let i = 0; i < 12; i++) {
      const outcome = recordAttempt(state, { address: '10.0.0.66', account: `user${i}`, ok: false }, at(now));
      delays.push(outcome.retryAfterMs);
      state = outcome.state;
      now += outcome.retryAfterMs;
    }
    expect(delays).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1000, 2000]);
    expect(checkThrottle(state, { address: '10.0.0.66', account: 'someone-else' }, at(now - 1))).toMatchObject({
      allowed: false,
      blockedBy: ['address'],
    });
    // Another address is not affected.
    expect(checkThrottle(state, { address: '10.0.0.67', account: 'someone-else' }, at(now - 1)).allowed).toBe(true);
  });

  it('an attacker owning one account cannot reset the address counter by logging in to it', () => {
    let state = emptyThrottleState();
    let now = 0;
    for (let i = 0; i < 30; i++) {
      const fail = recordAttempt(state, { address: '10.0.0.66', account: `victim${i}`, ok: false }, at(now));
      now += fail.retryAfterMs;
      const own = recordAttempt(fail.state, { address: '10.0.0.66', account: 'attacker', ok: true }, at(now));
      state = own.state;
    }
    expect(state.address.get('10.0.0.66')!.failures).toBe(30);
    expect(backoffDelay(DEFAULT_THROTTLE_POLICY.address, 30)).toBe(15 * MIN);
  });

  it('forgets failures after an hour without one', () => {
    const { outcome, now } = failRepeatedly(emptyThrottleState(), 5, key);
    const muchLater = now + 60 * MIN;
    const next = recordAttempt(outcome.state, { ...key, ok: false }, at(muchLater));
    expect(next.retryAfterMs).toBe(0);
    expect(next.state.account.get('jsmith')!.failures).toBe(1);
  });

  it('is pure: the input state is never modified', () => {
    const state = emptyThrottleState();
    const outcome = recordAttempt(state, { ...key, ok: false }, at(0));
    expect(state.account.size).toBe(0);
    expect(state.address.size).toBe(0);
    expect(outcome.state.account.size).toBe(1);
  });

  it('clearAccount lets an admin unlock an account', () => {
    const { outcome, now } = failRepeatedly(emptyThrottleState(), 8, key);
    const unlocked = clearAccount(outcome.state, 'jsmith');
    expect(checkThrottle(unlocked, { address: '10.9.9.9', account: 'jsmith' }, at(now)).allowed).toBe(true);
  });

  describe('memory bound', () => {
    const small: ThrottlePolicy = { ...DEFAULT_THROTTLE_POLICY, maxEntries: 100 };

    it('never holds more than maxEntries per scope under a username and address spray', () => {
      let state = emptyThrottleState();
      for (let i = 0; i < 5000; i++) {
        state = recordAttempt(state, { address: `a${i}`, account: `u${i}`, ok: false }, at(i), small).state;
        expect(state.account.size).toBeLessThanOrEqual(100);
        expect(state.address.size).toBeLessThanOrEqual(100);
      }
    });

    it('evicts unblocked entries before a blocked one', () => {
      let state = emptyThrottleState();
      let now = 0;
      for (let i = 0; i < 8; i++) {
        const o: AttemptOutcome = recordAttempt(state, { address: `x${i}`, account: 'target', ok: false }, at(now), small);
        state = o.state;
        now += o.retryAfterMs;
      }
      const blockedUntil = state.account.get('target')!.blockedUntil;
      // The spray comes while the target is still blocked.
      const during = at(blockedUntil - t0 - 1);
      for (let i = 0; i < 500; i++) state = recordAttempt(state, { address: `s${i}`, account: `spray${i}`, ok: false }, during, small).state;
      expect(state.account.get('target')?.blockedUntil).toBe(blockedUntil);
      expect(checkThrottle(state, { address: 'fresh', account: 'target' }, during, small).allowed).toBe(false);
    });
  });
});
