import { describe, expect, it } from 'vitest';
import { decideCabinetAccess, type AccessInput, type AccessPerson } from '../../server/workflows/cabinet-access';
import { decideCabinetBadge, decideCabinetDoor, decideCabinetTick, VISIT_IDLE_MS } from '../../server/workflows/cabinet-visit';
import type { OpenVisit, Outcome } from '../../server/workflows/outcomes';

// Monday 5 January 2026, 10:00 in New York (15:00 UTC).
const MONDAY_10AM = new Date('2026-01-05T15:00:00Z');
const office = { timeZone: 'America/New_York', days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '18:30' };
const ada: AccessPerson = { id: 'p1', actor: 'p_ada', role: 'staff', active: true, validFrom: null, validUntil: null, acknowledgedPolicy: 2 };
const base: AccessInput = {
  person: ada,
  visitorBadge: false,
  cabinetId: 'cab-1',
  rules: [{ cabinetId: 'cab-1', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '07:00', to: '21:00' }],
  currentPolicy: 2,
  walls: [],
  cabinetContents: [{ client: 'Acme', matter: 'M1' }, { client: 'Birch', matter: 'M2' }],
  office,
  now: MONDAY_10AM,
};
const kinds = (outcomes: Outcome[]) => outcomes.map((o) => (o.kind === 'fact' ? `fact:${o.leaf.type}` : o.kind === 'alert' ? `alert:${o.type}` : o.kind === 'command' ? `command:${o.command}` : o.kind));

describe('cabinet access decision', () => {
  it('grants a person with a rule for this cabinet, in schedule, policy acknowledged', () => {
    expect(decideCabinetAccess(base)).toEqual({ granted: true, afterHours: false });
  });

  it.each([
    ['no person behind the badge', { person: null }, 'unknown_badge'],
    ["a visitor's badge", { visitorBadge: true }, 'visitor_badge'],
    ['a disabled person', { person: { ...ada, active: false } }, 'inactive'],
    ['before validity', { person: { ...ada, validFrom: new Date('2026-02-01T00:00:00Z') } }, 'not_yet_valid'],
    ['after validity', { person: { ...ada, validUntil: new Date('2026-01-01T00:00:00Z') } }, 'expired'],
    ['no rule for this cabinet', { cabinetId: 'cab-2' }, 'no_access'],
    ['outside the schedule (Sunday)', { now: new Date('2026-01-04T15:00:00Z') }, 'outside_schedule'],
    ['outside the schedule (22:00 local)', { now: new Date('2026-01-06T03:00:00Z') }, 'outside_schedule'],
    ['an older policy acknowledged', { currentPolicy: 3 }, 'policy_not_acknowledged'],
    ['every file in the cabinet behind a wall', { walls: [{ client: 'Acme', matter: null }, { client: 'Birch', matter: 'M2' }] }, 'ethical_wall'],
  ] as const)('refuses %s', (_what, change, reason) => {
    expect(decideCabinetAccess({ ...base, ...(change as Partial<AccessInput>) })).toEqual({ granted: false, reason });
  });

  it('grants a walled person a cabinet that also holds files they may see', () => {
    expect(decideCabinetAccess({ ...base, walls: [{ client: 'Acme', matter: null }] }).granted).toBe(true);
  });

  it('flags access within the rule but outside office hours', () => {
    // Saturday 10:00 local: the rule allows Saturdays, the office is closed.
    expect(decideCabinetAccess({ ...base, now: new Date('2026-01-10T15:00:00Z') })).toEqual({ granted: true, afterHours: true });
  });
});

describe('cabinet visit episode', () => {
  const cabinet = { id: 'cab-1', lockDevice: 'cab-1-lock' };
  const person = { id: 'p1', actor: 'p_ada' };
  const visit: OpenVisit = { id: 'v1', cabinetId: 'cab-1', personId: 'p1', actor: 'p_ada', startedAt: MONDAY_10AM, lastActivityAt: MONDAY_10AM };

  it('a granted badge logs access, starts a visit and unlocks', () => {
    const outcomes = decideCabinetBadge({ cabinet, device: 'cab-1-reader', access: { granted: true, afterHours: false }, person, visit: null });
    expect(kinds(outcomes)).toEqual(['fact:access.granted', 'visit.start', 'command:unlock', 'answer']);
  });

  it('a refused badge logs the denial with its reason and alerts, without unlocking', () => {
    const outcomes = decideCabinetBadge({ cabinet, device: 'cab-1-reader', access: { granted: false, reason: 'no_access' }, person, visit: null });
    expect(kinds(outcomes)).toEqual(['fact:access.denied', 'alert:cabinet.access_denied', 'answer']);
    expect(outcomes[0]).toMatchObject({ leaf: { reason: 'no_access', actor: 'p_ada', location: 'cab-1' } });
  });

  it("a visitor's badge at a cabinet is a critical alert", () => {
    const outcomes = decideCabinetBadge({ cabinet, device: 'cab-1-reader', access: { granted: false, reason: 'visitor_badge' }, person: null, visit: null });
    expect(outcomes).toContainEqual(expect.objectContaining({ kind: 'alert', type: 'cabinet.visitor_badge', severity: 'critical' }));
  });

  it('after-hours access is granted with an alert', () => {
    expect(kinds(decideCabinetBadge({ cabinet, device: 'r', access: { granted: true, afterHours: true }, person, visit: null }))).toContain('alert:cabinet.after_hours');
  });

  it('another person badging ends the open visit first', () => {
    const outcomes = decideCabinetBadge({ cabinet, device: 'r', access: { granted: true, afterHours: false }, person: { id: 'p2', actor: 'p_bob' }, visit });
    expect(kinds(outcomes).slice(0, 3)).toEqual(['visit.end', 'fact:access.granted', 'visit.start']);
  });

  it('the door opening within a visit is an opening; without one it is forced', () => {
    expect(kinds(decideCabinetDoor({ cabinet, device: 'd', state: 'open', visit, now: MONDAY_10AM }))).toEqual(['fact:cabinet.opened']);
    expect(kinds(decideCabinetDoor({ cabinet, device: 'd', state: 'open', visit: null, now: MONDAY_10AM }))).toEqual(['fact:cabinet.forced_open', 'alert:cabinet.forced']);
    const stale = new Date(MONDAY_10AM.getTime() + VISIT_IDLE_MS + 1);
    expect(kinds(decideCabinetDoor({ cabinet, device: 'd', state: 'open', visit, now: stale }))).toContain('alert:cabinet.forced');
  });

  it('a file-room cabinet opening while visitors needing an escort are on site raises an alert', () => {
    const open = (visitors: number, v: OpenVisit | null) => kinds(decideCabinetDoor({ cabinet, device: 'd', state: 'open', visit: v, now: MONDAY_10AM, unescortedVisitorsInFileRoomOffice: visitors }));
    expect(open(0, visit)).toEqual(['fact:cabinet.opened']);
    expect(open(2, visit)).toEqual(['fact:cabinet.opened', 'alert:file_room.visitor_on_site']);
    expect(open(1, null)).toEqual(['fact:cabinet.forced_open', 'alert:cabinet.forced', 'alert:file_room.visitor_on_site']);
  });

  it('the door closing ends the visit and locks', () => {
    expect(kinds(decideCabinetDoor({ cabinet, device: 'd', state: 'closed', visit, now: MONDAY_10AM }))).toEqual(['fact:cabinet.closed', 'visit.end', 'command:lock']);
  });

  it('a door held open too long alerts once; an idle visit times out and locks', () => {
    const later = new Date(MONDAY_10AM.getTime() + 130_000);
    const tick = (over: object) => kinds(decideCabinetTick({ cabinet, visit, doorOpenSince: MONDAY_10AM, holdOpenSeconds: 120, alreadyReportedHeldOpen: false, now: later, ...over }));
    expect(tick({})).toEqual(['fact:cabinet.held_open', 'alert:cabinet.held_open']);
    expect(tick({ alreadyReportedHeldOpen: true })).toEqual([]);
    expect(tick({ doorOpenSince: null, now: new Date(MONDAY_10AM.getTime() + VISIT_IDLE_MS + 1) })).toEqual(['visit.end', 'command:lock']);
  });
});
