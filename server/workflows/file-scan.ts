import type { RecordStatus } from '../db/models';
import { isScreened, type ScreenedMatter } from './cabinet-access';
import type { OpenVisit, Outcome } from './outcomes';

export interface RecordState {
  id: string;
  barcode: string;
  client: string;
  matter: string;
  status: RecordStatus;
  custodianId: string | null;
  /** The custodian's pseudonym, for transfer facts. */
  custodianActor: string | null;
  location: string | null;
  homeCabinetId: string | null;
  legalHold: boolean;
}

/** A person at a desk station: badge first, then files, within a short session. */
export interface DeskSession {
  personId: string;
  actor: string;
  startedAt: Date;
  /** Records already handled in this session: scanning one again is answered, not doubled. */
  handled: ReadonlySet<string>;
}

export type ScanPlace = { kind: 'cabinet'; cabinetId: string; visit: OpenVisit | null } | { kind: 'desk'; deskId: string; session: DeskSession | null };

const outOfReach = new Set<RecordStatus>(['deposited', 'destroyed', 'returned']);

/**
 * A file scanned at a cabinet during a visit, or at a desk after a badge: check out, check in or
 * transfer custody. Every move names who, where and which read it rests on.
 */
export function decideFileScan(input: { place: ScanPlace; device: string; record: RecordState | null; barcode: string; walls: readonly ScreenedMatter[] }): Outcome[] {
  const { place, device, record } = input;
  const who = place.kind === 'cabinet' ? place.visit : place.session;
  const where = place.kind === 'cabinet' ? place.cabinetId : place.deskId;
  if (!who) {
    return [{ kind: 'answer', ok: false, message: place.kind === 'cabinet' ? 'Badge at the cabinet first' : 'Tap your badge first' }];
  }
  if (!record) return [{ kind: 'answer', ok: false, message: `No file has barcode ${input.barcode}` }];
  const person = { id: who.personId, actor: who.actor };
  if (isScreened(input.walls, record)) {
    return [
      { kind: 'fact', leaf: { type: 'access.denied', device, actor: person.actor, record: record.id, location: where, reason: 'ethical_wall' } },
      { kind: 'alert', type: 'record.ethical_wall', severity: 'critical', message: `A screened person scanned file ${record.barcode}`, device, record: record.id },
      { kind: 'answer', ok: false, message: 'You are screened from this matter: leave the file where it is' },
    ];
  }
  if (outOfReach.has(record.status)) {
    return [
      { kind: 'alert', type: 'record.unexpected_scan', severity: 'warning', message: `File ${record.barcode} is recorded as ${record.status} but was scanned at ${where}`, device, record: record.id },
      { kind: 'answer', ok: false, message: `This file is recorded as ${record.status}` },
    ];
  }
  if (place.kind === 'desk' && place.session?.handled.has(record.id)) {
    return [{ kind: 'answer', ok: true, message: `Already recorded: ${record.barcode}` }];
  }
  const base = { device, actor: person.actor, record: record.id };
  if (record.status === 'out' && record.custodianId === person.id) {
    // Handing it back: at a cabinet into that cabinet, at a desk back to its home for refiling.
    const location = place.kind === 'cabinet' ? place.cabinetId : record.homeCabinetId;
    const misplaced = place.kind === 'cabinet' && record.homeCabinetId !== null && record.homeCabinetId !== place.cabinetId;
    return [
      { kind: 'fact', leaf: { ...base, type: 'record.checked_in', ...(location ? { location } : {}), ...(misplaced ? { reason: 'not_home_cabinet' } : {}) } },
      { kind: 'record', recordId: record.id, status: 'in', custodianId: null, location },
      ...(misplaced ? [{ kind: 'alert' as const, type: 'record.misplaced', severity: 'info' as const, message: `File ${record.barcode} was put in cabinet ${where}, not its home ${record.homeCabinetId}`, record: record.id }] : []),
      { kind: 'answer', ok: true, message: `Checked in: ${record.barcode}` },
    ];
  }
  if (record.status === 'out' && record.custodianId !== person.id) {
    if (place.kind === 'cabinet') {
      // Someone returns a colleague's file to the cabinet: it is back, whoever carried it.
      return [
        { kind: 'fact', leaf: { ...base, type: 'record.checked_in', location: place.cabinetId, reason: 'returned_by_other', ...(record.custodianActor ? { from: record.custodianActor } : {}) } },
        { kind: 'record', recordId: record.id, status: 'in', custodianId: null, location: place.cabinetId },
        { kind: 'answer', ok: true, message: `Checked in for a colleague: ${record.barcode}` },
      ];
    }
    return [
      { kind: 'fact', leaf: { ...base, type: 'record.transferred', location: where, ...(record.custodianActor ? { from: record.custodianActor } : {}) } },
      { kind: 'record', recordId: record.id, status: 'out', custodianId: person.id, location: null },
      { kind: 'answer', ok: true, message: `Transferred to you: ${record.barcode}` },
    ];
  }
  // In a cabinet: take it out. At a cabinet other than where it is recorded, it was misplaced.
  const foundElsewhere = place.kind === 'cabinet' && record.location !== place.cabinetId;
  return [
    { kind: 'fact', leaf: { ...base, type: 'record.checked_out', location: where, ...(foundElsewhere ? { reason: 'found_elsewhere' } : {}) } },
    { kind: 'record', recordId: record.id, status: 'out', custodianId: person.id, location: null },
    { kind: 'answer', ok: true, message: `Checked out to you: ${record.barcode}` },
  ];
}
