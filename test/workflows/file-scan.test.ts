import { describe, expect, it } from 'vitest';
import { decideFileScan, type RecordState, type ScanPlace } from '../../server/workflows/file-scan';
import type { Outcome } from '../../server/workflows/outcomes';

const now = new Date('2026-01-05T15:00:00Z');
const visit = { id: 'v1', cabinetId: 'cab-1', personId: 'p1', actor: 'p_ada', startedAt: now, lastActivityAt: now };
const atCabinet: ScanPlace = { kind: 'cabinet', cabinetId: 'cab-1', visit };
const atDesk = (handled: string[] = []): ScanPlace => ({ kind: 'desk', deskId: 'desk-1', session: { personId: 'p1', actor: 'p_ada', startedAt: now, handled: new Set(handled) } });
const file: RecordState = { id: 'r1', barcode: 'SK-000001', client: 'Acme', matter: 'M1', status: 'in', custodianId: null, custodianActor: null, location: 'cab-1', homeCabinetId: 'cab-1', legalHold: false };
const scan = (place: ScanPlace, record: RecordState | null, walls = []) => decideFileScan({ place, device: 'scanner', record, barcode: record?.barcode ?? 'SK-404', walls });
const facts = (o: Outcome[]) => o.filter((x) => x.kind === 'fact').map((x) => (x.kind === 'fact' ? x.leaf : null));
const change = (o: Outcome[]) => o.find((x) => x.kind === 'record');

describe('a file scanned during a cabinet visit', () => {
  it('is checked out to the visitor when it was in the cabinet', () => {
    const o = scan(atCabinet, file);
    expect(facts(o)).toEqual([expect.objectContaining({ type: 'record.checked_out', actor: 'p_ada', record: 'r1', location: 'cab-1' })]);
    expect(change(o)).toMatchObject({ status: 'out', custodianId: 'p1', location: null });
  });

  it('is checked in to the cabinet when it was out with the visitor', () => {
    const o = scan(atCabinet, { ...file, status: 'out', custodianId: 'p1', custodianActor: 'p_ada', location: null });
    expect(facts(o)).toEqual([expect.objectContaining({ type: 'record.checked_in', location: 'cab-1' })]);
    expect(change(o)).toMatchObject({ status: 'in', custodianId: null, location: 'cab-1' });
  });

  it("is checked in for a colleague, naming whose it was", () => {
    const o = scan(atCabinet, { ...file, status: 'out', custodianId: 'p2', custodianActor: 'p_bob', location: null });
    expect(facts(o)[0]).toMatchObject({ type: 'record.checked_in', reason: 'returned_by_other', from: 'p_bob' });
  });

  it('put in the wrong cabinet is checked in there with an alert', () => {
    const o = scan(atCabinet, { ...file, status: 'out', custodianId: 'p1', location: null, homeCabinetId: 'cab-2' });
    expect(facts(o)[0]).toMatchObject({ reason: 'not_home_cabinet' });
    expect(o).toContainEqual(expect.objectContaining({ kind: 'alert', type: 'record.misplaced' }));
  });

  it('without a visit, or unknown, changes nothing and says why', () => {
    expect(scan({ kind: 'cabinet', cabinetId: 'cab-1', visit: null }, file)).toEqual([{ kind: 'answer', ok: false, message: 'Badge at the cabinet first' }]);
    expect(scan(atCabinet, null)).toEqual([{ kind: 'answer', ok: false, message: 'No file has barcode SK-404' }]);
  });

  it('behind an ethical wall is refused, logged and alerted', () => {
    const o = decideFileScan({ place: atCabinet, device: 's', record: file, barcode: file.barcode, walls: [{ client: 'Acme', matter: 'M1' }] });
    expect(facts(o)).toEqual([expect.objectContaining({ type: 'access.denied', reason: 'ethical_wall', record: 'r1' })]);
    expect(change(o)).toBeUndefined();
  });

  it('recorded as destroyed is not moved', () => {
    const o = scan(atCabinet, { ...file, status: 'destroyed' });
    expect(change(o)).toBeUndefined();
    expect(o).toContainEqual(expect.objectContaining({ kind: 'alert', type: 'record.unexpected_scan' }));
  });
});

describe('a file scanned at a desk', () => {
  it('is checked out, transferred from a colleague, or checked in by its holder', () => {
    expect(facts(scan(atDesk(), file))[0]).toMatchObject({ type: 'record.checked_out', location: 'desk-1' });
    const fromBob = scan(atDesk(), { ...file, status: 'out', custodianId: 'p2', custodianActor: 'p_bob', location: null });
    expect(facts(fromBob)[0]).toMatchObject({ type: 'record.transferred', actor: 'p_ada', from: 'p_bob' });
    expect(change(fromBob)).toMatchObject({ status: 'out', custodianId: 'p1' });
    const back = scan(atDesk(), { ...file, status: 'out', custodianId: 'p1', location: null });
    expect(facts(back)[0]).toMatchObject({ type: 'record.checked_in', location: 'cab-1' });
  });

  it('scanned twice in one session is answered, not doubled', () => {
    expect(scan(atDesk(['r1']), { ...file, status: 'out', custodianId: 'p1' })).toEqual([{ kind: 'answer', ok: true, message: 'Already recorded: SK-000001' }]);
  });

  it('without a badge first changes nothing', () => {
    expect(scan({ kind: 'desk', deskId: 'desk-1', session: null }, file)).toEqual([{ kind: 'answer', ok: false, message: 'Tap your badge first' }]);
  });
});
