import type { LeafEvent } from '../custody-log/leaf';
import type { RecordStatus } from '../db/models';

/**
 * What a decision asks for. Decisions are pure; the correlator turns these into writes in the
 * same transaction as the device read (facts, record changes, visits), and into commands and
 * answers after the commit.
 */
export type Outcome =
  /** A custody fact: one leaf of the log. `evidence` (the device read) is added by the correlator. */
  | { kind: 'fact'; leaf: LeafEvent }
  | { kind: 'record'; recordId: string; status: RecordStatus; custodianId: string | null; location: string | null }
  | { kind: 'visit.start'; cabinetId: string; personId: string; actor: string }
  | { kind: 'visit.end'; visitId: string; cabinetId: string; reason: VisitEndReason }
  | { kind: 'command'; deviceId: string; command: 'unlock' | 'lock' }
  | { kind: 'alert'; type: string; severity: 'info' | 'warning' | 'critical'; message: string; device?: string; record?: string }
  /** Feedback to the person at the station (a beep, a light, a line on the kiosk). */
  | { kind: 'answer'; ok: boolean; message: string };

export type VisitEndReason = 'door_closed' | 'timeout' | 'superseded';

/** An open cabinet visit: who opened the cabinet and since when. */
export interface OpenVisit {
  id: string;
  cabinetId: string;
  personId: string;
  actor: string;
  startedAt: Date;
  /** Last badge, scan or door event of the visit. */
  lastActivityAt: Date;
}
