import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { ConfigIssue } from '../../server/config/config-error';
import { ConfigError } from '../../server/config/config-error';

/**
 * A small valid office, one key per line, so tests can break one line and assert that exact
 * line number comes back. Line numbers are noted on the right: keep them true when editing.
 */
export const OFFICE_LINES = [
  'office:', //                                                                   1
  '  id: smith-law', //                                                           2
  '  name: Smith Law', //                                                         3
  '  timezone: Europe/London', //                                                 4
  '  hours: { open: "09:00", close: "17:30", days: [mon, tue, wed, thu, fri] }', // 5
  'sites:', //                                                                    6
  '  - id: main', //                                                              7
  '    name: Main', //                                                            8
  '    rooms:', //                                                                9
  '      - { id: file-room, name: File room, kind: file_room }', //              10
  '      - { id: front, name: Front desk, kind: reception }', //                 11
  'cabinets:', //                                                                 12
  '  - id: cab-1', //                                                             13
  '    name: Cabinet 1', //                                                       14
  '    room: file-room', //                                                       15
  '    reader: cab-1-reader', //                                                  16
  '    hold_open_seconds: 90', //                                                 17
  '  - id: cab-2', //                                                             18
  '    name: Cabinet 2', //                                                       19
  '    room: file-room', //                                                       20
  'reception:', //                                                                21
  '  room: front', //                                                             22
  'devices:', //                                                                  23
  '  - id: cab-1-reader', //                                                      24
  '    role: badge_reader', //                                                    25
  '    transport: { type: mqtt, firmware: esphome, topic: safekeep/cab-1 }', //   26
] as const;

export const OFFICE_TEXT = `${OFFICE_LINES.join('\n')}\n`;

/** The fixture with 1-based line `line` replaced, so every other line keeps its number. */
export function officeWithLine(line: number, replacement: string): string {
  const lines: string[] = [...OFFICE_LINES];
  if (line < 1 || line > lines.length) throw new Error(`no line ${line} in the fixture`);
  lines[line - 1] = replacement;
  return `${lines.join('\n')}\n`;
}

/** The fixture with lines appended at the end (after line 26). */
export function officeWithAppended(...extra: string[]): string {
  return `${[...OFFICE_LINES, ...extra].join('\n')}\n`;
}

export function configErrorFrom(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** The only issue raised, so a test also proves no unrelated noise was reported. */
export function soleIssue(run: () => unknown): ConfigIssue {
  const { issues } = configErrorFrom(run);
  expect(issues, issues.map((i) => `${i.field}: ${i.message}`).join('\n')).toHaveLength(1);
  return issues[0] as ConfigIssue;
}

export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'safekeep-config-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
