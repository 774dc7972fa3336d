import { describe, expect, it } from 'vitest';
import { actorLabel, describeEvent, type FeedLine, type Names } from '../../dashboard/src/lib/feed-format';
import type { LeafEvent } from '../../server/custody-log/leaf';

const ts_server = '2026-03-02T14:05:09Z';
const actor = 'p_6a642a0123456789abcdef01';
const record = '0199aa00-0000-7000-8000-00000f72c52a';
const barcodes = { record: (id: string) => (id === record ? 'SK-000043' : undefined) };
const line = (event: Omit<LeafEvent, 'ts_server'>, names: Names = barcodes): FeedLine => describeEvent({ ts_server, ...event } as LeafEvent, names);

describe('custody leaf → feed line', () => {
  it.each<[string, Omit<LeafEvent, 'ts_server'>, string, FeedLine['tone'], FeedLine['category']]>([
    ['badge read, known', { type: 'device.read', kind: 'badge', device: 'cab-4-reader', location: 'cab-4', actor }, 'Badge read at cab-4 (person 6a642a)', 'neutral', 'devices'],
    ['badge read, unknown', { type: 'device.read', kind: 'badge', device: 'cab-4-reader', location: 'cab-4' }, 'Badge read at cab-4 (not recognized)', 'neutral', 'devices'],
    ['label scanned', { type: 'device.read', kind: 'barcode', device: 'desk-2-scanner', location: 'desk-2' }, 'File label scanned at desk-2', 'neutral', 'devices'],
    ['device without a place', { type: 'device.read', kind: 'door', device: 'cab-9-door' }, 'Door sensor changed at cab-9-door', 'neutral', 'devices'],
    ['checked out', { type: 'record.checked_out', record, actor, location: 'cab-4', record_seq: 2 }, 'File SK-000043 checked out by person 6a642a at cab-4', 'info', 'files'],
    ['checked out, found elsewhere', { type: 'record.checked_out', record, actor, location: 'cab-1', reason: 'found_elsewhere' }, 'File SK-000043 checked out by person 6a642a at cab-1 (found outside its recorded place)', 'warn', 'files'],
    ['checked in', { type: 'record.checked_in', record, actor, location: 'cab-4' }, 'File SK-000043 returned to cab-4 by person 6a642a', 'ok', 'files'],
    ['checked in elsewhere', { type: 'record.checked_in', record, actor, location: 'cab-2', reason: 'not_home_cabinet' }, 'File SK-000043 returned to cab-2 by person 6a642a (not its home cabinet)', 'warn', 'files'],
    ['returned by another', { type: 'record.checked_in', record, actor, location: 'cab-4', reason: 'returned_by_other', from: 'p_aaaaaa000000000000000000' }, 'File SK-000043 returned to cab-4 (returned by person 6a642a, not its holder)', 'warn', 'files'],
    ['transferred', { type: 'record.transferred', record, actor, from: 'p_bbbbbb000000000000000000', location: 'desk-1' }, 'File SK-000043 handed from person bbbbbb to person 6a642a at desk-1', 'info', 'files'],
    ['unknown barcode', { type: 'record.imported', record: '0199aa00-0000-7000-8000-0000001234ff', actor: 'system:demo', location: 'cab-2' }, 'File …1234ff imported into cab-2', 'info', 'files'],
    ['access granted', { type: 'access.granted', device: 'cab-4-reader', location: 'cab-4', actor }, 'Access granted to person 6a642a at cab-4', 'ok', 'access'],
    ['access denied', { type: 'access.denied', device: 'cab-4-reader', location: 'cab-4', reason: 'unknown_badge' }, 'Access refused at cab-4: unknown badge', 'warn', 'access'],
    ['ethical wall', { type: 'access.denied', device: 'cab-1-scanner', location: 'cab-1', actor, record, reason: 'ethical_wall' }, 'Access refused to person 6a642a at cab-1: screened from this matter (ethical wall) (file SK-000043)', 'danger', 'access'],
    ['cabinet opened', { type: 'cabinet.opened', device: 'cab-4-door', location: 'cab-4', actor }, 'Cabinet cab-4 opened by person 6a642a', 'neutral', 'cabinets'],
    ['cabinet closed', { type: 'cabinet.closed', device: 'cab-4-door', location: 'cab-4' }, 'Cabinet cab-4 closed', 'neutral', 'cabinets'],
    ['forced open', { type: 'cabinet.forced_open', device: 'cab-4-door', location: 'cab-4' }, 'Cabinet cab-4 was opened without a badge', 'danger', 'cabinets'],
    ['held open', { type: 'cabinet.held_open', location: 'cab-2' }, 'Cabinet cab-2 has been left open', 'warn', 'cabinets'],
    ['alert', { type: 'alert.raised', alert: 'x', reason: 'cabinet.forced', severity: 'critical', device: 'cab-4-door' }, 'Alert (critical): cabinet opened without a badge — cab-4-door', 'danger', 'alerts'],
    ['alert of a new kind', { type: 'alert.raised', alert: 'x', reason: 'bin.overfull', severity: 'info' }, 'Alert (info): bin overfull', 'info', 'alerts'],
    ['office configured', { type: 'office.configured', actor: 'system', added: ['cabinets/cab-1', 'devices/x'], changed: [] }, 'Office layout updated: 2 added, 0 changed', 'neutral', 'system'],
    ['person', { type: 'person.created', actor: 'system:demo', subject: actor, role: 'staff' }, 'Person 6a642a added as staff', 'neutral', 'people'],
    ['visitor', { type: 'visitor.signed_in', actor: 'v_0a0b0c0d0e0f000000000000', location: 'reception' }, 'Visitor 0a0b0c signed in at reception', 'info', 'visitors'],
    ['disposal', { type: 'disposal.deposited', record, actor, location: 'shred-1' }, 'File SK-000043 deposited for shredding at shred-1 by person 6a642a', 'info', 'disposal'],
    ['custody viewed', { type: 'report.viewed', report: 'custody', record, actor }, 'Custody history of file SK-000043 viewed by person 6a642a', 'neutral', 'files'],
    ['report downloaded', { type: 'report.viewed', report: 'cabinet-access', format: 'pdf', actor }, 'Cabinet-access report viewed as PDF by person 6a642a', 'neutral', 'system'],
    ['bundle exported', { type: 'bundle.exported', record, actor }, 'Custody bundle of file SK-000043 exported by person 6a642a', 'neutral', 'files'],
    ['overdue', { type: 'record.overdue', record, actor }, 'File SK-000043 is overdue (held by person 6a642a)', 'warn', 'files'],
    ['signed in', { type: 'user.login', actor, reason: 'mfa' }, 'Person 6a642a signed in', 'neutral', 'people'],
    ['locked', { type: 'user.locked', actor }, 'Account of person 6a642a locked after failed sign-ins', 'danger', 'people'],
    ['device offline', { type: 'device.offline', device: 'cab-2-door', location: 'cab-2' }, 'Device cab-2-door stopped reporting at cab-2', 'warn', 'devices'],
    ['unknown type', { type: 'sweep.started', actor }, 'Sweep started (person 6a642a)', 'neutral', 'system'],
  ])('%s', (_name, event, text, tone, category) => {
    expect(line(event)).toEqual({ text, tone, category });
  });

  it('names places by name when the page knows them', () => {
    const names = { place: (id: string) => (id === 'cab-4' ? 'Cabinet D — Closed matters' : undefined) };
    expect(line({ type: 'cabinet.opened', location: 'cab-4', actor }, names).text).toBe('Cabinet D — Closed matters opened by person 6a642a');
    expect(line({ type: 'access.granted', location: 'cab-4', actor }, names).text).toBe('Access granted to person 6a642a at Cabinet D — Closed matters');
  });

  it('never prints a whole pseudonym, and says who system actors are', () => {
    expect(actorLabel(actor)).toBe('person 6a642a');
    expect(actorLabel('system:demo')).toBe('the system');
    expect(actorLabel('u_fa1650b2c4f6a5e693ecffe5')).toBe('user fa1650');
    expect(actorLabel(undefined)).toBe('someone');
    for (const type of ['record.checked_out', 'access.granted', 'cabinet.opened', 'device.read', 'something.new']) {
      expect(line({ type, actor, record, location: 'cab-1', kind: 'badge' }).text).not.toContain(actor);
    }
  });

  it('survives odd leaves without throwing', () => {
    for (const event of [{ type: 'device.read' }, { type: 'x' }, { type: 'record.checked_in', record: 5 as unknown as string }, { type: 'office.configured', added: 'x' }]) {
      expect(typeof line(event as LeafEvent).text).toBe('string');
    }
  });
});
