import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOfficeFile, parseOfficeFile } from '../../server/config/office-file';
import { configErrorFrom, makeTempDir, OFFICE_TEXT, officeWithAppended, officeWithLine, soleIssue } from './fixtures';

const DEMO = fileURLToPath(new URL('../../server/demo/office.yaml', import.meta.url));
const parse = (text: string) => () => parseOfficeFile(text, 'office.yaml');

describe('the demo office file', () => {
  it('parses, with four fully equipped cabinets across all four MQTT firmwares', () => {
    const office = loadOfficeFile(DEMO);
    expect(office.office.name).toBe('Hartley & Voss LLP');
    expect(office.cabinets).toHaveLength(4);
    for (const cabinet of office.cabinets) {
      expect(cabinet).toMatchObject({ room: 'file-room', reader: expect.any(String), lock: expect.any(String), door: expect.any(String) });
    }
    const firmwares = new Set(office.devices.flatMap((d) => (d.transport.type === 'mqtt' ? [d.transport.firmware] : [])));
    expect(firmwares).toEqual(new Set(['esphome', 'tasmota', 'esp-rfid', 'safekeep']));
    expect(office.shred_bins).toEqual([expect.objectContaining({ reader: 'shred-1-reader', lid: 'shred-1-lid' })]);
    expect(office.reception).toMatchObject({ room: 'reception', reader: 'reception-reader', scanner: 'reception-scanner' });
  });

  it('puts the desk reader on an RDM6300 serial port the demo can fake with socat', () => {
    const office = loadOfficeFile(DEMO);
    const desk = office.desks.find((d) => d.id === 'desk-1');
    const reader = office.devices.find((d) => d.id === desk?.reader);
    expect(reader?.transport).toEqual({ type: 'serial', path: '/tmp/safekeep-demo/desk-1-reader', baud_rate: 9600, protocol: 'rdm6300' });
  });
});

describe('parseOfficeFile on valid input', () => {
  it('fills defaults: empty lists, 9600 baud', () => {
    const office = parseOfficeFile(
      officeWithAppended('  - { id: s1, role: barcode_scanner, transport: { type: serial, path: /dev/ttyUSB0, protocol: lines } }'),
      'office.yaml',
    );
    expect(office.shred_bins).toEqual([]);
    expect(office.desks).toEqual([]);
    expect(office.devices[1]?.transport).toEqual({ type: 'serial', path: '/dev/ttyUSB0', baud_rate: 9600, protocol: 'lines' });
  });

  it.each([
    ['"0x0c2e"', 0x0c2e],
    ['0x0C2E', 0x0c2e],
    ['3118', 3118],
  ])('reads USB vendor_id %s as %i', (written, expected) => {
    const office = parseOfficeFile(
      officeWithAppended(`  - { id: s1, role: barcode_scanner, transport: { type: hid, vendor_id: ${written}, product_id: "0x0b61", protocol: hid-pos } }`),
      'office.yaml',
    );
    expect(office.devices[1]?.transport).toMatchObject({ type: 'hid', vendor_id: expected, product_id: 0x0b61 });
  });
});

describe('parseOfficeFile syntax errors', () => {
  it('gives line:column of a YAML syntax error, and only the first of a cascade', () => {
    const issue = soleIssue(parse(officeWithLine(14, '   name: Cabinet 1')));
    expect(issue).toMatchObject({ file: 'office.yaml', line: 14, column: 1, field: '' });
    expect(issue.message).toMatch(/^YAML syntax: .*\(and \d+ more errors after it/);
  });

  it('gives line:column of an unclosed flow list', () => {
    const issue = soleIssue(parse(officeWithLine(5, '  hours: { open: "09:00", close: "17:30", days: [mon, tue }')));
    expect(issue).toMatchObject({ line: 5, column: 59 });
    expect(issue.message).toMatch(/^YAML syntax: Flow sequence/);
  });

  it('rejects a key written twice in one mapping, which YAML would otherwise let the second win', () => {
    const issue = soleIssue(parse(officeWithLine(17, '    room: front')));
    expect(issue).toMatchObject({ line: 17, column: 5, message: 'YAML syntax: key "room" appears twice in the same block; keep one' });
  });

  it('rejects a second document', () => {
    expect(soleIssue(parse(officeWithAppended('---', 'office: {}')))).toMatchObject({ line: 27, message: expect.stringMatching(/single document/) });
  });

  it('rejects an empty file', () => {
    expect(soleIssue(parse(''))).toMatchObject({ field: '', message: expect.stringMatching(/^the office file is empty/) });
  });
});

describe('parseOfficeFile schema errors name the field and its exact line', () => {
  it('a wrong type', () => {
    const issue = soleIssue(parse(officeWithLine(17, '    hold_open_seconds: ninety')));
    expect(issue).toEqual({
      file: 'office.yaml',
      line: 17,
      column: 24,
      field: 'cabinets[0].hold_open_seconds',
      message: 'must be a number, got the text "ninety"',
    });
  });

  it('an unknown key, at the key itself', () => {
    const issue = soleIssue(parse(officeWithLine(17, '    hold_open_secs: 90')));
    expect(issue).toEqual({ file: 'office.yaml', line: 17, column: 5, field: 'cabinets[0].hold_open_secs', message: 'unknown key "hold_open_secs"' });
  });

  it('an unknown key at the top level', () => {
    expect(soleIssue(parse(officeWithAppended('printers: []')))).toMatchObject({ line: 27, column: 1, field: 'printers' });
  });

  it('an unknown key inside a transport', () => {
    const issue = soleIssue(parse(officeWithLine(26, '    transport: { type: mqtt, firmware: esphome, topic: a/b, qos: 1 }')));
    expect(issue).toMatchObject({ line: 26, column: 61, field: 'devices[0].transport.qos' });
  });

  it('a number where text is needed, with a hint to quote it', () => {
    const issue = soleIssue(parse(officeWithLine(18, '  - id: 007')));
    expect(issue).toMatchObject({ line: 18, column: 9, field: 'cabinets[1].id', message: 'must be text, got 7; put it in quotes, e.g. "7"' });
  });

  it('a missing required key points at the entry that lacks it', () => {
    const issue = soleIssue(parse(officeWithLine(19, '    # name removed')));
    expect(issue).toMatchObject({ line: 18, column: 5, field: 'cabinets[1].name', message: 'is required' });
  });

  it('an unknown transport type', () => {
    const issue = soleIssue(parse(officeWithLine(26, '    transport: { type: zigbee }')));
    expect(issue).toMatchObject({ line: 26, column: 24, field: 'devices[0].transport.type', message: 'must be one of serial, hid, mqtt, got "zigbee"' });
  });

  it('an unknown room kind', () => {
    const issue = soleIssue(parse(officeWithLine(11, '      - { id: front, name: Front desk, kind: lobby }')));
    expect(issue).toMatchObject({ line: 11, column: 46, field: 'sites[0].rooms[1].kind' });
    expect(issue.message).toBe('must be one of file_room, reception, office, records_center, got "lobby"');
  });

  it('an id that is not a slug', () => {
    const issue = soleIssue(parse(officeWithLine(13, '  - id: Cab 1')));
    expect(issue).toMatchObject({ line: 13, field: 'cabinets[0].id', message: expect.stringMatching(/lowercase letters, digits and single hyphens/) });
  });

  it.each(['Mars/Olympus', '"+01:00"'])('a time zone %s that is not an IANA name', (zone) => {
    expect(soleIssue(parse(officeWithLine(4, `  timezone: ${zone}`)))).toMatchObject({ line: 4, column: 13, field: 'office.timezone' });
  });

  it('office hours: a malformed time, closing before opening, a repeated day', () => {
    const { issues } = configErrorFrom(parse(officeWithLine(5, '  hours: { open: "8am", close: "17:30", days: [mon, mon] }')));
    expect(issues.map((i) => [i.field, i.line, i.column])).toEqual([
      ['office.hours.open', 5, 18],
      ['office.hours.days', 5, 47],
    ]);
    const late = soleIssue(parse(officeWithLine(5, '  hours: { open: "18:00", close: "09:00", days: [mon] }')));
    expect(late).toMatchObject({ field: 'office.hours.close', message: 'open must be earlier than close' });
  });

  it('a USB id written without 0x', () => {
    const issue = soleIssue(
      parse(officeWithAppended('  - { id: s1, role: barcode_scanner, transport: { type: hid, vendor_id: 0c2e, product_id: "0x0b61", protocol: keyboard } }')),
    );
    expect(issue).toMatchObject({ line: 27, field: 'devices[1].transport.vendor_id', message: expect.stringMatching(/with 0x/) });
  });

  it('settings that contradict the device: a badge format on a lock, a terminator on RDM6300', () => {
    const { issues } = configErrorFrom(
      parse(
        officeWithAppended(
          '  - { id: l1, role: lock, credential_format: hex, transport: { type: mqtt, firmware: tasmota, topic: l1 } }',
          '  - { id: r1, role: badge_reader, transport: { type: serial, path: /dev/ttyS1, protocol: rdm6300, line_terminator: lf } }',
        ),
      ),
    );
    expect(issues.map((i) => [i.field, i.line])).toEqual([
      ['devices[1].credential_format', 27],
      ['devices[2].transport.line_terminator', 28],
    ]);
  });

  it('reports every schema problem at once, in file order', () => {
    const text = officeWithLine(17, '    hold_open_secs: 90').replace('  timezone: Europe/London', '  timezone: Europe/Londn');
    const { issues } = configErrorFrom(parse(text));
    expect(issues.map((i) => i.line)).toEqual([4, 17]);
  });
});

describe('loadOfficeFile', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
  });
  afterEach(() => cleanup());

  it('reads a file from disk', () => {
    const file = path.join(dir, 'office.yaml');
    writeFileSync(file, OFFICE_TEXT);
    expect(loadOfficeFile(file).office.id).toBe('smith-law');
  });

  it('names the file in every location', () => {
    const file = path.join(dir, 'office.yaml');
    writeFileSync(file, officeWithLine(15, '    room: file-rm'));
    const error = configErrorFrom(() => loadOfficeFile(file));
    expect(error.format()).toBe(`${file}:15:11 cabinets[0].room: unknown room "file-rm" (did you mean "file-room"?)`);
  });

  it('reports a missing file without a stack trace', () => {
    const file = path.join(dir, 'absent.yaml');
    const issue = soleIssue(() => loadOfficeFile(file));
    expect(issue).toMatchObject({ file, field: '' });
    expect(issue.message).toMatch(/^cannot read the office file: no such file \(set SAFEKEEP_OFFICE_FILE/);
  });

  it('reports a directory given as the office file', () => {
    expect(soleIssue(() => loadOfficeFile(dir)).message).toBe('cannot read the office file: it is a directory');
  });
});
