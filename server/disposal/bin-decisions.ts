import type { AccessPerson, ScreenedMatter } from '../workflows/cabinet-access';
import { isScreened } from '../workflows/cabinet-access';
import type { RecordState } from '../workflows/file-scan';
import type { DisposalOutcome } from './outcomes';
import { decideRetention, type RetentionFacts } from './retention';

/**
 * A shred bin, as pure decisions: (session, event, now) → (outcomes, next session).
 *
 * Depositing works like a desk: badge first, then each file is scanned before it goes in. A file
 * the rules allow is recorded as deposited in this bin; any other is refused with its reason, an
 * alert, and the lid stays locked.
 *
 * "The lid stays locked" is expressed through the bin's optional `seal` device (a lock on the
 * deposit lid, office file `shred_bins[].seal`): it gets 'unlock' only after an accepted scan or a
 * vendor's accepted pickup, and 'lock' when the lid sensor reports the lid closed. A bin without a
 * seal (the demo's shred-1) gets no command at all: a refusal is then the answer at the station,
 * the `disposal.refused` fact and the alert. With a seal, the lid opening without an accepted scan
 * is reported as forced.
 *
 * The vendor's badge at the bin's reader (a person with role 'vendor') starts a pickup batch of
 * every deposited, not yet collected file of the bin, unless one of them is now under a legal
 * hold: then the pickup is refused until someone takes that file back out.
 */

export interface BinPlace {
  id: string;
  /** The lock that keeps the lid shut, when the bin has one. */
  sealDevice?: string;
}

export interface BinSession {
  personId: string;
  actor: string;
  kind: 'depositor' | 'vendor';
  lastActivityAt: Date;
  /** Files deposited in this session: a second scan is answered, not refused. */
  handled: ReadonlySet<string>;
  /** Until when the lid may open without being reported as forced. */
  lidAllowedUntil: Date | null;
}

/** A file as the bin sees it: custody and retention. */
export interface BinRecord {
  record: RecordState;
  retention: RetentionFacts;
}

export interface PendingDeposit {
  recordId: string;
  barcode: string;
  /** Under an active hold now. */
  held: boolean;
}

export type DisposalRefusal =
  | 'no_badge'
  | 'ethical_wall'
  | 'not_available'
  | 'legal_hold'
  | 'return_to_client'
  | 'not_yet_eligible'
  | 'checked_out_to_other';

/** A bin session lasts this long after the badge, or after the last scan. */
export const BIN_SESSION_MS = 60_000;
/** After an accepted scan, the lid may open for this long. */
export const DEPOSIT_LID_MS = 60_000;
/** After an accepted pickup, the vendor has this long to empty the bin. */
export const PICKUP_LID_MS = 15 * 60_000;

export interface BinStep {
  outcomes: DisposalOutcome[];
  session: BinSession | null;
}

const REFUSAL_TEXT: Record<DisposalRefusal, string> = {
  no_badge: 'tap your badge first',
  ethical_wall: 'the person is screened from this matter',
  not_available: 'the file is not in anyone’s custody here',
  legal_hold: 'the file is under a legal hold',
  return_to_client: 'the file is an original to be returned to the client',
  not_yet_eligible: 'the file’s retention period has not ended',
  checked_out_to_other: 'the file is checked out to someone else',
};

export function liveSession(session: BinSession | null, now: Date): BinSession | null {
  return session && now.getTime() - session.lastActivityAt.getTime() <= BIN_SESSION_MS ? session : null;
}

function validNow(person: AccessPerson, now: Date): boolean {
  if (!person.active) return false;
  if (person.validFrom && now < person.validFrom) return false;
  if (person.validUntil && now >= person.validUntil) return false;
  return true;
}

/** A badge at the bin's reader: a depositor's session, or the vendor's pickup. */
export function decideBinBadge(input: {
  bin: BinPlace;
  device: string;
  person: AccessPerson | null;
  session: BinSession | null;
  /** What the bin holds and the vendor would take. */
  pending: readonly PendingDeposit[];
  /** Id for the batch a pickup would start (drawn by the caller). */
  batchId: string;
  now: Date;
}): BinStep {
  const { bin, device, person, now } = input;
  if (!person || !validNow(person, now)) {
    return { outcomes: [{ kind: 'answer', ok: false, message: 'Badge not recognised' }], session: liveSession(input.session, now) };
  }
  if (person.role === 'vendor') {
    const start = decideBatchStart({ bin, device, batchId: input.batchId, actor: person.actor, personId: person.id, via: 'badge', sealNumber: null, pending: input.pending });
    const session: BinSession | null = start.ok
      ? { personId: person.id, actor: person.actor, kind: 'vendor', lastActivityAt: now, handled: new Set(), lidAllowedUntil: new Date(now.getTime() + PICKUP_LID_MS) }
      : null;
    return { outcomes: start.outcomes, session };
  }
  const live = liveSession(input.session, now);
  const same = live && live.personId === person.id && live.kind === 'depositor' ? live : null;
  return {
    outcomes: [{ kind: 'answer', ok: true, message: 'Scan each file before it goes in' }],
    session: { personId: person.id, actor: person.actor, kind: 'depositor', lastActivityAt: now, handled: same?.handled ?? new Set(), lidAllowedUntil: same?.lidAllowedUntil ?? null },
  };
}

export type BatchStart = { ok: true; outcomes: DisposalOutcome[] } | { ok: false; reason: 'nothing_to_collect' | 'legal_hold'; outcomes: DisposalOutcome[] };

/**
 * The vendor collects a bin: by badge at the reader, or by a manager through the API with the
 * number of the seal on the bin. Every deposited, not yet collected file joins the batch.
 */
export function decideBatchStart(input: {
  bin: BinPlace;
  device?: string;
  batchId: string;
  actor: string;
  personId: string | null;
  via: 'badge' | 'api';
  sealNumber: string | null;
  pending: readonly PendingDeposit[];
}): BatchStart {
  const { bin, pending } = input;
  const at = { location: bin.id, actor: input.actor, ...(input.device ? { device: input.device } : {}) };
  if (pending.length === 0) {
    return { ok: false, reason: 'nothing_to_collect', outcomes: [{ kind: 'answer', ok: false, message: 'Nothing to collect: no file was deposited in this bin since the last pickup' }] };
  }
  const held = pending.filter((p) => p.held);
  if (held.length > 0) {
    return {
      ok: false,
      reason: 'legal_hold',
      outcomes: [
        { kind: 'fact', leaf: { type: 'disposal.pickup_refused', ...at, reason: 'legal_hold', held: held.length } },
        ...held.map(
          (p): DisposalOutcome => ({
            kind: 'alert',
            type: 'disposal.pickup_refused',
            severity: 'critical',
            message: `Pickup at shred bin ${bin.id} refused: file ${p.barcode} in it is under a legal hold; take it out before the bin is collected`,
            record: p.recordId,
            ...(input.device ? { device: input.device } : {}),
          }),
        ),
        { kind: 'answer', ok: false, message: 'Pickup refused: a file in this bin is under a legal hold' },
      ],
    };
  }
  const recordIds = pending.map((p) => p.recordId);
  return {
    ok: true,
    outcomes: [
      {
        kind: 'fact',
        leaf: { type: 'disposal.batch_started', ...at, batch: input.batchId, via: input.via, count: pending.length, ...(input.sealNumber ? { seal_number: input.sealNumber } : {}) },
      },
      { kind: 'batch.create', batchId: input.batchId, binId: bin.id, recordIds, startedBy: input.personId, via: input.via, sealNumber: input.sealNumber },
      ...recordIds.map((id): DisposalOutcome => ({ kind: 'fact', leaf: { type: 'disposal.collected', ...at, record: id, batch: input.batchId } })),
      ...(bin.sealDevice ? [{ kind: 'command' as const, deviceId: bin.sealDevice, command: 'unlock' as const }] : []),
      { kind: 'answer', ok: true, message: `Collect ${pending.length} file${pending.length === 1 ? '' : 's'}` },
    ],
  };
}

function refuse(input: { bin: BinPlace; device: string; actor?: string; record: RecordState; reason: DisposalRefusal; detail?: string }): DisposalOutcome[] {
  const { bin, device, record, reason } = input;
  const critical = reason === 'legal_hold' || reason === 'ethical_wall';
  return [
    {
      kind: 'fact',
      leaf: {
        type: 'disposal.refused',
        device,
        record: record.id,
        location: bin.id,
        reason,
        ...(input.actor ? { actor: input.actor } : {}),
        ...(input.detail ? { detail: input.detail } : {}),
        ...(reason === 'checked_out_to_other' && record.custodianActor ? { from: record.custodianActor } : {}),
      },
    },
    ...(reason === 'no_badge'
      ? []
      : [
          {
            kind: 'alert' as const,
            type: 'disposal.refused',
            severity: critical ? ('critical' as const) : ('warning' as const),
            message: `File ${record.barcode} was refused at shred bin ${bin.id}: ${REFUSAL_TEXT[reason]}`,
            device,
            record: record.id,
          },
        ]),
    { kind: 'answer', ok: false, message: `Do not shred ${record.barcode}: ${REFUSAL_TEXT[reason]}` },
  ];
}

/** A file scanned at the bin: deposited, or refused with its reason. */
export function decideBinScan(input: {
  bin: BinPlace;
  device: string;
  session: BinSession | null;
  file: BinRecord | null;
  barcode: string;
  walls: readonly ScreenedMatter[];
  now: Date;
}): BinStep {
  const { bin, device, file, now } = input;
  const live = liveSession(input.session, now);
  const session = live?.kind === 'depositor' ? live : null;
  if (!file) return { outcomes: [{ kind: 'answer', ok: false, message: `No file has barcode ${input.barcode}` }], session: live };
  const { record } = file;
  if (!session) return { outcomes: refuse({ bin, device, record, reason: 'no_badge' }), session: live };
  const who = { bin, device, actor: session.actor, record };
  const touched = { ...session, lastActivityAt: now };
  if (isScreened(input.walls, record)) return { outcomes: refuse({ ...who, reason: 'ethical_wall' }), session: touched };
  if (record.status === 'deposited' && session.handled.has(record.id)) {
    return { outcomes: [{ kind: 'answer', ok: true, message: `Already in the bin: ${record.barcode}` }], session: touched };
  }
  if (record.status !== 'in' && record.status !== 'out') return { outcomes: refuse({ ...who, reason: 'not_available', detail: record.status }), session: touched };
  const verdict = decideRetention(file.retention, now);
  if (!verdict.met) {
    if (verdict.reason === 'legal_hold' || verdict.reason === 'return_to_client') return { outcomes: refuse({ ...who, reason: verdict.reason }), session: touched };
    return { outcomes: refuse({ ...who, reason: 'not_yet_eligible', detail: verdict.reason }), session: touched };
  }
  if (record.status === 'out' && record.custodianId !== session.personId) return { outcomes: refuse({ ...who, reason: 'checked_out_to_other' }), session: touched };
  return {
    outcomes: [
      { kind: 'fact', leaf: { type: 'disposal.deposited', device, actor: session.actor, record: record.id, location: bin.id } },
      { kind: 'record', recordId: record.id, status: 'deposited', custodianId: null, location: bin.id },
      { kind: 'deposit', recordId: record.id, binId: bin.id, personId: session.personId },
      ...(bin.sealDevice ? [{ kind: 'command' as const, deviceId: bin.sealDevice, command: 'unlock' as const }] : []),
      { kind: 'answer', ok: true, message: `Into the bin: ${record.barcode}` },
    ],
    session: { ...touched, handled: new Set([...session.handled, record.id]), lidAllowedUntil: new Date(now.getTime() + DEPOSIT_LID_MS) },
  };
}

/** The deposit lid's sensor. */
export function decideBinLid(input: { bin: BinPlace; device: string; state: 'open' | 'closed'; session: BinSession | null; now: Date }): BinStep {
  const { bin, device, session, now } = input;
  if (input.state === 'open') {
    const allowed = session?.lidAllowedUntil && now.getTime() <= session.lidAllowedUntil.getTime();
    if (allowed) return { outcomes: [{ kind: 'fact', leaf: { type: 'bin.lid_opened', device, location: bin.id, actor: session.actor } }], session };
    return {
      outcomes: [
        { kind: 'fact', leaf: { type: 'bin.lid_opened', device, location: bin.id, reason: 'no_accepted_scan' } },
        ...(bin.sealDevice
          ? [{ kind: 'alert' as const, type: 'disposal.lid_forced', severity: 'critical' as const, message: `The sealed lid of shred bin ${bin.id} opened without an accepted scan or pickup`, device }]
          : []),
      ],
      session,
    };
  }
  return {
    outcomes: [
      { kind: 'fact', leaf: { type: 'bin.lid_closed', device, location: bin.id, ...(session ? { actor: session.actor } : {}) } },
      ...(bin.sealDevice ? [{ kind: 'command' as const, deviceId: bin.sealDevice, command: 'lock' as const }] : []),
    ],
    session: session ? { ...session, lidAllowedUntil: null } : null,
  };
}

export type RetrievalRefusal = 'unknown_person' | 'not_allowed' | 'not_deposited';

/**
 * A deposited file taken back out of the bin, or handed back by the vendor before destruction
 * (say, after a hold): it is checked out to the person who took it, who files it as usual.
 */
export function decideRetrieval(input: {
  file: BinRecord;
  person: { id: string; actor: string; role: string; active: boolean } | null;
  deposit: { binId: string; batchId: string | null } | null;
}): { ok: true; outcomes: DisposalOutcome[] } | { ok: false; reason: RetrievalRefusal; message: string } {
  const { file, person, deposit } = input;
  if (!person) return { ok: false, reason: 'unknown_person', message: 'the person taking the file back must be in the directory' };
  if (!person.active || (person.role !== 'manager' && person.role !== 'admin')) {
    return { ok: false, reason: 'not_allowed', message: 'only an active manager or admin may take a file back out of a shred bin' };
  }
  if (file.record.status !== 'deposited' || !deposit) return { ok: false, reason: 'not_deposited', message: `file ${file.record.barcode} is recorded as ${file.record.status}, not deposited` };
  return {
    ok: true,
    outcomes: [
      {
        kind: 'fact',
        leaf: { type: 'disposal.retrieved', actor: person.actor, record: file.record.id, location: deposit.binId, ...(deposit.batchId ? { batch: deposit.batchId } : {}) },
      },
      { kind: 'record', recordId: file.record.id, status: 'out', custodianId: person.id, location: null },
      { kind: 'deposit.retrieved', recordId: file.record.id, personId: person.id },
    ],
  };
}
