import type { RecordStatus } from '../db/models';
import type { DisposalOutcome } from './outcomes';

/**
 * Legal holds, as pure decisions. A hold covers one file, every file of a client's matter, or
 * every file of a client, including files added later. It is placed and released by one person and
 * approved by another; both must be managers or admins. Each covered file gets its own custody
 * leaf, so the file's chain shows the hold.
 */

export type HoldScope =
  | { kind: 'record'; recordId: string }
  | { kind: 'matter'; client: string; matter: string }
  | { kind: 'client'; client: string };

export const HOLD_ROLES: readonly string[] = ['manager', 'admin'];

export interface HoldPerson {
  id: string;
  /** Pseudonym: what the log names. */
  actor: string;
  role: string;
  active: boolean;
}

export interface HoldableRecord {
  id: string;
  barcode: string;
  client: string;
  matter: string;
  status: RecordStatus;
}

export type HoldRefusal = 'unknown_person' | 'requester_not_allowed' | 'approver_not_allowed' | 'approver_is_requester' | 'already_released';

export type HoldDecision = { ok: true; outcomes: DisposalOutcome[]; recordIds: string[] } | { ok: false; reason: HoldRefusal; message: string };

/** Destroyed and returned files have left the office's custody: a hold has nothing to keep there. */
const GONE = new Set<RecordStatus>(['destroyed', 'returned']);

export function holdCovers(scope: HoldScope, record: { id: string; client: string; matter: string }): boolean {
  switch (scope.kind) {
    case 'record':
      return scope.recordId === record.id;
    case 'matter':
      return scope.client === record.client && scope.matter === record.matter;
    case 'client':
      return scope.client === record.client;
  }
}

/** The files a hold keeps: covered and still in the office's custody. */
export function coveredRecords<R extends HoldableRecord>(scope: HoldScope, records: readonly R[]): R[] {
  return records.filter((r) => holdCovers(scope, r) && !GONE.has(r.status));
}

function checkPeople(requester: HoldPerson | null, approver: HoldPerson | null): { reason: HoldRefusal; message: string } | null {
  if (!requester || !approver) return { reason: 'unknown_person', message: 'the requester and the approver must be people in the directory' };
  if (!requester.active || !HOLD_ROLES.includes(requester.role)) {
    return { reason: 'requester_not_allowed', message: 'only an active manager or admin may ask for a legal hold or its release' };
  }
  if (!approver.active || !HOLD_ROLES.includes(approver.role)) {
    return { reason: 'approver_not_allowed', message: 'only an active manager or admin may approve a legal hold or its release' };
  }
  if (approver.id === requester.id) return { reason: 'approver_is_requester', message: 'the approver must be a different person than the requester' };
  return null;
}

export function decidePlaceHold(input: {
  holdId: string;
  scope: HoldScope;
  requester: HoldPerson | null;
  approver: HoldPerson | null;
  /** Candidate files (at least those the scope covers). */
  records: readonly HoldableRecord[];
  /** Salted commitment to the free-text reason, which stays off the log. */
  reasonCommitment: string;
}): HoldDecision {
  const refused = checkPeople(input.requester, input.approver);
  if (refused) return { ok: false, ...refused };
  const requester = input.requester!;
  const approver = input.approver!;
  const covered = coveredRecords(input.scope, input.records);
  const base = { hold: input.holdId, scope: input.scope.kind, actor: requester.actor, approver: approver.actor, commitments: { reason: input.reasonCommitment } };
  const outcomes: DisposalOutcome[] = [];
  if (covered.length === 0) outcomes.push({ kind: 'fact', leaf: { type: 'hold.placed', ...base } });
  for (const r of covered) {
    outcomes.push({ kind: 'fact', leaf: { type: 'hold.placed', ...base, record: r.id } });
    outcomes.push({ kind: 'hold.flag', recordId: r.id, held: true });
    if (r.status === 'deposited') {
      outcomes.push({
        kind: 'alert',
        type: 'disposal.held_in_bin',
        severity: 'critical',
        message: `File ${r.barcode} came under a legal hold while waiting for destruction: take it back out of the shred bin or batch`,
        record: r.id,
      });
    }
  }
  return { ok: true, outcomes, recordIds: covered.map((r) => r.id) };
}

export function decideReleaseHold(input: {
  hold: { id: string; scope: HoldScope; released: boolean };
  releaser: HoldPerson | null;
  approver: HoldPerson | null;
  records: readonly HoldableRecord[];
  /** Files that another active hold still covers: their flag stays set. */
  heldByOthers: ReadonlySet<string>;
  reasonCommitment: string;
}): HoldDecision {
  if (input.hold.released) return { ok: false, reason: 'already_released', message: 'this hold has already been released' };
  const refused = checkPeople(input.releaser, input.approver);
  if (refused) return { ok: false, ...refused };
  const releaser = input.releaser!;
  const approver = input.approver!;
  const covered = coveredRecords(input.hold.scope, input.records);
  const base = {
    hold: input.hold.id,
    scope: input.hold.scope.kind,
    actor: releaser.actor,
    approver: approver.actor,
    commitments: { reason: input.reasonCommitment },
  };
  const outcomes: DisposalOutcome[] = [];
  if (covered.length === 0) outcomes.push({ kind: 'fact', leaf: { type: 'hold.released', ...base } });
  for (const r of covered) {
    const still = input.heldByOthers.has(r.id);
    outcomes.push({ kind: 'fact', leaf: { type: 'hold.released', ...base, record: r.id, ...(still ? { still_held: true } : {}) } });
    outcomes.push({ kind: 'hold.flag', recordId: r.id, held: still });
  }
  return { ok: true, outcomes, recordIds: covered.map((r) => r.id) };
}
