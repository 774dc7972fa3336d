import type { AccessDecision } from './cabinet-access';
import type { OpenVisit, Outcome } from './outcomes';

export interface CabinetPlace {
  id: string;
  lockDevice?: string;
}

/** How long a granted badge keeps a cabinet's visit open without a door, scan or badge. */
export const VISIT_IDLE_MS = 5 * 60_000;

const DENIAL_MESSAGES: Record<string, string> = {
  unknown_badge: 'An unknown badge was refused',
  visitor_badge: "A visitor's badge was presented",
  inactive: 'A disabled account was refused',
  not_yet_valid: 'A badge not yet valid was refused',
  expired: 'An expired badge was refused',
  no_access: 'A badge without access to this cabinet was refused',
  outside_schedule: 'A badge outside its access schedule was refused',
  policy_not_acknowledged: 'Refused until the current confidentiality policy is acknowledged',
  ethical_wall: 'Refused: the person is screened from the files in this cabinet',
};

/** A badge at a cabinet's reader: open and start a visit, or refuse and say why. */
export function decideCabinetBadge(input: {
  cabinet: CabinetPlace;
  device: string;
  access: AccessDecision;
  person: { id: string; actor: string } | null;
  visit: OpenVisit | null;
}): Outcome[] {
  const { cabinet, device, access, person, visit } = input;
  if (!access.granted || !person) {
    const reason = access.granted ? 'unknown_badge' : access.reason;
    const critical = reason === 'visitor_badge' || reason === 'ethical_wall';
    return [
      { kind: 'fact', leaf: { type: 'access.denied', device, location: cabinet.id, reason, ...(person ? { actor: person.actor } : {}) } },
      {
        kind: 'alert',
        type: reason === 'visitor_badge' ? 'cabinet.visitor_badge' : 'cabinet.access_denied',
        severity: critical ? 'critical' : 'warning',
        message: `${DENIAL_MESSAGES[reason] ?? 'Access was refused'} at cabinet ${cabinet.id}`,
        device,
      },
      { kind: 'answer', ok: false, message: DENIAL_MESSAGES[reason] ?? 'Access refused' },
    ];
  }
  const outcomes: Outcome[] = [];
  if (visit && visit.personId !== person.id) outcomes.push({ kind: 'visit.end', visitId: visit.id, cabinetId: cabinet.id, reason: 'superseded' });
  outcomes.push({ kind: 'fact', leaf: { type: 'access.granted', device, location: cabinet.id, actor: person.actor } });
  if (!visit || visit.personId !== person.id) outcomes.push({ kind: 'visit.start', cabinetId: cabinet.id, personId: person.id, actor: person.actor });
  if (cabinet.lockDevice) outcomes.push({ kind: 'command', deviceId: cabinet.lockDevice, command: 'unlock' });
  if (access.afterHours) {
    outcomes.push({ kind: 'alert', type: 'cabinet.after_hours', severity: 'warning', message: `Cabinet ${cabinet.id} opened after hours`, device });
  }
  outcomes.push({ kind: 'answer', ok: true, message: 'Access granted' });
  return outcomes;
}

/**
 * The cabinet door. Opening without a visit means nobody badged: forced. Closing ends the visit
 * and locks the cabinet again.
 */
export function decideCabinetDoor(input: {
  cabinet: CabinetPlace;
  device: string;
  state: 'open' | 'closed';
  visit: OpenVisit | null;
  now: Date;
  /** Visitors who must be escorted and are signed in now, when the cabinet stands in a file room. */
  unescortedVisitorsInFileRoomOffice?: number;
}): Outcome[] {
  const { cabinet, device, state, visit, now } = input;
  if (state === 'open') {
    const visitors = input.unescortedVisitorsInFileRoomOffice ?? 0;
    const visitorAlert: Outcome[] =
      visitors > 0
        ? [{ kind: 'alert', type: 'file_room.visitor_on_site', severity: 'warning', message: `A file-room cabinet (${cabinet.id}) was opened while ${visitors} visitor(s) needing an escort are on site`, device }]
        : [];
    if (visit && now.getTime() - visit.lastActivityAt.getTime() <= VISIT_IDLE_MS) {
      return [{ kind: 'fact', leaf: { type: 'cabinet.opened', device, location: cabinet.id, actor: visit.actor } }, ...visitorAlert];
    }
    return [
      { kind: 'fact', leaf: { type: 'cabinet.forced_open', device, location: cabinet.id } },
      { kind: 'alert', type: 'cabinet.forced', severity: 'critical', message: `Cabinet ${cabinet.id} was opened without an authorized badge`, device },
      ...visitorAlert,
    ];
  }
  const outcomes: Outcome[] = [{ kind: 'fact', leaf: { type: 'cabinet.closed', device, location: cabinet.id, ...(visit ? { actor: visit.actor } : {}) } }];
  if (visit) outcomes.push({ kind: 'visit.end', visitId: visit.id, cabinetId: cabinet.id, reason: 'door_closed' });
  if (cabinet.lockDevice) outcomes.push({ kind: 'command', deviceId: cabinet.lockDevice, command: 'lock' });
  return outcomes;
}

/** Periodic check of one cabinet: a door held open too long, a visit left idle. */
export function decideCabinetTick(input: {
  cabinet: CabinetPlace;
  visit: OpenVisit | null;
  doorOpenSince: Date | null;
  holdOpenSeconds: number;
  alreadyReportedHeldOpen: boolean;
  now: Date;
}): Outcome[] {
  const { cabinet, visit, doorOpenSince, now } = input;
  const outcomes: Outcome[] = [];
  if (doorOpenSince && !input.alreadyReportedHeldOpen && now.getTime() - doorOpenSince.getTime() > input.holdOpenSeconds * 1000) {
    outcomes.push({ kind: 'fact', leaf: { type: 'cabinet.held_open', location: cabinet.id, ...(visit ? { actor: visit.actor } : {}) } });
    outcomes.push({ kind: 'alert', type: 'cabinet.held_open', severity: 'warning', message: `Cabinet ${cabinet.id} has been open for more than ${input.holdOpenSeconds} s` });
  }
  if (visit && !doorOpenSince && now.getTime() - visit.lastActivityAt.getTime() > VISIT_IDLE_MS) {
    outcomes.push({ kind: 'visit.end', visitId: visit.id, cabinetId: cabinet.id, reason: 'timeout' });
    if (cabinet.lockDevice) outcomes.push({ kind: 'command', deviceId: cabinet.lockDevice, command: 'lock' });
  }
  return outcomes;
}
