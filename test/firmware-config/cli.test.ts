import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { DEMO_OFFICE_FILE } from '../support/office';

/** `npx safekeep firmware-config generate`, run as an installer would. */
describe('safekeep firmware-config generate', () => {
  let dir: string;
  const env = () => ({ SAFEKEEP_DATA_DIR: path.join(dir, 'data'), SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'safekeep-firmware-'));
  });

  it('writes private files and keeps passwords and filled-in secrets across runs', async () => {
    const out = path.join(dir, 'boards');
    const first = await runCli(['firmware-config', 'generate', '--out', out, '--broker', '192.168.10.2'], env());
    // The demo office gives the esp-rfid controller its IP: no lock is left unreachable.
    expect(first.stderr).not.toMatch(/warning: cab-3-lock/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/for \d+ board\(s\)/);
    const credentials = readFileSync(path.join(out, 'credentials.csv'), 'utf8');
    expect(statSync(path.join(out, 'credentials.csv')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(out, 'esphome/safekeep-cab-1.yaml')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(out, 'tasmota/cab-2.txt'), 'utf8')).toMatch(/MqttHost 192\.168\.10\.2; MqttPort 18830;/);

    writeFileSync(path.join(out, 'esphome/secrets.yaml'), 'wifi_ssid: "filled in"\n');
    const second = await runCli(['firmware-config', 'generate', '--out', out, '--broker', '192.168.10.2:1883'], env());
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/new MQTT passwords/);
    expect(readFileSync(path.join(out, 'credentials.csv'), 'utf8')).toBe(credentials);
    expect(readFileSync(path.join(out, 'esphome/secrets.yaml'), 'utf8')).toBe('wifi_ssid: "filled in"\n');
    expect(readFileSync(path.join(out, 'tasmota/cab-2.txt'), 'utf8')).toMatch(/MqttPort 1883;/);
  });

  it('asks for the broker address when boards could not reach the default one', async () => {
    const result = await runCli(['firmware-config', 'generate', '--out', path.join(dir, 'none')], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--broker/);
  });
});
