import type { LeafEvent } from '../custody-log/leaf';
import { addDays, localDate, zonedInstant } from './office-clock';

/**
 * Visitor decisions: pure functions of the state they are given and the time. The service and the
 * reception hook read the state inside the writer's transaction and apply what these return.
 */

export const VISITOR_KINDS = ['visitor', 'vendor'] as const;
export type VisitorKind = (typeof VISITOR_KINDS)[number];
export const VISIT_STATUSES = ['expected', 'on_site', 'signed_out', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

export interface NdaRef {
  version: number;
  sha256: string;
}

/** A visitor accepts the NDA again whenever the current version is not the one they last accepted. */
export function ndaAcceptanceNeeded(current: NdaRef | null, lastAcceptedVersion: number | null): boolean {
  return current !== null && lastAcceptedVersion !== current.version;
}

export type SignInRefusal =
  | 'token_unknown'
  | 'token_used'
  | 'token_expired'
  | 'visitor_purged'
  | 'already_signed_in'
  | 'host_unknown'
  | 'agreement_missing'
  | 'agreement_expired'
  | 'access_expired'
  | 'nda_required'
  | 'nda_outdated';

export interface SignInVisitor {
  pseudonym: string;
  kind: VisitorKind;
  purged: boolean;
  agreementRef: string | null;
  agreementExpiresAt: Date | null;
  /** A vendor's access may end before the agreement does. */
  accessUntil: Date | null;
}

export interface SignInInput {
  now: Date;
  /** null: a walk-in seen for the first time (a plain visitor). */
  visitor: SignInVisitor | null;
  /** Signing in with a pre-registration token: the visit it belongs to (null if none). */
  token: { visit: { status: VisitStatus; tokenExpiresAt: Date | null } | null } | null;
  alreadyOnSite: boolean;
  host: { active: boolean } | null;
  nda: { current: NdaRef | null; lastAcceptedVersion: number | null };
  /** The version and text hash the kiosk showed and the visitor accepted, if any. */
  accepted: NdaRef | null;
}

export type SignInDecision =
  | { ok: true; recordNdaAcceptance: boolean }
  | {
      ok: false;
      reason: SignInRefusal;
      /** Refusals of a known visitor on policy grounds are custody facts (`visitor.sign_in_refused`). */
      logged: boolean;
      alert?: { type: string; severity: 'warning' | 'critical'; message: string };
    };

const refuse = (reason: SignInRefusal, logged = false, alert?: { type: string; severity: 'warning' | 'critical'; message: string }): SignInDecision =>
  alert ? { ok: false, reason, logged, alert } : { ok: false, reason, logged };

/**
 * Whether a visitor may sign in now. Order matters to the person at the kiosk: a token or policy
 * refusal comes before asking them to read and accept an NDA that would not get them in anyway.
 */
export function decideSignIn(input: SignInInput): SignInDecision {
  const { now, visitor } = input;
  if (input.token) {
    const visit = input.token.visit;
    if (!visit || visit.status === 'cancelled') return refuse('token_unknown');
    if (visit.status !== 'expected') return refuse('token_used');
    if (visit.tokenExpiresAt && now >= visit.tokenExpiresAt) return refuse('token_expired');
  }
  if (visitor?.purged) return refuse('visitor_purged');
  if (input.alreadyOnSite) return refuse('already_signed_in');
  if (!input.host || !input.host.active) return refuse('host_unknown');
  if (visitor?.kind === 'vendor') {
    const who = `Vendor ${visitor.pseudonym}`;
    if (!visitor.agreementRef || !visitor.agreementExpiresAt) {
      return refuse('agreement_missing', true, { type: 'visitor.agreement_missing', severity: 'warning', message: `${who} was refused at sign-in: no agreement on file` });
    }
    if (now >= visitor.agreementExpiresAt) {
      return refuse('agreement_expired', true, {
        type: 'visitor.agreement_expired',
        severity: 'warning',
        message: `${who} was refused at sign-in: agreement ${visitor.agreementRef} expired on ${visitor.agreementExpiresAt.toISOString().slice(0, 10)}`,
      });
    }
    if (visitor.accessUntil && now >= visitor.accessUntil) {
      return refuse('access_expired', true, { type: 'visitor.access_expired', severity: 'warning', message: `${who} was refused at sign-in: access ended` });
    }
  }
  const { current, lastAcceptedVersion } = input.nda;
  if (!ndaAcceptanceNeeded(current, lastAcceptedVersion)) return { ok: true, recordNdaAcceptance: false };
  if (!input.accepted) return refuse('nda_required');
  if (input.accepted.version !== current!.version || input.accepted.sha256 !== current!.sha256) return refuse('nda_outdated');
  return { ok: true, recordNdaAcceptance: true };
}

export interface OfficeClosing {
  timeZone: string;
  /** "HH:MM", office.hours.close */
  close: string;
}

/**
 * When a visit signed in at `signedInAt` is signed out automatically: at closing time that day in
 * the office's zone, whether or not the office opens that day; someone who signed in after closing
 * time is signed out at the end of that local day.
 */
export function closingDeadline(signedInAt: Date, office: OfficeClosing): Date {
  const day = localDate(signedInAt, office.timeZone);
  const close = zonedInstant(day, office.close, office.timeZone);
  if (signedInAt < close) return close;
  return zonedInstant(addDays(day, 1), '00:00', office.timeZone);
}

/** The visits still on site past their closing deadline. */
export function dueForClosingSignOut<V extends { id: string; signedInAt: Date }>(visits: readonly V[], now: Date, office: OfficeClosing): V[] {
  return visits.filter((v) => now >= closingDeadline(v.signedInAt, office));
}

export interface PurgeFacts {
  purged: boolean;
  kind: VisitorKind;
  createdAt: Date;
  agreementExpiresAt: Date | null;
  visits: readonly { status: VisitStatus; signedOutAt: Date | null; tokenExpiresAt: Date | null; updatedAt: Date; hold: boolean }[];
}

export type PurgeDecision =
  | { purge: true }
  | { purge: false; reason: 'already_purged' | 'hold' | 'on_site' | 'expected' }
  | { purge: false; reason: 'retention'; until: Date };

const DAY_MS = 86_400_000;

/**
 * Whether a visitor's personal data is erased now: `retentionDays` after their last visit ended
 * (a vendor's data also stays while their agreement runs). A legal hold on any of their visits
 * keeps it all: the key is per visitor, so the held visit's data can't be kept without it.
 */
export function decidePurge(facts: PurgeFacts, now: Date, retentionDays: number): PurgeDecision {
  if (facts.purged) return { purge: false, reason: 'already_purged' };
  if (facts.visits.some((v) => v.hold)) return { purge: false, reason: 'hold' };
  if (facts.visits.some((v) => v.status === 'on_site')) return { purge: false, reason: 'on_site' };
  let last = facts.createdAt.getTime();
  for (const v of facts.visits) {
    let ended: number;
    if (v.status === 'signed_out') ended = (v.signedOutAt ?? v.updatedAt).getTime();
    else if (v.status === 'cancelled') ended = v.updatedAt.getTime();
    else {
      // Expected: a no-show once the token has expired, still to come otherwise.
      if (!v.tokenExpiresAt || now < v.tokenExpiresAt) return { purge: false, reason: 'expected' };
      ended = v.tokenExpiresAt.getTime();
    }
    last = Math.max(last, ended);
  }
  if (facts.kind === 'vendor' && facts.agreementExpiresAt) last = Math.max(last, facts.agreementExpiresAt.getTime());
  const until = new Date(last + retentionDays * DAY_MS);
  return now >= until ? { purge: true } : { purge: false, reason: 'retention', until };
}

/** What a read at reception turned out to be, looked up in the transaction. */
export type ReceptionRead =
  | { kind: 'token'; match: { role: 'badge'; visit: { id: string; actor: string; onSite: boolean } } | { role: 'preregistration' } | null }
  | { kind: 'card'; card: { id: string; visit: { id: string; actor: string; onSite: boolean } | null } | null; staffBadge: boolean }
  | { kind: 'other' };

export type ReceptionOutcome =
  | { kind: 'fact'; leaf: LeafEvent }
  | { kind: 'sign_out'; visitId: string; reason: 'badge_returned'; releaseCard: string | null }
  | { kind: 'card.release'; cardId: string }
  | { kind: 'answer'; ok: boolean; message: string };

/**
 * A read at the reception reader or scanner: a visitor handing back their printed badge or loaner
 * card signs out. Staff badges are only seen (the roll call counts them); anything else is answered.
 */
export function decideReceptionRead(read: ReceptionRead, device: string): ReceptionOutcome[] {
  if (read.kind === 'other') return [];
  if (read.kind === 'token') {
    if (!read.match) return [{ kind: 'answer', ok: false, message: 'Unknown visitor badge' }];
    if (read.match.role === 'preregistration') return [{ kind: 'answer', ok: false, message: 'Please sign in at the kiosk first' }];
    const visit = read.match.visit;
    if (!visit.onSite) return [{ kind: 'answer', ok: false, message: 'This badge is no longer valid' }];
    return [
      { kind: 'fact', leaf: { type: 'visitor.signed_out', device, location: 'reception', actor: visit.actor, subject: visit.actor, visit: visit.id, reason: 'badge_returned' } },
      { kind: 'sign_out', visitId: visit.id, reason: 'badge_returned', releaseCard: null },
      { kind: 'answer', ok: true, message: 'Signed out. Thank you for your visit' },
    ];
  }
  if (!read.card) return read.staffBadge ? [] : [{ kind: 'answer', ok: false, message: 'Badge not recognised' }];
  const { card } = read;
  if (!card.visit) return [{ kind: 'answer', ok: true, message: `Loaner card ${card.id} is not assigned to anyone` }];
  if (!card.visit.onSite) {
    // Kept by a visitor signed out at closing time, now brought back.
    return [
      { kind: 'fact', leaf: { type: 'loaner_card.returned', device, location: 'reception', card: card.id, visit: card.visit.id } },
      { kind: 'card.release', cardId: card.id },
      { kind: 'answer', ok: true, message: `Loaner card ${card.id} returned` },
    ];
  }
  return [
    {
      kind: 'fact',
      leaf: {
        type: 'visitor.signed_out',
        device,
        location: 'reception',
        actor: card.visit.actor,
        subject: card.visit.actor,
        visit: card.visit.id,
        reason: 'badge_returned',
        card: card.id,
      },
    },
    { kind: 'sign_out', visitId: card.visit.id, reason: 'badge_returned', releaseCard: card.id },
    { kind: 'answer', ok: true, message: 'Signed out. Thank you for your visit' },
  ];
}
