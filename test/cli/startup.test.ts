import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { DEMO_OFFICE_FILE } from '../support/office';

/** Bad configuration is named, and the process exits before it touches any data. */
describe('start-up validation', { timeout: 120_000 }, () => {
  const fresh = () => mkdtempSync(path.join(tmpdir(), 'safekeep-start-'));

  it('names a bad environment variable and exits non-zero without creating data', async () => {
    const dir = fresh();
    const dataDir = path.join(dir, 'data');
    const result = await runCli(['serve'], { SAFEKEEP_DATA_DIR: dataDir, PORT: 'eighty', SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PORT/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('names the field and line of a bad office file and exits non-zero without creating data', async () => {
    const dir = fresh();
    const office = path.join(dir, 'office.yaml');
    const text = readFileSync(DEMO_OFFICE_FILE, 'utf8').replace('room: file-room\n    reader: cab-2-reader', 'room: file-rom\n    reader: cab-2-reader');
    writeFileSync(office, text);
    const line = text.split('\n').findIndex((l) => l.includes('file-rom')) + 1;
    const dataDir = path.join(dir, 'data');
    const result = await runCli(['serve'], { SAFEKEEP_DATA_DIR: dataDir, SAFEKEEP_OFFICE_FILE: office, PORT: '0', MQTT_PORT: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`office.yaml:${line}:`);
    expect(result.stderr).toMatch(/cabinets\[1\]\.room: unknown room "file-rom"/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses to listen beyond this machine without TLS', async () => {
    const dir = fresh();
    const result = await runCli(['serve'], { SAFEKEEP_DATA_DIR: path.join(dir, 'data'), SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE, HOST: '0.0.0.0', PORT: '0', MQTT_PORT: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HOST: 0\.0\.0\.0/);
    expect(existsSync(path.join(dir, 'data'))).toBe(false);
  });
});
