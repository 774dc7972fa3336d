import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { missingComponent } from './requirements';

export const MOSQUITTO_URL = process.env.SAFEKEEP_TEST_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';

/** True when the machine's Mosquitto answers; in CI its absence fails the suite. */
export async function mosquittoAvailable(): Promise<boolean> {
  const { hostname, port } = new URL(MOSQUITTO_URL);
  const up = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 1883) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!up) missingComponent('Mosquitto', `nothing listens at ${MOSQUITTO_URL} (start it with: mosquitto -d -c /etc/mosquitto/mosquitto.conf)`);
  return up;
}

const LOCK_DIR = path.join(tmpdir(), 'safekeep-test-shared-mosquitto.lock');

/**
 * Takes the machine's Mosquitto for this test file alone, across vitest's worker processes: the
 * files that use it share the demo office's topics, so one file's server would store and
 * acknowledge another file's reads. Resolves to the function that gives it back.
 */
export async function holdSharedMosquitto(timeoutMs = 50_000): Promise<() => void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (holderIsGone()) rmSync(LOCK_DIR, { recursive: true, force: true });
    else if (Date.now() > until) throw new Error(`the shared Mosquitto stayed held by another test for ${timeoutMs} ms (${LOCK_DIR})`);
    else await new Promise((r) => setTimeout(r, 50));
  }
}

/** A holder that died without giving the broker back (a killed run) must not block the next run. */
function holderIsGone(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
  } catch {
    // Just made, its pid not written yet; or made by a process killed in between.
    return Date.now() - (statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 5000;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
