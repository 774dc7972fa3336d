import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardClient } from '../support/board-client';
import { runCli } from '../support/cli';
import { DEMO_OFFICE_FILE } from '../support/office';
import { missingComponent } from '../support/requirements';
import { startTestServer, type ServerFixture } from '../support/server';

/**
 * A real full disk, not a simulated one: the office's data directory is a small tmpfs, filled up
 * while a board sends reads through the embedded broker. The server must stop acknowledging,
 * say so in /api/health, keep answering, raise its alert, take the board's resent reads once
 * space is back, and leave a log that `safekeep log verify` accepts.
 */
const mountPoint = mkdtempSync(path.join(tmpdir(), 'safekeep-disk-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  missingComponent('a tmpfs mount', `the full-disk test fills a small filesystem of its own and needs mount(8) as root: ${(err as Error).message.split('\n')[0]}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fills the filesystem to the last byte; returns the file to delete to free it again. */
function fillDisk(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (let size = chunk.length; size >= 1; ) {
      try {
        writeSync(fd, chunk, 0, size);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        size = Math.floor(size / 2);
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

describe.runIf(mounted)('a full disk under the office (tmpfs)', { timeout: 120_000 }, () => {
  const dataDir = path.join(mountPoint, 'data');
  let f: ServerFixture | null = null;
  let board: MqttClient;
  const acked = new Set<number>();
  const boot = `df${Date.now().toString(36)}`;
  const read = (seq: number) => JSON.stringify({ boot, seq, kind: 'door', state: seq % 2 === 0 ? 'open' : 'closed' });

  beforeAll(async () => {
    mkdirSync(dataDir);
    f = await startTestServer({ dataDir });
    board = await boardClient(f, 'safekeep/cab-4');
    await board.subscribeAsync('safekeep/cab-4/ack', { qos: 1 });
    board.on('message', (_topic, payload) => {
      const ack = JSON.parse(payload.toString()) as { boot: string; seqs: number[] };
      if (ack.boot === boot) for (const seq of ack.seqs) acked.add(seq);
    });
  });
  afterAll(async () => {
    await board?.endAsync();
    await f?.close();
    if (mounted) execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  const health = async () => (await (await fetch(`${f!.url}/api/health`)).json()) as { writer: { accepting: boolean; halted_reason?: string }; log: { size: number } };

  it('stops acknowledging, keeps answering, raises the alert, resumes with the resent reads, and the log verifies', async () => {
    await board.publishAsync('safekeep/cab-4/read', read(0), { qos: 1 });
    for (let i = 0; i < 250 && !acked.has(0); i++) await sleep(20);
    expect(acked.has(0)).toBe(true);

    const filler = fillDisk(mountPoint);
    // Reads at 25/s, under the registry's flood control, until the writer runs out of room: the
    // write-ahead log first fills the space it already has.
    let seq = 1;
    let state = await health();
    for (; state.writer.accepting && seq < 3000; seq++) {
      await board.publishAsync('safekeep/cab-4/read', read(seq), { qos: 1 });
      await sleep(40);
      if (seq % 10 === 0) state = await health();
    }
    state = await health();
    expect(state.writer).toEqual({ accepting: false, halted_reason: 'the disk is full' });
    const sizeWhileFull = state.log.size;

    // Nothing sent now is acknowledged, and the server still answers.
    const whileFull = seq;
    for (let s = whileFull; s < whileFull + 5; s++) await board.publishAsync('safekeep/cab-4/read', read(s), { qos: 1 });
    await sleep(1000);
    for (let s = whileFull; s < whileFull + 5; s++) expect(acked.has(s)).toBe(false);
    expect((await health()).log.size).toBe(sizeWhileFull);

    rmSync(filler);
    for (let i = 0; i < 150 && !(await health()).writer.accepting; i++) await sleep(100);
    expect((await health()).writer.accepting).toBe(true);

    // The board resends what was never acknowledged, as Safekeep firmware does.
    const last = whileFull + 5;
    for (let round = 0; round < 20; round++) {
      const missing = Array.from({ length: last }, (_, s) => s).filter((s) => !acked.has(s));
      if (missing.length === 0) break;
      for (const s of missing) {
        await board.publishAsync('safekeep/cab-4/read', read(s), { qos: 1 });
        await sleep(25);
      }
      await sleep(500);
    }
    expect(Array.from({ length: last }, (_, s) => s).filter((s) => !acked.has(s))).toEqual([]);

    const { sequelize } = f!.server.services.db;
    const alerts = await sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM alerts WHERE type = 'storage.writes_suspended'", { type: QueryTypes.SELECT });
    expect(Number(alerts[0]!.n)).toBe(1);
    // The reads refused while the disk was full were stored when resent: acked, and in the log.
    const refused = Array.from({ length: 5 }, (_, i) => `cab-4-door:${boot}:${whileFull + i}`);
    const stored = await sequelize.query<{ idempotency_key: string; log_index: number }>('SELECT idempotency_key, log_index FROM device_events WHERE idempotency_key IN (:refused) ORDER BY log_index', {
      type: QueryTypes.SELECT,
      replacements: { refused },
    });
    expect(stored.map((r) => r.idempotency_key)).toEqual(refused);
    expect(Number(stored[0]!.log_index)).toBeGreaterThanOrEqual(sizeWhileFull);

    await board.endAsync();
    await f!.server.stop();
    const verify = await runCli(['log', 'verify'], { SAFEKEEP_DATA_DIR: dataDir, SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE });
    expect(verify.code, verify.stderr + verify.stdout).toBe(0);
  });
});
