import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../../server/config/config-error';

describe('ConfigError formatting', () => {
  it('puts file:line:column first, then the field, then the message', () => {
    expect(formatIssue({ file: 'office.yaml', line: 12, column: 5, field: 'cabinets[2].room', message: 'unknown room "file-rm"' })).toBe(
      'office.yaml:12:5 cabinets[2].room: unknown room "file-rm"',
    );
  });

  it('names an environment variable alone, having no file', () => {
    expect(formatIssue({ field: 'SAFEKEEP_DATA_DIR', message: '"/srv/x" exists and is not a directory' })).toBe(
      'SAFEKEEP_DATA_DIR: "/srv/x" exists and is not a directory',
    );
  });

  it('handles a problem with the whole file, and a line without a column', () => {
    expect(formatIssue({ file: '/srv/office.yaml', field: '', message: 'cannot read the office file: permission denied' })).toBe(
      '/srv/office.yaml: cannot read the office file: permission denied',
    );
    expect(formatIssue({ file: 'office.yaml', line: 3, field: '', message: 'YAML syntax: bad' })).toBe('office.yaml:3:1: YAML syntax: bad');
  });

  it('lists every issue, one per line, in file order, and uses the same text as its message', () => {
    const error = new ConfigError([
      { file: 'office.yaml', line: 30, column: 3, field: 'devices[0].role', message: 'b' },
      { field: 'PORT', message: 'a' },
      { file: 'office.yaml', line: 4, column: 13, field: 'office.timezone', message: 'c' },
      { file: 'office.yaml', line: 4, column: 2, field: 'office', message: 'd' },
    ]);
    expect(error.format()).toBe(['PORT: a', 'office.yaml:4:2 office: d', 'office.yaml:4:13 office.timezone: c', 'office.yaml:30:3 devices[0].role: b'].join('\n'));
    expect(error.message).toBe(error.format());
    expect(error.issues).toHaveLength(4);
  });

  it('is an Error a caller can recognise', () => {
    const error = new ConfigError([{ field: 'PORT', message: 'x' }]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
  });
});
