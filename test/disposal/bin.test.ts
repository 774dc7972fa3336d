import { describe, expect, it } from 'vitest';
import {
  BIN_SESSION_MS,
  decideBatchStart,
  decideBinBadge,
  decideBinLid,
  decideBinScan,
  decideRetrieval,
  type BinPlace,
  type BinRecord,
  type BinSession,
} from '../../server/disposal/bin-decisions';
import { binRecord, depositor, kinds, leaves, NOW, person } from './helpers';

const bin: BinPlace = { id: 'shred-1' };
const sealed: BinPlace = { id: 'shred-1', sealDevice: 'shred-1-seal' };
const scan = (file: BinRecord | null, session: BinSession | null = depositor(), over: Partial<Parameters<typeof decideBinScan>[0]> = {}) =>
  decideBinScan({ bin, device: 'shred-1-scanner', session, file, barcode: file?.record.barcode ?? 'SK-404', walls: [], now: NOW, ...over });

describe('depositing at a shred bin', () => {
  it('a badge opens a session; nothing is logged for the badge itself beyond its raw read', () => {
    const step = decideBinBadge({ bin, device: 'shred-1-reader', person: person('ada'), session: null, pending: [], batchId: 'b1', now: NOW });
    expect(kinds(step.outcomes)).toEqual(['answer']);
    expect(step.session).toMatchObject({ personId: 'ada', kind: 'depositor' });
  });

  it('an unknown or disabled badge is not recognised', () => {
    for (const p of [null, person('ada', 'staff', { active: false }), person('ada', 'staff', { validUntil: new Date('2026-01-01T00:00:00Z') })]) {
      const step = decideBinBadge({ bin, device: 'r', person: p, session: null, pending: [], batchId: 'b1', now: NOW });
      expect(step.outcomes).toEqual([{ kind: 'answer', ok: false, message: 'Badge not recognised' }]);
      expect(step.session).toBeNull();
    }
  });

  it('an eligible file in its cabinet is deposited: fact, status deposited, located in the bin', () => {
    const step = scan(binRecord());
    expect(kinds(step.outcomes)).toEqual(['fact:disposal.deposited', 'record:deposited', 'deposit', 'answer']);
    expect(leaves(step.outcomes)[0]).toEqual({ type: 'disposal.deposited', device: 'shred-1-scanner', actor: 'p_ada', record: 'r1', location: 'shred-1' });
    expect(step.outcomes[1]).toEqual({ kind: 'record', recordId: 'r1', status: 'deposited', custodianId: null, location: 'shred-1' });
    expect(step.session?.handled.has('r1')).toBe(true);
  });

  it('an eligible file checked out to the depositor is deposited too', () => {
    expect(kinds(scan(binRecord({ status: 'out', custodianId: 'ada', location: null })).outcomes)).toContain('fact:disposal.deposited');
  });

  it('with a seal, an accepted file unlocks the lid', () => {
    expect(kinds(scan(binRecord(), depositor(), { bin: sealed }).outcomes)).toContain('command:unlock');
  });

  const refusals: [string, BinRecord, string, string?][] = [
    ['under a legal hold', binRecord({ legalHold: true }), 'legal_hold'],
    ['under a matter-wide hold (flag not yet set)', binRecord({}, { held: true }), 'legal_hold'],
    ['not yet eligible (retention running)', binRecord({}, { matterClosedAt: new Date('2024-01-01T00:00:00Z') }), 'not_yet_eligible', 'retention_not_met'],
    ['not yet eligible (matter open)', binRecord({}, { matterClosedAt: null }), 'not_yet_eligible', 'matter_open'],
    ['not yet eligible (no retention class)', binRecord({}, { classRef: null, retentionClass: null }), 'not_yet_eligible', 'no_retention_class'],
    ['checked out to someone else', binRecord({ status: 'out', custodianId: 'bob', custodianActor: 'p_bob', location: null }), 'checked_out_to_other'],
    ['flagged for return to the client', binRecord({}, { returnToClient: true }), 'return_to_client'],
    ['already destroyed', binRecord({ status: 'destroyed', location: null }), 'not_available', 'destroyed'],
    ['already in a bin (another session)', binRecord({ status: 'deposited', location: 'shred-1' }), 'not_available', 'deposited'],
  ];

  it.each(refusals)('refuses a file %s: fact with the reason, alert, and the lid stays locked', (_what, file, reason, detail) => {
    const step = decideBinScan({ bin: sealed, device: 'shred-1-scanner', session: depositor(), file, barcode: file.record.barcode, walls: [], now: NOW });
    expect(kinds(step.outcomes)).toEqual(['fact:disposal.refused', 'alert:disposal.refused', 'answer']);
    expect(leaves(step.outcomes)[0]).toMatchObject({ type: 'disposal.refused', reason, record: 'r1', actor: 'p_ada', location: 'shred-1', ...(detail ? { detail } : {}) });
    expect(step.outcomes.find((o) => o.kind === 'alert')).toMatchObject({ severity: reason === 'legal_hold' ? 'critical' : 'warning', record: 'r1' });
    expect(step.outcomes.some((o) => o.kind === 'command' || o.kind === 'record' || o.kind === 'deposit')).toBe(false);
  });

  it('names whose file it was when it is checked out to someone else', () => {
    const step = scan(refusals[5]![1]);
    expect(leaves(step.outcomes)[0]).toMatchObject({ from: 'p_bob' });
  });

  it('refuses a file of a matter the depositor is screened from', () => {
    const step = scan(binRecord(), depositor(), { walls: [{ client: 'Acme', matter: null }] });
    expect(leaves(step.outcomes)[0]).toMatchObject({ reason: 'ethical_wall' });
    expect(step.outcomes.find((o) => o.kind === 'alert')).toMatchObject({ severity: 'critical' });
  });

  it('without a badge first, or after the session lapsed, logs the attempt and changes nothing', () => {
    for (const session of [null, depositor('ada', new Date(NOW.getTime() - BIN_SESSION_MS - 1))]) {
      const step = scan(binRecord(), session);
      expect(kinds(step.outcomes)).toEqual(['fact:disposal.refused', 'answer']);
      expect(leaves(step.outcomes)[0]).toMatchObject({ reason: 'no_badge' });
      expect(leaves(step.outcomes)[0]).not.toHaveProperty('actor');
    }
  });

  it('an unknown barcode is only answered', () => {
    expect(scan(null).outcomes).toEqual([{ kind: 'answer', ok: false, message: 'No file has barcode SK-404' }]);
  });

  it('the same file scanned twice in the session is answered, not refused', () => {
    const first = scan(binRecord());
    const again = scan(binRecord({ status: 'deposited', location: 'shred-1' }), first.session);
    expect(kinds(again.outcomes)).toEqual(['answer']);
  });

  it("a vendor's session deposits nothing", () => {
    const vendor: BinSession = { ...depositor('vic'), kind: 'vendor' };
    expect(leaves(scan(binRecord(), vendor).outcomes)[0]).toMatchObject({ reason: 'no_badge' });
  });
});

describe('the vendor’s pickup', () => {
  const pending = [
    { recordId: 'r1', barcode: 'SK-1', held: false },
    { recordId: 'r2', barcode: 'SK-2', held: false },
  ];
  const vic = person('vic', 'vendor');

  it("the vendor's badge starts a batch of every waiting file, each file's chain shows it", () => {
    const step = decideBinBadge({ bin: sealed, device: 'shred-1-reader', person: vic, session: null, pending, batchId: 'b1', now: NOW });
    expect(kinds(step.outcomes)).toEqual(['fact:disposal.batch_started', 'batch.create', 'fact:disposal.collected', 'fact:disposal.collected', 'command:unlock', 'answer']);
    expect(leaves(step.outcomes)[0]).toEqual({ type: 'disposal.batch_started', location: 'shred-1', actor: 'p_vic', device: 'shred-1-reader', batch: 'b1', via: 'badge', count: 2 });
    expect(step.outcomes[1]).toMatchObject({ recordIds: ['r1', 'r2'], startedBy: 'vic', via: 'badge', sealNumber: null });
    expect(step.session).toMatchObject({ kind: 'vendor' });
  });

  it('through the API, with the seal number', () => {
    const start = decideBatchStart({ bin, batchId: 'b2', actor: 'p_mia', personId: 'mia', via: 'api', sealNumber: 'S-778', pending });
    expect(start.ok).toBe(true);
    expect(leaves(start.outcomes)[0]).toMatchObject({ via: 'api', seal_number: 'S-778' });
  });

  it('an empty bin has nothing to collect', () => {
    expect(decideBatchStart({ bin, batchId: 'b', actor: 'p', personId: null, via: 'api', sealNumber: 'S', pending: [] })).toMatchObject({ ok: false, reason: 'nothing_to_collect' });
  });

  it('is refused while a waiting file is under a hold: logged, alerted, the seal stays shut', () => {
    const step = decideBinBadge({ bin: sealed, device: 'r', person: vic, session: null, pending: [...pending, { recordId: 'r3', barcode: 'SK-3', held: true }], batchId: 'b', now: NOW });
    expect(kinds(step.outcomes)).toEqual(['fact:disposal.pickup_refused', 'alert:disposal.pickup_refused', 'answer']);
    expect(step.outcomes[1]).toMatchObject({ severity: 'critical', record: 'r3' });
    expect(step.session).toBeNull();
  });
});

describe('the lid', () => {
  it('opening after an accepted scan is expected; closing locks a sealed lid again', () => {
    const s = scan(binRecord(), depositor(), { bin: sealed }).session;
    expect(kinds(decideBinLid({ bin: sealed, device: 'lid', state: 'open', session: s, now: NOW }).outcomes)).toEqual(['fact:bin.lid_opened']);
    const closed = decideBinLid({ bin: sealed, device: 'lid', state: 'closed', session: s, now: NOW });
    expect(kinds(closed.outcomes)).toEqual(['fact:bin.lid_closed', 'command:lock']);
    expect(closed.session?.lidAllowedUntil).toBeNull();
  });

  it('a sealed lid opening without an accepted scan was forced', () => {
    expect(kinds(decideBinLid({ bin: sealed, device: 'lid', state: 'open', session: depositor(), now: NOW }).outcomes)).toEqual(['fact:bin.lid_opened', 'alert:disposal.lid_forced']);
  });

  it('an unsealed lid opening without a scan is only logged (loose paper goes in too)', () => {
    const step = decideBinLid({ bin, device: 'lid', state: 'open', session: null, now: NOW });
    expect(kinds(step.outcomes)).toEqual(['fact:bin.lid_opened']);
    expect(leaves(step.outcomes)[0]).toMatchObject({ reason: 'no_accepted_scan' });
  });
});

describe('taking a file back out', () => {
  const mia = { id: 'mia', actor: 'p_mia', role: 'manager', active: true };
  it('checks it out to the manager who took it', () => {
    const d = decideRetrieval({ file: binRecord({ status: 'deposited', location: 'shred-1' }), person: mia, deposit: { binId: 'shred-1', batchId: null } });
    expect(d.ok && kinds(d.outcomes)).toEqual(['fact:disposal.retrieved', 'record:out', 'deposit.retrieved']);
  });
  it('only by a manager, only a deposited file', () => {
    expect(decideRetrieval({ file: binRecord({ status: 'deposited' }), person: { ...mia, role: 'staff' }, deposit: { binId: 'shred-1', batchId: null } })).toMatchObject({ ok: false, reason: 'not_allowed' });
    expect(decideRetrieval({ file: binRecord(), person: mia, deposit: null })).toMatchObject({ ok: false, reason: 'not_deposited' });
  });
});
