import type { RecordStatus } from '../db/models';

/**
 * Retention: when a client file may be destroyed. Pure functions of the facts and the time, used
 * by the eligibility list, by the shred bin's scan decision and by the property tests alike.
 */

export const RETENTION_TRIGGERS = ['matter_closed', 'created'] as const;
export type RetentionTrigger = (typeof RETENTION_TRIGGERS)[number];

export interface RetentionClassDef {
  id: string;
  /** What people call it, e.g. "closed+7y"; records may name their class by name or by id. */
  name: string;
  trigger: RetentionTrigger;
  years: number;
  /** Default for the class's files: originals that go back to the client, never into a bin. */
  returnToClient: boolean;
}

/** What retention needs to know about one file. */
export interface RetentionFacts {
  status: RecordStatus;
  createdAt: Date;
  /** records.retention_class as written (a class id or name); null when none. */
  classRef: string | null;
  /** The class classRef resolves to; null when none or unknown. */
  retentionClass: RetentionClassDef | null;
  /** When the file's client+matter was closed; null while it is open (or unknown). */
  matterClosedAt: Date | null;
  /** The file's own "original, return to the client" flag; null takes the class's default. */
  returnToClient: boolean | null;
  /** Under at least one active legal hold (the flag, or a hold row covering it). */
  held: boolean;
}

export type IneligibleReason =
  | 'legal_hold'
  | 'return_to_client'
  | 'no_retention_class'
  | 'unknown_retention_class'
  | 'matter_open'
  | 'retention_not_met'
  /** Destruction eligibility also needs the file to be in its cabinet. */
  | 'not_in';

export type RetentionVerdict = { met: true; due: Date } | { met: false; reason: Exclude<IneligibleReason, 'not_in'>; due?: Date };

export type Eligibility = { eligible: true; due: Date } | { eligible: false; reason: IneligibleReason; due?: Date };

/** Calendar years in UTC; 29 February plus one year is 1 March (never early). */
export function addYears(from: Date, years: number): Date {
  const d = new Date(from.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** When the class's period ends for this file; null when its trigger has not happened yet. */
export function retentionDue(cls: RetentionClassDef, createdAt: Date, matterClosedAt: Date | null): Date | null {
  const start = cls.trigger === 'created' ? createdAt : matterClosedAt;
  return start ? addYears(start, cls.years) : null;
}

export function effectiveReturnToClient(f: Pick<RetentionFacts, 'returnToClient' | 'retentionClass'>): boolean {
  return f.returnToClient ?? f.retentionClass?.returnToClient ?? false;
}

/**
 * Whether the file's retention allows destruction now, custody aside. Holds come first: a held
 * file is never destroyable, whatever its retention says.
 */
export function decideRetention(f: RetentionFacts, now: Date): RetentionVerdict {
  if (f.held) return { met: false, reason: 'legal_hold' };
  if (effectiveReturnToClient(f)) return { met: false, reason: 'return_to_client' };
  if (!f.classRef) return { met: false, reason: 'no_retention_class' };
  if (!f.retentionClass) return { met: false, reason: 'unknown_retention_class' };
  const due = retentionDue(f.retentionClass, f.createdAt, f.matterClosedAt);
  if (!due) return { met: false, reason: 'matter_open' };
  if (now.getTime() < due.getTime()) return { met: false, reason: 'retention_not_met', due };
  return { met: true, due };
}

/** On the list of files that may be destroyed: retention met, no hold, in its cabinet, not for return. */
export function decideEligibility(f: RetentionFacts, now: Date): Eligibility {
  const verdict = decideRetention(f, now);
  if (!verdict.met) return { eligible: false, reason: verdict.reason, ...(verdict.due ? { due: verdict.due } : {}) };
  if (f.status !== 'in') return { eligible: false, reason: 'not_in', due: verdict.due };
  return { eligible: true, due: verdict.due };
}

/** Finds a record's class by id first, then by name (CSV imports write names). */
export function resolveRetentionClass(classes: readonly RetentionClassDef[], ref: string | null): RetentionClassDef | null {
  if (!ref) return null;
  return classes.find((c) => c.id === ref) ?? classes.find((c) => c.name === ref) ?? null;
}
