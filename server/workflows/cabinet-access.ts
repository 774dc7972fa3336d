import { withinWindow } from './office-time';

export interface AccessPerson {
  id: string;
  actor: string;
  role: string;
  active: boolean;
  validFrom: Date | null;
  validUntil: Date | null;
  /** Highest policy version the person has acknowledged. */
  acknowledgedPolicy: number | null;
}

export interface AccessRule {
  cabinetId: string;
  days: string[];
  from: string | null;
  to: string | null;
}

export interface ScreenedMatter {
  client: string;
  /** null: every matter of the client. */
  matter: string | null;
}

export interface AccessInput {
  /** null when the badge belongs to nobody (or is ambiguous). */
  person: AccessPerson | null;
  /** A visitor's loaner card: never opens a cabinet. */
  visitorBadge: boolean;
  cabinetId: string;
  rules: readonly AccessRule[];
  currentPolicy: number | null;
  walls: readonly ScreenedMatter[];
  /** Client and matter of every file whose home is this cabinet. */
  cabinetContents: readonly { client: string; matter: string }[];
  office: { timeZone: string; days: readonly string[]; open: string; close: string };
  now: Date;
}

export type DenyReason =
  | 'unknown_badge'
  | 'visitor_badge'
  | 'inactive'
  | 'not_yet_valid'
  | 'expired'
  | 'no_access'
  | 'outside_schedule'
  | 'policy_not_acknowledged'
  | 'ethical_wall';

export type AccessDecision = { granted: true; afterHours: boolean } | { granted: false; reason: DenyReason };

export function isScreened(walls: readonly ScreenedMatter[], file: { client: string; matter: string }): boolean {
  return walls.some((w) => w.client === file.client && (w.matter === null || w.matter === file.matter));
}

/**
 * Whether a badge at a cabinet opens it. Deny by default: a person needs a rule for this cabinet
 * that holds now, a valid and active account, the current confidentiality policy acknowledged,
 * and at least one file in the cabinet they are not screened from (an ethical wall must not be
 * walked around by opening a cabinet that holds only the walled matter's files).
 */
export function decideCabinetAccess(input: AccessInput): AccessDecision {
  const { person, now } = input;
  if (input.visitorBadge) return { granted: false, reason: 'visitor_badge' };
  if (!person) return { granted: false, reason: 'unknown_badge' };
  if (!person.active) return { granted: false, reason: 'inactive' };
  if (person.validFrom && now < person.validFrom) return { granted: false, reason: 'not_yet_valid' };
  if (person.validUntil && now >= person.validUntil) return { granted: false, reason: 'expired' };
  const rules = input.rules.filter((r) => r.cabinetId === input.cabinetId);
  if (rules.length === 0) return { granted: false, reason: 'no_access' };
  if (!rules.some((r) => withinWindow(now, input.office.timeZone, r))) return { granted: false, reason: 'outside_schedule' };
  if (input.currentPolicy !== null && (person.acknowledgedPolicy ?? 0) < input.currentPolicy) {
    return { granted: false, reason: 'policy_not_acknowledged' };
  }
  if (input.cabinetContents.length > 0 && input.cabinetContents.every((f) => isScreened(input.walls, f))) {
    return { granted: false, reason: 'ethical_wall' };
  }
  const afterHours = !withinWindow(now, input.office.timeZone, { days: input.office.days, from: input.office.open, to: input.office.close });
  return { granted: true, afterHours };
}
