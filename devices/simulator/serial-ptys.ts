import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../server/shared/logger';

/**
 * Pseudo-terminal pairs standing in for serial readers, as socat makes them:
 *
 *   socat -d -d pty,raw,echo=0,link=P pty,raw,echo=0,link=P.sim
 *
 * The server opens P exactly as it would /dev/ttyUSB0; whatever is written into P.sim arrives
 * there, through the real serialport binding and the real termios settings (devices.md §4).
 */

export interface PtyPair {
  /** The path the office file names: what the transport opens. */
  path: string;
  /** The other end: what the simulator writes into. */
  simPath: string;
  process: ChildProcess;
  writer: FileHandle | null;
}

export interface SerialPtysOptions {
  paths: readonly string[];
  logger: Logger;
  socatPath?: string;
  /** How long socat may take to create its links. */
  readyTimeoutMs?: number;
}

/** Whether socat can be run here; the reason when it cannot. */
export function socatAvailable(socatPath = 'socat'): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync(socatPath, ['-V'], { stdio: 'ignore' });
  if (probe.error) return { ok: false, reason: probe.error.message };
  return probe.status === 0 ? { ok: true } : { ok: false, reason: `${socatPath} -V exited with ${probe.status}` };
}

export class SerialPtys {
  private readonly pairs = new Map<string, PtyPair>();
  private readonly log: Logger;

  constructor(private readonly options: SerialPtysOptions) {
    this.log = options.logger.child({ component: 'simulator-ptys' });
  }

  /** Creates every pair; resolves once each link exists. A pair that fails is logged and skipped. */
  async start(): Promise<void> {
    await Promise.all(this.options.paths.map((p) => this.create(p).catch((err: Error) => this.log.warn({ path: p, err: err.message }, 'cannot create pseudo-terminal'))));
  }

  async stop(): Promise<void> {
    const pairs = [...this.pairs.values()];
    this.pairs.clear();
    await Promise.all(pairs.map((pair) => this.destroy(pair)));
  }

  has(devicePath: string): boolean {
    return this.pairs.has(devicePath);
  }

  /**
   * Writes bytes into the simulated device's line. The writer is non-blocking: with nobody
   * reading the other end, the PTY fills up and writes are dropped, never stalling the simulator.
   */
  async write(devicePath: string, bytes: Uint8Array): Promise<boolean> {
    const pair = this.pairs.get(devicePath);
    if (!pair?.writer) return false;
    try {
      await pair.writer.write(bytes);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN') this.log.warn({ path: devicePath, err: (err as Error).message }, 'write to pseudo-terminal failed');
      return false;
    }
  }

  /** Kills one pair's socat, as an unplugged cable would (SIGKILL leaves a dangling link). */
  async kill(devicePath: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const pair = this.pairs.get(devicePath);
    if (!pair) return;
    this.pairs.delete(devicePath);
    await this.destroy(pair, signal);
  }

  /** Creates (or re-creates after kill) the pair for one device path. */
  async create(devicePath: string): Promise<void> {
    await mkdir(path.dirname(devicePath), { recursive: true });
    const simPath = `${devicePath}.sim`;
    const child = spawn(this.options.socatPath ?? 'socat', ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${simPath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const pair: PtyPair = { path: devicePath, simPath, process: child, writer: null };
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`socat did not start within ${this.options.readyTimeoutMs ?? 5000} ms: ${log.trim()}`));
      }, this.options.readyTimeoutMs ?? 5000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`socat exited with ${code}: ${log.trim()}`));
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        // Keep the tail only: socat logs every transfer at -d -d.
        log = (log + chunk.toString()).slice(-2000);
        if (log.includes('starting data transfer loop')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      if (this.pairs.get(devicePath) !== pair) return;
      // Ctrl+C reaches socat too (same process group): ending by a signal is no fault.
      if (signal) this.log.info({ path: devicePath, signal }, 'socat ended');
      else this.log.warn({ path: devicePath, code }, 'socat exited: this simulated device is gone');
    });
    // O_NOCTTY: a terminal opened by a process without one would otherwise become its controlling tty.
    pair.writer = await open(simPath, fsConstants.O_WRONLY | fsConstants.O_NOCTTY | fsConstants.O_NONBLOCK);
    this.pairs.set(devicePath, pair);
    this.log.debug({ path: devicePath }, 'pseudo-terminal ready');
  }

  private async destroy(pair: PtyPair, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await pair.writer?.close().catch(() => undefined);
    pair.writer = null;
    if (pair.process.exitCode !== null || pair.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => pair.process.once('exit', () => resolve()));
    pair.process.kill(signal);
    await exited;
  }
}
