import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { PROJECT_ROOT } from '../support/office';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function logSize(url: string): Promise<number> {
  const health = (await (await fetch(`${url}/api/health`)).json()) as { log: { size: number } };
  return health.log.size;
}

/**
 * `npm run demo` as a new installer runs it (the command behind it, without the dashboard build):
 * a seeded office whose simulated readers keep the custody log growing, whose data directory the
 * log commands then audit on their own.
 */
describe('the demo office', { timeout: 150_000 }, () => {
  let demo: ChildProcess | null = null;
  afterEach(() => {
    demo?.kill('SIGKILL');
    demo = null;
  });

  it('runs with simulated readers, the log grows in /api/health, and its data directory verifies and exports bundles after it stops', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-demo-')), 'data');
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'server/cli/safekeep.js'), 'demo'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', SAFEKEEP_DATA_DIR: dataDir, PORT: '0', MQTT_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    let url: string | undefined;
    for (let waited = 0; !url && waited < 90_000; waited += 200) {
      url = /is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (child.exitCode !== null) throw new Error(`the demo exited early (${child.exitCode}):\n${stderr}`);
      await sleep(200);
    }
    expect(url, stderr).toBeDefined();
    expect(stdout).toMatch(/audit the log: SAFEKEEP_DATA_DIR=.+ npx safekeep log verify/);

    const first = await logSize(url!);
    // Seeding alone makes 500 files' first entries; the readers add more by themselves.
    expect(first).toBeGreaterThan(500);
    let later = first;
    for (let waited = 0; later <= first && waited < 60_000; waited += 1000) {
      await sleep(1000);
      later = await logSize(url!);
    }
    expect(later).toBeGreaterThan(first);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    demo = null;

    // Only the data directory: the demo left its office file there.
    const env = { SAFEKEEP_DATA_DIR: dataDir };
    const verify = await runCli(['log', 'verify'], env);
    expect(verify.code, verify.stderr).toBe(0);
    const bundle = path.join(dataDir, '..', 'sk42.json');
    const exported = await runCli(['log', 'bundle', 'SK-000042', '--out', bundle], env);
    expect(exported.code, exported.stderr).toBe(0);
    const checked = await runCli(['log', 'verify-bundle', bundle], {});
    expect(checked.code, checked.stderr).toBe(0);
  });
});
