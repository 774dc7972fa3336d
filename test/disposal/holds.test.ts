import { describe, expect, it } from 'vitest';
import { coveredRecords, decidePlaceHold, decideReleaseHold, holdCovers, type HoldableRecord, type HoldPerson } from '../../server/disposal/holds';
import { kinds, leaves } from './helpers';

const mia: HoldPerson = { id: 'mia', actor: 'p_mia', role: 'manager', active: true };
const max: HoldPerson = { id: 'max', actor: 'p_max', role: 'admin', active: true };
const ada: HoldPerson = { id: 'ada', actor: 'p_ada', role: 'staff', active: true };
const files: HoldableRecord[] = [
  { id: 'r1', barcode: 'SK-1', client: 'Acme', matter: 'M1', status: 'in' },
  { id: 'r2', barcode: 'SK-2', client: 'Acme', matter: 'M1', status: 'out' },
  { id: 'r3', barcode: 'SK-3', client: 'Acme', matter: 'M1', status: 'destroyed' },
  { id: 'r4', barcode: 'SK-4', client: 'Acme', matter: 'M2', status: 'in' },
  { id: 'r5', barcode: 'SK-5', client: 'Birch', matter: 'M1', status: 'in' },
];
const place = (over: Partial<Parameters<typeof decidePlaceHold>[0]> = {}) =>
  decidePlaceHold({ holdId: 'h1', scope: { kind: 'matter', client: 'Acme', matter: 'M1' }, requester: mia, approver: max, records: files, reasonCommitment: 'c'.repeat(64), ...over });

describe('placing a legal hold', () => {
  it('on a matter: one hold.placed leaf per file still in custody, each flagged, naming pseudonyms only', () => {
    const d = place();
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.recordIds).toEqual(['r1', 'r2']);
    expect(kinds(d.outcomes)).toEqual(['fact:hold.placed', 'hold.flag', 'fact:hold.placed', 'hold.flag']);
    expect(leaves(d.outcomes)[0]).toEqual({ type: 'hold.placed', hold: 'h1', scope: 'matter', actor: 'p_mia', approver: 'p_max', record: 'r1', commitments: { reason: 'c'.repeat(64) } });
    // Neither the client's name, the matter, nor the reason is in the log.
    expect(JSON.stringify(leaves(d.outcomes))).not.toMatch(/Acme|M1/);
  });

  it('on one file, or a whole client', () => {
    const one = place({ scope: { kind: 'record', recordId: 'r4' } });
    expect(one.ok && one.recordIds).toEqual(['r4']);
    const client = place({ scope: { kind: 'client', client: 'Acme' } });
    expect(client.ok && client.recordIds).toEqual(['r1', 'r2', 'r4']);
  });

  it('on a matter with no file yet: one leaf for the hold itself, files added later are covered', () => {
    const d = place({ scope: { kind: 'matter', client: 'Zed', matter: 'M9' } });
    expect(d.ok && kinds(d.outcomes)).toEqual(['fact:hold.placed']);
    expect(holdCovers({ kind: 'matter', client: 'Zed', matter: 'M9' }, { id: 'new', client: 'Zed', matter: 'M9' })).toBe(true);
  });

  it('refuses an approver who is the requester', () => {
    expect(place({ approver: mia })).toMatchObject({ ok: false, reason: 'approver_is_requester' });
  });

  it('refuses a requester or approver who is not a manager or admin, or is disabled, or unknown', () => {
    expect(place({ requester: ada })).toMatchObject({ ok: false, reason: 'requester_not_allowed' });
    expect(place({ approver: ada })).toMatchObject({ ok: false, reason: 'approver_not_allowed' });
    expect(place({ approver: { ...max, active: false } })).toMatchObject({ ok: false, reason: 'approver_not_allowed' });
    expect(place({ approver: null })).toMatchObject({ ok: false, reason: 'unknown_person' });
  });

  it('alerts when a file it now holds is waiting in a shred bin', () => {
    const d = place({ records: [{ id: 'r9', barcode: 'SK-9', client: 'Acme', matter: 'M1', status: 'deposited' }] });
    expect(d.ok && kinds(d.outcomes)).toEqual(['fact:hold.placed', 'hold.flag', 'alert:disposal.held_in_bin']);
    expect(d.ok && d.outcomes[2]).toMatchObject({ severity: 'critical', record: 'r9' });
  });
});

describe('releasing a legal hold', () => {
  const release = (over: Partial<Parameters<typeof decideReleaseHold>[0]> = {}) =>
    decideReleaseHold({
      hold: { id: 'h1', scope: { kind: 'matter', client: 'Acme', matter: 'M1' }, released: false },
      releaser: max,
      approver: mia,
      records: files,
      heldByOthers: new Set(),
      reasonCommitment: 'd'.repeat(64),
      ...over,
    });

  it('leaves a hold.released entry on each file and clears its flag', () => {
    const d = release();
    expect(d.ok && kinds(d.outcomes)).toEqual(['fact:hold.released', 'hold.flag', 'fact:hold.released', 'hold.flag']);
    expect(d.ok && d.outcomes[1]).toEqual({ kind: 'hold.flag', recordId: 'r1', held: false });
  });

  it('keeps the flag of a file another hold still covers, and says so', () => {
    const d = release({ heldByOthers: new Set(['r2']) });
    expect(d.ok && leaves(d.outcomes)[1]).toMatchObject({ record: 'r2', still_held: true });
    expect(d.ok && d.outcomes[3]).toEqual({ kind: 'hold.flag', recordId: 'r2', held: true });
  });

  it('needs a different approver, and can happen only once', () => {
    expect(release({ approver: max })).toMatchObject({ ok: false, reason: 'approver_is_requester' });
    expect(release({ hold: { id: 'h1', scope: { kind: 'record', recordId: 'r1' }, released: true } })).toMatchObject({ ok: false, reason: 'already_released' });
  });

  it('covers files in custody only', () => {
    expect(coveredRecords({ kind: 'client', client: 'Acme' }, files).map((r) => r.id)).toEqual(['r1', 'r2', 'r4']);
  });
});
