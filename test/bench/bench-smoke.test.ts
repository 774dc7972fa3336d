import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * `npm run bench -- --json` end to end, scaled down so it takes seconds: the whole pipeline (lean
 * MQTT boards, embedded broker thread, writer, socket.io dashboard, verification, baseline) must
 * run, lose nothing and print the JSON line the issue names. Figures are not judged here: timed
 * targets live in the bench itself, not in tests.
 */
describe('npm run bench -- --json', () => {
  it('runs the pipeline at small scale and prints every required key on its last line, with nothing lost', async () => {
    const args = ['run', 'bench', '--', '--json', '--boards', '20', '--events', '2000', '--warmup-events', '400', '--steady-seconds', '1', '--rate', '200', '--verify-leaves', '3000', '--baseline-rows', '2000', '--direct-events', '0', '--single-commits', '5', '--decoder-ms', '0', '--timeout', '120'];
    const { stdout } = await run('npm', args, { cwd: process.cwd(), timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
    const last = stdout.trim().split('\n').at(-1)!;
    const figures = JSON.parse(last) as Record<string, unknown> & { flood: Record<string, number>; steady: Record<string, number>; verify: { ok: boolean } };
    for (const key of ['events_per_s', 'p50_ms_at_1000', 'p99_ms_at_1000', 'verify_leaves_per_s', 'baseline_rows_per_s', 'ratio']) {
      expect(figures[key], key).toEqual(expect.any(Number));
      expect(figures[key] as number, key).toBeGreaterThan(0);
    }
    expect(figures.flood).toMatchObject({ events: 2000, received: 2000, lost: 0, duplicated: 0, reordered: 0, not_acked: 0 });
    expect(figures.steady).toMatchObject({ events: 200, lost: 0, duplicated: 0, reordered: 0, not_acked: 0 });
    expect(figures.verify.ok).toBe(true);
  }, 160_000);
});
