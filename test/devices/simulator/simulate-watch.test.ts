import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../server/broker/embedded-broker';
import { openBrokerAccess } from '../../../server/broker/office-accounts';
import { parseOfficeFile } from '../../../server/config/office-file';
import { silentLogger } from '../../../server/shared/logger';
import { SerialPtys } from '../../../devices/simulator/serial-ptys';
import { DEMO_OFFICE_FILE, PROJECT_ROOT } from '../../support/office';
import { runCli } from '../../support/cli';
import { socatReady, waitFor } from '../transports/support';

/**
 * The installer's view end to end: `safekeep simulate` drives every device of the demo office (MQTT
 * firmware payloads to an embedded broker, frames and lines into socat pseudo-terminals) while
 * `safekeep devices watch` prints what the transports decode. Both are the real command line in
 * child processes; the office file is the demo's with its serial ports moved to a private directory.
 */

const KIND_OF_ROLE: Record<string, string> = { badge_reader: 'badge', barcode_scanner: 'barcode', door_sensor: 'door', lid: 'door', lock: 'lock' };

interface Running {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number>;
}

function start(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'server/cli/safekeep.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: Running = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1))) };
  child.stdout!.on('data', (d: Buffer) => (running.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (running.stderr += d.toString()));
  return running;
}

describe.runIf(socatReady())('simulate + devices watch', () => {
  let broker: EmbeddedBroker;
  let dir: string;
  let env: Record<string, string>;
  const children: Running[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'safekeep-sim-'));
    const officeFile = path.join(dir, 'office.yaml');
    writeFileSync(officeFile, readFileSync(DEMO_OFFICE_FILE, 'utf8').replaceAll('/tmp/safekeep-demo/', `${dir}/ports/`));
    // The broker checks the data directory's accounts: `watch` logs in as the server, `simulate` as each board.
    const office = parseOfficeFile(readFileSync(officeFile, 'utf8'), 'office.yaml');
    broker = await startEmbeddedBroker({ port: 0, logger: silentLogger, access: openBrokerAccess({ dataDir: path.join(dir, 'data'), office }).access });
    env = { SAFEKEEP_OFFICE_FILE: officeFile, SAFEKEEP_DATA_DIR: path.join(dir, 'data'), MQTT_URL: broker.url };
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await broker?.close();
  });

  it('shows reads from every simulated device, one JSON line each', async () => {
    const office = parseOfficeFile(readFileSync(env.SAFEKEEP_OFFICE_FILE!, 'utf8'), 'office.yaml');
    const watch = start(['devices', 'watch'], env);
    children.push(watch);
    await waitFor(() => watch.stderr.includes('watching devices'), 20_000, 'watch to start');

    // `watch` finds serial ports by polling: rounds enough for it to open every one on a loaded machine.
    const simulate = start(['simulate', '--rounds', '5', '--interval', '1000'], env);
    children.push(simulate);
    expect(await simulate.exited).toBe(0);
    expect(simulate.stdout).toContain('Simulated 5 rounds');

    const expected = office.devices.map((d) => `${d.id}:${KIND_OF_ROLE[d.role]}`);
    const seen = () => new Set(watch.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).map((l) => `${String(l.device)}:${String(l.kind)}`));
    await waitFor(() => expected.every((k) => seen().has(k)), 10_000, `reads from every device (missing: ${expected.filter((k) => !seen().has(k)).join(', ')})`).catch((err: Error) => {
      throw new Error(`${err.message}\nmissing: ${expected.filter((k) => !seen().has(k)).join(', ')}\n${watch.stderr.slice(-2000)}`);
    });

    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    const lines = watch.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const line of lines) expect(typeof line.time === 'string' && !Number.isNaN(Date.parse(line.time))).toBe(true);
    // Each kind of device, as the installer sees it.
    expect(lines).toEqual(
      expect.arrayContaining([
        // RDM6300 over a serial port: EM4100 with its version byte as raw.
        expect.objectContaining({ device: 'desk-1-reader', kind: 'badge', canonical: expect.stringMatching(/^1A2B3C0[1-8]$/), raw: expect.stringMatching(/^141A2B3C0[1-8]$/), format: 'em4100' }),
        // A Wiegand adapter on serial: 24 bits, decimal raw.
        expect.objectContaining({ device: 'reception-reader', kind: 'badge', canonical: expect.stringMatching(/^2B3C0[1-8]$/), format: 'w26' }),
        expect.objectContaining({ device: 'desk-2-scanner', kind: 'barcode', data: expect.stringMatching(/^SK-\d{6}$/) }),
        expect.objectContaining({ device: 'reception-scanner', kind: 'barcode', data: expect.stringMatching(/^SK-\d{6}$/) }),
        // MQTT firmware: Tasmota, ESPHome, esp-rfid, Safekeep.
        expect.objectContaining({ device: 'cab-2-reader', kind: 'badge', format: 'hex' }),
        expect.objectContaining({ device: 'cab-1-reader', kind: 'badge', format: 'w26' }),
        expect.objectContaining({ device: 'cab-3-reader', kind: 'badge', format: 'uid-unpadded' }),
        expect.objectContaining({ device: 'cab-4-scanner', kind: 'barcode' }),
        expect.objectContaining({ device: 'cab-2-door', kind: 'door', state: expect.stringMatching(/^(open|closed)$/) }),
        expect.objectContaining({ device: 'cab-1-lock', kind: 'lock', state: expect.stringMatching(/^(locked|unlocked)$/) }),
        expect.objectContaining({ device: 'desk-1-reader', kind: 'availability', state: 'online' }),
      ]),
    );
  }, 90_000);

  it('devices list shows configured devices with their place and state', async () => {
    const ptys = new SerialPtys({ paths: [`${dir}/ports/desk-1-reader`, `${dir}/ports/reception-scanner`], logger: silentLogger });
    await ptys.start();
    try {
      const result = await runCli(['devices', 'list', '--json'], env);
      expect(result.code).toBe(0);
      const listing = JSON.parse(result.stdout) as { devices: Record<string, unknown>[]; serialPorts: unknown[]; hidDevices: unknown[]; hidDisabled: string | null };
      const byId = new Map(listing.devices.map((d) => [d.id, d]));
      expect(byId.get('desk-1-reader')).toMatchObject({ role: 'badge_reader', place: 'desk-1', state: 'configured+present', transport: `serial ${dir}/ports/desk-1-reader (rdm6300)` });
      expect(byId.get('reception-scanner')).toMatchObject({ place: 'reception', state: 'configured+present' });
      expect(byId.get('desk-2-scanner')).toMatchObject({ state: 'missing' });
      expect(byId.get('cab-2-reader')).toMatchObject({ transport: 'mqtt tasmota cab-2', place: 'cab-2' });
      expect(Array.isArray(listing.serialPorts)).toBe(true);
      expect(listing.hidDisabled === null || typeof listing.hidDisabled === 'string').toBe(true);

      const table = await runCli(['devices', 'list'], env);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/desk-1-reader\s+badge_reader\s+serial .*desk-1\s+configured\+present/);
      expect(table.stdout).toMatch(/desk-2-scanner\s+.*missing/);
      expect(table.stdout).toContain('Serial ports on this machine');
      expect(table.stdout).toContain('HID devices on this machine');
    } finally {
      await ptys.stop();
    }
  }, 90_000);
});
