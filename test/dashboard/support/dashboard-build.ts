import { execFile } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isFresh, PROJECT_ROOT, sourceHash } from '../../../dashboard/scripts/build-dashboard';

const run = promisify(execFile);

/**
 * The dashboard built from the current sources, once per source hash: test files running in
 * parallel (or one run after another) share it. Built in a child process so vitest's NODE_ENV and
 * vite instance stay out of it; built beside the target and renamed, so nobody sees half a build.
 */
export async function builtDashboard(): Promise<{ dir: string; buildMs: number }> {
  const hash = sourceHash();
  const dir = path.join(os.tmpdir(), `safekeep-dashboard-${hash.slice(0, 16)}`);
  if (isFresh(dir, hash)) return { dir, buildMs: 0 };
  const started = Date.now();
  const staging = `${dir}.staging-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'dashboard/scripts/build-dashboard.ts'), '--force', '--quiet', '--out-dir', staging], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 16 * 1024 * 1024,
  });
  try {
    if (existsSync(dir) && !isFresh(dir, hash)) rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (err) {
    // Another worker got there first with the same sources: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!isFresh(dir, hash)) throw err;
  }
  return { dir, buildMs: Date.now() - started };
}
