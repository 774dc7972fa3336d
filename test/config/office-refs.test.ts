import { describe, expect, it } from 'vitest';
import { parseOfficeFile } from '../../server/config/office-file';
import { configErrorFrom, officeWithAppended, officeWithLine, soleIssue } from './fixtures';

const parse = (text: string) => () => parseOfficeFile(text, 'office.yaml');

describe('cross-references are reported at the line of the reference', () => {
  it('an unknown room', () => {
    const issue = soleIssue(parse(officeWithLine(15, '    room: file-rm')));
    expect(issue).toEqual({
      file: 'office.yaml',
      line: 15,
      column: 11,
      field: 'cabinets[0].room',
      message: 'unknown room "file-rm" (did you mean "file-room"?)',
    });
  });

  it('an unknown room with nothing close to it gets no suggestion', () => {
    const issue = soleIssue(parse(officeWithLine(22, '  room: basement')));
    expect(issue).toMatchObject({ line: 22, field: 'reception.room', message: 'unknown room "basement"' });
  });

  it('an unknown device', () => {
    const issue = soleIssue(parse(officeWithLine(16, '    reader: cab-1-reeder')));
    expect(issue).toMatchObject({ line: 16, column: 13, field: 'cabinets[0].reader', message: 'unknown device "cab-1-reeder" (did you mean "cab-1-reader"?)' });
  });

  it('a device in a slot its role cannot fill', () => {
    const issue = soleIssue(parse(officeWithLine(25, '    role: lock')));
    expect(issue).toMatchObject({ line: 16, field: 'cabinets[0].reader', message: 'device "cab-1-reader" has role lock; reader needs badge_reader or combo' });
  });

  it('a device serving two places', () => {
    const issue = soleIssue(parse(officeWithLine(22, '  room: front\n  reader: cab-1-reader')));
    expect(issue).toMatchObject({ line: 23, column: 11, field: 'reception.reader' });
    expect(issue.message).toBe('device "cab-1-reader" is already used by cabinets[0].reader at line 16; a device serves one place');
  });

  it('a combo device may fill several slots of one place, but a plain device may not', () => {
    const combo = officeWithLine(17, '    door: cab-1-reader').replace('role: badge_reader', 'role: combo');
    expect(parseOfficeFile(combo, 'office.yaml').cabinets[0]).toMatchObject({ reader: 'cab-1-reader', door: 'cab-1-reader' });
    const plain = officeWithLine(17, '    lock: cab-1-reader');
    const issues = configErrorFrom(parse(plain)).issues;
    expect(issues.map((i) => [i.field, i.line])).toEqual([
      ['cabinets[0].lock', 17],
      ['cabinets[0].lock', 17],
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      'device "cab-1-reader" has role badge_reader; lock needs lock or combo',
      'device "cab-1-reader" fills two slots of cabinets[0]; only a combo device may',
    ]);
  });
});

describe('ids are unique within their kind', () => {
  it('a duplicate cabinet id, pointing at the second and naming the first', () => {
    const issue = soleIssue(parse(officeWithLine(18, '  - id: cab-1')));
    expect(issue).toEqual({ file: 'office.yaml', line: 18, column: 9, field: 'cabinets[1].id', message: 'duplicate cabinet id "cab-1" (first at line 13)' });
  });

  it('a duplicate room id across the rooms of a site', () => {
    const issue = soleIssue(parse(officeWithLine(11, '      - { id: file-room, name: Front desk, kind: reception }').replace('  room: front', '  room: file-room')));
    expect(issue).toMatchObject({ line: 11, column: 15, field: 'sites[0].rooms[1].id', message: 'duplicate room id "file-room" (first at line 10)' });
  });

  it('a duplicate device id', () => {
    const issue = soleIssue(parse(officeWithAppended('  - { id: cab-1-reader, role: lock, transport: { type: mqtt, firmware: esphome, topic: other } }')));
    expect(issue).toMatchObject({ line: 27, field: 'devices[1].id', message: 'duplicate device id "cab-1-reader" (first at line 24)' });
  });

  it('the same id may be used by a cabinet and a desk', () => {
    const office = parseOfficeFile(officeWithAppended('desks:', '  - { id: cab-1, name: Desk, room: front }'), 'office.yaml');
    expect(office.desks[0]?.id).toBe('cab-1');
  });
});

describe('devices cannot share an endpoint', () => {
  it('two devices on one serial port', () => {
    const issue = soleIssue(
      parse(
        officeWithAppended(
          '  - { id: s1, role: barcode_scanner, transport: { type: serial, path: /dev/ttyUSB0, protocol: lines } }',
          '  - { id: s2, role: barcode_scanner, transport: { type: serial, path: /dev/ttyUSB0, protocol: lines } }',
        ),
      ),
    );
    expect(issue).toMatchObject({ line: 28, field: 'devices[2].transport.path', message: 'serial port /dev/ttyUSB0 is also device "s1" (first at line 27)' });
  });

  it('two identical USB devices without serial numbers', () => {
    const hid = (id: string) => `  - { id: ${id}, role: barcode_scanner, transport: { type: hid, vendor_id: "0x0c2e", product_id: "0x0b61", protocol: keyboard } }`;
    const issue = soleIssue(parse(officeWithAppended(hid('s1'), hid('s2'))));
    expect(issue).toMatchObject({ line: 28, field: 'devices[2].transport.product_id' });
    expect(issue.message).toMatch(/^USB device 0x0c2e:0x0b61 \(set serial_number on both/);
  });

  it('two devices of one role on one MQTT topic, while a board may carry several roles', () => {
    const sameRole = soleIssue(parse(officeWithAppended('  - { id: r2, role: badge_reader, transport: { type: mqtt, firmware: esphome, topic: safekeep/cab-1 } }')));
    expect(sameRole).toMatchObject({ line: 27, field: 'devices[1].transport.topic', message: 'badge_reader on topic safekeep/cab-1 is also device "cab-1-reader" (first at line 26)' });
    const otherRole = officeWithAppended('  - { id: d2, role: door_sensor, transport: { type: mqtt, firmware: esphome, topic: safekeep/cab-1 } }');
    expect(parseOfficeFile(otherRole, 'office.yaml').devices).toHaveLength(2);
  });

  it('esp-rfid doors on one controller are told apart by door name', () => {
    const door = (id: string, name: string) => `  - { id: ${id}, role: badge_reader, transport: { type: mqtt, firmware: esp-rfid, topic: esp-rfid/x, door: ${name} } }`;
    expect(parseOfficeFile(officeWithAppended(door('a', 'front'), door('b', 'back')), 'office.yaml').devices).toHaveLength(3);
    expect(soleIssue(parse(officeWithAppended(door('a', 'front'), door('b', 'front'))))).toMatchObject({ line: 28 });
  });
});
