import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEnvConfig } from '../../server/config/env';
import { configErrorFrom, makeTempDir, soleIssue } from './fixtures';

let cwd: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir: cwd, cleanup } = makeTempDir());
});
afterEach(() => cleanup());

describe('loadEnvConfig defaults', () => {
  it('fills every value from an empty environment, relative to cwd', () => {
    const dataDir = path.join(cwd, 'data');
    expect(loadEnvConfig({}, cwd)).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir,
      database: { dialect: 'sqlite', storage: path.join(dataDir, 'safekeep.sqlite'), url: `sqlite:${path.join(dataDir, 'safekeep.sqlite')}` },
      mqtt: { mode: 'embedded', port: 18830 },
      officeFile: path.join(dataDir, 'office.yaml'),
      logLevel: 'info',
    });
  });

  it('treats empty and blank values as unset, as env files write them', () => {
    const config = loadEnvConfig({ PORT: '', MQTT_URL: '', MQTT_PORT: '  ', LOG_LEVEL: '' }, cwd);
    expect(config.port).toBe(8080);
    expect(config.mqtt).toEqual({ mode: 'embedded', port: 18830 });
    expect(config.logLevel).toBe('info');
  });

  it('derives the database and office file from SAFEKEEP_DATA_DIR when they are not set', () => {
    const config = loadEnvConfig({ SAFEKEEP_DATA_DIR: 'var/sk' }, cwd);
    expect(config.dataDir).toBe(path.join(cwd, 'var/sk'));
    expect(config.database).toMatchObject({ dialect: 'sqlite', storage: path.join(cwd, 'var/sk/safekeep.sqlite') });
    expect(config.officeFile).toBe(path.join(cwd, 'var/sk/office.yaml'));
  });

  it('never creates the data directory: refusing to start must leave the disk untouched', () => {
    loadEnvConfig({}, cwd);
    expect(existsSync(path.join(cwd, 'data'))).toBe(false);
  });
});

describe('loadEnvConfig accepted values', () => {
  it('allows port 0 for both listeners, so tests can take ephemeral ports', () => {
    const config = loadEnvConfig({ PORT: '0', MQTT_PORT: '0' }, cwd);
    expect(config.port).toBe(0);
    expect(config.mqtt).toEqual({ mode: 'embedded', port: 0 });
  });

  it('reads HOST, SAFEKEEP_OFFICE_FILE and LOG_LEVEL (any case)', () => {
    const config = loadEnvConfig({ HOST: '0.0.0.0', SAFEKEEP_OFFICE_FILE: 'conf/office.yaml', LOG_LEVEL: 'DEBUG', PORT: '65535' }, cwd);
    expect(config.host).toBe('0.0.0.0');
    expect(config.officeFile).toBe(path.join(cwd, 'conf/office.yaml'));
    expect(config.logLevel).toBe('debug');
    expect(config.port).toBe(65535);
  });

  it('accepts an existing data directory', () => {
    mkdirSync(path.join(cwd, 'existing'));
    expect(loadEnvConfig({ SAFEKEEP_DATA_DIR: 'existing' }, cwd).dataDir).toBe(path.join(cwd, 'existing'));
  });

  it.each([
    ['sqlite:/srv/safekeep/db.sqlite', '/srv/safekeep/db.sqlite'],
    ['sqlite:///srv/safekeep/db.sqlite', '/srv/safekeep/db.sqlite'],
    ['sqlite:db/safekeep.sqlite', 'db/safekeep.sqlite'],
    ['sqlite://./db/safekeep.sqlite', 'db/safekeep.sqlite'],
  ])('DATABASE_URL %s is a sqlite file at %s', (url, storage) => {
    const expected = path.resolve(cwd, storage);
    expect(loadEnvConfig({ DATABASE_URL: url }, cwd).database).toEqual({ dialect: 'sqlite', storage: expected, url: `sqlite:${expected}` });
  });

  it('DATABASE_URL sqlite::memory: is an in-memory database', () => {
    expect(loadEnvConfig({ DATABASE_URL: 'sqlite::memory:' }, cwd).database).toEqual({ dialect: 'sqlite', storage: ':memory:', url: 'sqlite::memory:' });
  });

  it.each(['postgres://safekeep:pw@db.local:5432/safekeep', 'postgresql://safekeep@localhost/safekeep'])('DATABASE_URL %s is postgres', (url) => {
    expect(loadEnvConfig({ DATABASE_URL: url }, cwd).database).toEqual({ dialect: 'postgres', url });
  });

  it.each(['mqtt://broker.local:1883', 'mqtts://user:pw@broker.local:8883'])('MQTT_URL %s selects an external broker', (url) => {
    expect(loadEnvConfig({ MQTT_URL: url, MQTT_PORT: '1883' }, cwd).mqtt).toEqual({ mode: 'external', url });
  });
});

describe('loadEnvConfig rejects bad values, naming the variable', () => {
  it.each([
    ['PORT', 'http', /whole number from 0 to 65535/],
    ['PORT', '65536', /got "65536"/],
    ['PORT', '-1', /whole number/],
    ['PORT', '80.5', /whole number/],
    ['HOST', 'not a host', /IP address or host name/],
    ['SAFEKEEP_DATA_DIR', 'data\0dir', /NUL/],
    ['DATABASE_URL', 'mysql://root@localhost/safekeep', /unsupported scheme "mysql:"/],
    ['DATABASE_URL', 'sqlite:', /needs a file path/],
    ['DATABASE_URL', 'postgres://', /not a valid postgres URL/],
    ['DATABASE_URL', '/srv/safekeep.sqlite', /unsupported value/],
    ['MQTT_URL', 'ws://broker.local:9001', /unsupported scheme "ws:"/],
    ['MQTT_URL', 'mqtt://', /not a valid mqtt:\/\/ URL/],
    ['MQTT_PORT', 'eighteen', /whole number/],
    ['SAFEKEEP_OFFICE_FILE', 'office\0.yaml', /NUL/],
    ['LOG_LEVEL', 'verbose', /must be one of fatal, error, warn, info, debug, trace, silent/],
  ])('%s=%j', (name, value, message) => {
    const issue = soleIssue(() => loadEnvConfig({ [name]: value }, cwd));
    expect(issue.field).toBe(name);
    expect(issue.message).toMatch(message);
  });

  it('rejects a data directory path that is an existing file', () => {
    writeFileSync(path.join(cwd, 'data'), 'not a directory');
    const issue = soleIssue(() => loadEnvConfig({}, cwd));
    expect(issue).toMatchObject({ field: 'SAFEKEEP_DATA_DIR', message: `"${path.join(cwd, 'data')}" exists and is not a directory` });
  });

  it('rejects the embedded broker on the web server port, unless both are ephemeral', () => {
    expect(soleIssue(() => loadEnvConfig({ PORT: '18830' }, cwd))).toMatchObject({ field: 'MQTT_PORT', message: expect.stringMatching(/same as PORT \(18830\)/) });
    expect(loadEnvConfig({ PORT: '0', MQTT_PORT: '0' }, cwd).port).toBe(0);
    expect(loadEnvConfig({ PORT: '18830', MQTT_URL: 'mqtt://broker:1883' }, cwd).port).toBe(18830);
  });

  it('never repeats a connection string, which may carry a password', () => {
    const error = configErrorFrom(() =>
      loadEnvConfig({ DATABASE_URL: 'mssql://sa:hunter2@db/x', MQTT_URL: 'amqp://u:hunter2@mq' }, cwd),
    );
    expect(error.issues.map((i) => i.field)).toEqual(['DATABASE_URL', 'MQTT_URL']);
    expect(error.format()).not.toContain('hunter2');
  });

  it('reports every bad variable at once, one per line', () => {
    const error = configErrorFrom(() => loadEnvConfig({ PORT: 'x', LOG_LEVEL: 'loud', MQTT_PORT: '99999' }, cwd));
    expect(error.issues.map((i) => i.field)).toEqual(['PORT', 'MQTT_PORT', 'LOG_LEVEL']);
    expect(error.format().split('\n')).toEqual([
      'PORT: must be a whole number from 0 to 65535 (0 lets the system pick a free port), got "x"',
      'MQTT_PORT: must be a whole number from 0 to 65535 (0 lets the system pick a free port), got "99999"',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });
});
