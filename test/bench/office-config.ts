import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { parseOfficeFile } from '../../server/config/office-file';
import type { OfficeConfig } from '../../server/config/office-schema';
import { DEMO_OFFICE_FILE } from '../support/office';
import { boardId, boardTopic } from './load/reads';

/**
 * The bench's office: the demo office (server/demo/office.yaml) plus `boards` cabinets in the file
 * room, each with a Safekeep-firmware board carrying a badge reader, a door sensor and a lock,
 * like the demo's cab-4. Built as office-file text and parsed by the server's own parser, so it is
 * exactly as valid as a real office file.
 *
 * It is then opened around the clock: a granted badge outside office hours raises an after-hours
 * alert, which would make the figures depend on when the bench runs. ('24:00' is past every
 * "HH:MM" the server compares with, so the window never closes; the file itself says 23:59.)
 */
export function benchOfficeConfig(boards: number): OfficeConfig {
  const doc = YAML.parse(readFileSync(DEMO_OFFICE_FILE, 'utf8')) as { office: { hours: unknown }; cabinets: unknown[]; devices: unknown[] };
  doc.office.hours = { open: '00:00', close: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] };
  for (let b = 0; b < boards; b++) {
    const id = boardId(b);
    const transport = { type: 'mqtt', firmware: 'safekeep', topic: boardTopic(b) };
    doc.cabinets.push({ id, name: `Bench cabinet ${b + 1}`, room: 'file-room', reader: `${id}-reader`, lock: `${id}-lock`, door: `${id}-door`, hold_open_seconds: 120 });
    doc.devices.push(
      { id: `${id}-reader`, role: 'badge_reader', credential_format: 'hex', transport },
      { id: `${id}-door`, role: 'door_sensor', transport },
      { id: `${id}-lock`, role: 'lock', transport },
    );
  }
  const office = parseOfficeFile(YAML.stringify(doc), 'bench-office.yaml');
  return { ...office, office: { ...office.office, hours: { ...office.office.hours, close: '24:00' } } };
}
