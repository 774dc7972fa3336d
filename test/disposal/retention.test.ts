import { describe, expect, it } from 'vitest';
import { addYears, decideEligibility, decideRetention, resolveRetentionClass, retentionDue } from '../../server/disposal/retention';
import { commit, commitmentOf } from '../../server/disposal/commitment';
import { closed7y, created0y, facts, NOW } from './helpers';

describe('retention', () => {
  it('a closed+7y file is due seven calendar years after its matter closed', () => {
    const closed = new Date('2019-03-02T15:00:00Z');
    expect(retentionDue(closed7y, new Date('2001-01-01T00:00:00Z'), closed)).toEqual(new Date('2026-03-02T15:00:00Z'));
    expect(decideEligibility(facts({ matterClosedAt: closed }), NOW)).toEqual({ eligible: true, due: new Date('2026-03-02T15:00:00Z') });
    expect(decideEligibility(facts({ matterClosedAt: new Date(closed.getTime() + 1) }), NOW)).toMatchObject({ eligible: false, reason: 'retention_not_met' });
  });

  it('counts a created-triggered class from the file’s creation, whatever the matter', () => {
    expect(decideEligibility(facts({ classRef: 'rc-0', retentionClass: created0y, matterClosedAt: null }), NOW)).toMatchObject({ eligible: true });
  });

  it('never ends early on 29 February', () => {
    expect(addYears(new Date('2024-02-29T12:00:00Z'), 1)).toEqual(new Date('2025-03-01T12:00:00Z'));
    expect(addYears(new Date('2024-02-29T12:00:00Z'), 4)).toEqual(new Date('2028-02-29T12:00:00Z'));
  });

  it.each([
    ['under a legal hold', { held: true }, 'legal_hold'],
    ['an original to return to the client (own flag)', { returnToClient: true }, 'return_to_client'],
    ['an original to return to the client (class default)', { retentionClass: { ...closed7y, returnToClient: true } }, 'return_to_client'],
    ['without a retention class', { classRef: null, retentionClass: null }, 'no_retention_class'],
    ['naming a class that does not exist', { classRef: 'closed+99y', retentionClass: null }, 'unknown_retention_class'],
    ['of a matter still open', { matterClosedAt: null }, 'matter_open'],
    ['checked out', { status: 'out' as const }, 'not_in'],
    ['already deposited', { status: 'deposited' as const }, 'not_in'],
  ])('is not eligible when %s', (_what, change, reason) => {
    expect(decideEligibility(facts(change), NOW)).toMatchObject({ eligible: false, reason });
  });

  it('a file’s own "keep, not for return" overrides its class’s return default', () => {
    expect(decideEligibility(facts({ retentionClass: { ...closed7y, returnToClient: true }, returnToClient: false }), NOW).eligible).toBe(true);
  });

  it('a hold outranks everything else, even a met retention', () => {
    expect(decideRetention(facts({ held: true, returnToClient: true }), NOW)).toEqual({ met: false, reason: 'legal_hold' });
  });

  it('resolves a record’s class by id first, then by name', () => {
    const classes = [closed7y, created0y, { ...created0y, id: 'closed+7y', name: 'odd' }];
    expect(resolveRetentionClass(classes, 'rc-1')).toBe(closed7y);
    expect(resolveRetentionClass(classes, 'created+0y')).toBe(created0y);
    expect(resolveRetentionClass(classes, 'closed+7y')?.name).toBe('odd');
    expect(resolveRetentionClass(classes, null)).toBeNull();
  });
});

describe('salted commitments', () => {
  it('commit to a value without revealing it, and verify with the salt', () => {
    const a = commit('operator', 'Jane Shredder');
    const b = commit('operator', 'Jane Shredder');
    expect(a.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(a.commitment).not.toBe(b.commitment);
    expect(commitmentOf('operator', 'Jane Shredder', a.salt)).toBe(a.commitment);
    expect(commitmentOf('operator', 'John Shredder', a.salt)).not.toBe(a.commitment);
    expect(commitmentOf('hold-reason', 'Jane Shredder', a.salt)).not.toBe(a.commitment);
  });
});
