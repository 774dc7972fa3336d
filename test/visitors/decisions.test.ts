import { describe, expect, it } from 'vitest';
import {
  closingDeadline,
  decidePurge,
  decideReceptionRead,
  decideSignIn,
  dueForClosingSignOut,
  ndaAcceptanceNeeded,
  type PurgeFacts,
  type SignInInput,
} from '../../server/visitors/decisions';
import { zonedInstant } from '../../server/visitors/office-clock';

const now = new Date('2026-03-02T15:00:00Z');
const nda = { version: 3, sha256: 'c'.repeat(64) };

const base: SignInInput = {
  now,
  visitor: null,
  token: null,
  alreadyOnSite: false,
  host: { active: true },
  nda: { current: nda, lastAcceptedVersion: null },
  accepted: nda,
};

const vendor = (over: Partial<NonNullable<SignInInput['visitor']>> = {}): NonNullable<SignInInput['visitor']> => ({
  pseudonym: 'v_vendor',
  kind: 'vendor',
  purged: false,
  agreementRef: 'SHRED-2026-01',
  agreementExpiresAt: new Date('2026-12-31T00:00:00Z'),
  accessUntil: null,
  ...over,
});

describe('NDA acceptance', () => {
  it('is needed the first time, and again whenever the current version changed since the last acceptance', () => {
    expect(ndaAcceptanceNeeded(nda, null)).toBe(true);
    expect(ndaAcceptanceNeeded(nda, 2)).toBe(true);
    expect(ndaAcceptanceNeeded(nda, 3)).toBe(false);
    expect(ndaAcceptanceNeeded(null, null)).toBe(false);
  });

  it('a walk-in must accept the current version, as shown (version and text hash)', () => {
    expect(decideSignIn({ ...base, accepted: null })).toMatchObject({ ok: false, reason: 'nda_required', logged: false });
    expect(decideSignIn({ ...base, accepted: { version: 2, sha256: nda.sha256 } })).toMatchObject({ ok: false, reason: 'nda_outdated' });
    expect(decideSignIn({ ...base, accepted: { version: 3, sha256: 'd'.repeat(64) } })).toMatchObject({ ok: false, reason: 'nda_outdated' });
    expect(decideSignIn(base)).toEqual({ ok: true, recordNdaAcceptance: true });
  });

  it('a returning visitor who accepted the current version is not asked again; after a new version they are', () => {
    const returning = { ...base, visitor: { ...vendor(), kind: 'visitor' as const }, accepted: null };
    expect(decideSignIn({ ...returning, nda: { current: nda, lastAcceptedVersion: 3 } })).toEqual({ ok: true, recordNdaAcceptance: false });
    expect(decideSignIn({ ...returning, nda: { current: nda, lastAcceptedVersion: 2 } })).toMatchObject({ ok: false, reason: 'nda_required' });
  });

  it('without any NDA set, nobody is asked', () => {
    expect(decideSignIn({ ...base, nda: { current: null, lastAcceptedVersion: null }, accepted: null })).toEqual({ ok: true, recordNdaAcceptance: false });
  });
});

describe('sign-in refusals', () => {
  it('refuses an expired vendor agreement with a logged refusal and an alert naming only the pseudonym', () => {
    const d = decideSignIn({ ...base, visitor: vendor({ agreementExpiresAt: new Date('2026-03-01T00:00:00Z') }) });
    expect(d).toMatchObject({ ok: false, reason: 'agreement_expired', logged: true, alert: { type: 'visitor.agreement_expired', severity: 'warning' } });
    expect(d.ok ? '' : d.alert?.message).toMatch(/^Vendor v_vendor .*SHRED-2026-01 expired on 2026-03-01/);
  });

  it('an agreement ending exactly now has ended', () => {
    expect(decideSignIn({ ...base, visitor: vendor({ agreementExpiresAt: now }) })).toMatchObject({ reason: 'agreement_expired' });
  });

  it('refuses a vendor with no agreement on file, or whose access ended', () => {
    expect(decideSignIn({ ...base, visitor: vendor({ agreementRef: null }) })).toMatchObject({ reason: 'agreement_missing', logged: true });
    expect(decideSignIn({ ...base, visitor: vendor({ accessUntil: new Date('2026-03-01T00:00:00Z') }) })).toMatchObject({ reason: 'access_expired', logged: true });
  });

  it('admits a vendor with a valid agreement', () => {
    expect(decideSignIn({ ...base, visitor: vendor() })).toEqual({ ok: true, recordNdaAcceptance: true });
  });

  it('refuses a vendor before asking them to read an NDA that would not get them in', () => {
    expect(decideSignIn({ ...base, accepted: null, visitor: vendor({ agreementExpiresAt: new Date('2026-01-01T00:00:00Z') }) })).toMatchObject({ reason: 'agreement_expired' });
  });

  it.each([
    ['no visit has the token', { visit: null }, 'token_unknown'],
    ['the token was used', { visit: { status: 'on_site' as const, tokenExpiresAt: null } }, 'token_used'],
    ['the visit was cancelled', { visit: { status: 'cancelled' as const, tokenExpiresAt: null } }, 'token_unknown'],
    ['the token expired', { visit: { status: 'expected' as const, tokenExpiresAt: now } }, 'token_expired'],
  ])('refuses a token when %s', (_what, token, reason) => {
    expect(decideSignIn({ ...base, token })).toMatchObject({ ok: false, reason, logged: false });
  });

  it('refuses a visitor already on site, a purged identity and a host who is not current staff', () => {
    expect(decideSignIn({ ...base, alreadyOnSite: true })).toMatchObject({ reason: 'already_signed_in' });
    expect(decideSignIn({ ...base, visitor: vendor({ purged: true }) })).toMatchObject({ reason: 'visitor_purged' });
    expect(decideSignIn({ ...base, host: null })).toMatchObject({ reason: 'host_unknown' });
    expect(decideSignIn({ ...base, host: { active: false } })).toMatchObject({ reason: 'host_unknown' });
  });
});

describe('sign-out at closing time', () => {
  const ny = { timeZone: 'America/New_York', close: '18:30' };

  it('is at closing time, local time, on the day of sign-in (winter: UTC-5)', () => {
    expect(closingDeadline(new Date('2026-01-05T14:00:00Z'), ny).toISOString()).toBe('2026-01-05T23:30:00.000Z');
  });

  it('follows daylight saving (summer: UTC-4)', () => {
    expect(closingDeadline(new Date('2026-07-06T14:00:00Z'), ny).toISOString()).toBe('2026-07-06T22:30:00.000Z');
  });

  it('on the day clocks spring forward and the day they fall back', () => {
    // 2026-03-08: New York goes from UTC-5 to UTC-4 at 02:00; 2026-11-01 back at 02:00.
    expect(closingDeadline(new Date('2026-03-08T13:00:00Z'), ny).toISOString()).toBe('2026-03-08T22:30:00.000Z');
    expect(closingDeadline(new Date('2026-11-01T13:00:00Z'), ny).toISOString()).toBe('2026-11-01T23:30:00.000Z');
  });

  it('uses the local date, not the UTC one: a late sign-in in Tokyo is the same local day', () => {
    const tokyo = { timeZone: 'Asia/Tokyo', close: '18:00' };
    // 2026-01-05 23:30Z is 08:30 on the 6th in Tokyo.
    expect(closingDeadline(new Date('2026-01-05T23:30:00Z'), tokyo).toISOString()).toBe('2026-01-06T09:00:00.000Z');
  });

  it('a visitor signed in after closing is signed out at the end of that local day', () => {
    // 19:00 in New York on 5 January: local midnight is 05:00Z on the 6th.
    expect(closingDeadline(new Date('2026-01-06T00:00:00Z'), ny).toISOString()).toBe('2026-01-06T05:00:00.000Z');
  });

  it('picks exactly the visits past their deadline', () => {
    const visits = [
      { id: 'morning', signedInAt: new Date('2026-01-05T14:00:00Z') },
      { id: 'evening', signedInAt: new Date('2026-01-06T00:00:00Z') },
    ];
    expect(dueForClosingSignOut(visits, new Date('2026-01-05T23:29:59Z'), ny)).toEqual([]);
    expect(dueForClosingSignOut(visits, new Date('2026-01-05T23:30:00Z'), ny).map((v) => v.id)).toEqual(['morning']);
    expect(dueForClosingSignOut(visits, new Date('2026-01-06T05:00:00Z'), ny).map((v) => v.id)).toEqual(['morning', 'evening']);
  });

  it('resolves a wall-clock time skipped by daylight saving forward, and a repeated one to its first occurrence', () => {
    expect(zonedInstant({ year: 2026, month: 3, day: 8 }, '02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedInstant({ year: 2026, month: 11, day: 1 }, '01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(zonedInstant({ year: 2026, month: 3, day: 29 }, '18:30', 'Europe/London').toISOString()).toBe('2026-03-29T17:30:00.000Z');
  });
});

describe('purge eligibility', () => {
  const day = 86_400_000;
  const t0 = new Date('2026-01-05T15:00:00Z');
  const visit = (over: Partial<PurgeFacts['visits'][number]> = {}): PurgeFacts['visits'][number] => ({
    status: 'signed_out',
    signedOutAt: t0,
    tokenExpiresAt: null,
    updatedAt: t0,
    hold: false,
    ...over,
  });
  const facts = (visits: PurgeFacts['visits'], over: Partial<PurgeFacts> = {}): PurgeFacts => ({
    purged: false,
    kind: 'visitor',
    createdAt: new Date(t0.getTime() - day),
    agreementExpiresAt: null,
    visits,
    ...over,
  });

  it('purges once the retention has passed since the last visit ended', () => {
    expect(decidePurge(facts([visit()]), new Date(t0.getTime() + 90 * day - 1), 90)).toMatchObject({ purge: false, reason: 'retention' });
    expect(decidePurge(facts([visit()]), new Date(t0.getTime() + 90 * day), 90)).toEqual({ purge: true });
  });

  it('counts from the latest visit of a returning visitor', () => {
    const later = visit({ signedOutAt: new Date(t0.getTime() + 30 * day) });
    expect(decidePurge(facts([visit(), later]), new Date(t0.getTime() + 100 * day), 90)).toMatchObject({ purge: false, reason: 'retention' });
  });

  it('keeps everything of a visitor with a visit under legal hold', () => {
    expect(decidePurge(facts([visit(), visit({ hold: true })]), new Date(t0.getTime() + 1000 * day), 90)).toEqual({ purge: false, reason: 'hold' });
  });

  it('never purges someone on site or still expected; a no-show counts from the token expiry', () => {
    expect(decidePurge(facts([visit({ status: 'on_site', signedOutAt: null })]), new Date(t0.getTime() + 1000 * day), 0)).toEqual({ purge: false, reason: 'on_site' });
    const noShow = visit({ status: 'expected', signedOutAt: null, tokenExpiresAt: t0 });
    expect(decidePurge(facts([noShow]), new Date(t0.getTime() - 1), 0)).toEqual({ purge: false, reason: 'expected' });
    expect(decidePurge(facts([noShow]), new Date(t0.getTime() + 90 * day), 90)).toEqual({ purge: true });
  });

  it("keeps a vendor's data while their agreement runs", () => {
    const agreementExpiresAt = new Date(t0.getTime() + 365 * day);
    const f = facts([visit()], { kind: 'vendor', agreementExpiresAt });
    expect(decidePurge(f, new Date(t0.getTime() + 200 * day), 90)).toMatchObject({ purge: false, reason: 'retention' });
    expect(decidePurge(f, new Date(agreementExpiresAt.getTime() + 90 * day), 90)).toEqual({ purge: true });
  });

  it('does not purge twice', () => {
    expect(decidePurge(facts([visit()], { purged: true }), new Date(t0.getTime() + 1000 * day), 90)).toEqual({ purge: false, reason: 'already_purged' });
  });
});

describe('reads at reception', () => {
  const onSite = { id: 'visit-1', actor: 'v_abc', onSite: true };

  it('signs a visitor out when their printed badge is scanned', () => {
    const out = decideReceptionRead({ kind: 'token', match: { role: 'badge', visit: onSite } }, 'reception-scanner');
    expect(out).toEqual([
      { kind: 'fact', leaf: { type: 'visitor.signed_out', device: 'reception-scanner', location: 'reception', actor: 'v_abc', subject: 'v_abc', visit: 'visit-1', reason: 'badge_returned' } },
      { kind: 'sign_out', visitId: 'visit-1', reason: 'badge_returned', releaseCard: null },
      { kind: 'answer', ok: true, message: expect.stringMatching(/Signed out/) },
    ]);
  });

  it('signs a visitor out and puts the card back in the pool when their loaner card is tapped', () => {
    const out = decideReceptionRead({ kind: 'card', card: { id: 'L-1', visit: onSite }, staffBadge: false }, 'reception-reader');
    expect(out).toContainEqual({ kind: 'sign_out', visitId: 'visit-1', reason: 'badge_returned', releaseCard: 'L-1' });
    expect(out[0]).toMatchObject({ kind: 'fact', leaf: { type: 'visitor.signed_out', card: 'L-1' } });
  });

  it('takes back a card kept by a visitor signed out at closing time', () => {
    const out = decideReceptionRead({ kind: 'card', card: { id: 'L-1', visit: { ...onSite, onSite: false } }, staffBadge: false }, 'reception-reader');
    expect(out.map((o) => o.kind)).toEqual(['fact', 'card.release', 'answer']);
    expect(out[0]).toMatchObject({ leaf: { type: 'loaner_card.returned', card: 'L-1' } });
  });

  it('sends a pre-registered visitor to the kiosk, answers unknown tokens and badges, and leaves staff badges alone', () => {
    expect(decideReceptionRead({ kind: 'token', match: { role: 'preregistration' } }, 'd')).toEqual([{ kind: 'answer', ok: false, message: 'Please sign in at the kiosk first' }]);
    expect(decideReceptionRead({ kind: 'token', match: null }, 'd')).toMatchObject([{ kind: 'answer', ok: false }]);
    expect(decideReceptionRead({ kind: 'card', card: null, staffBadge: false }, 'd')).toMatchObject([{ kind: 'answer', ok: false }]);
    expect(decideReceptionRead({ kind: 'card', card: null, staffBadge: true }, 'd')).toEqual([]);
    expect(decideReceptionRead({ kind: 'other' }, 'd')).toEqual([]);
  });
});
