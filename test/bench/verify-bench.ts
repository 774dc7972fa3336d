import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { LogStore } from '../../server/custody-log/log-store';
import { verifyLog } from '../../server/custody-log/verify-log';
import { openOfficeDatabase, signingKeyFor } from '../../server/office-server';
import type { Services } from '../../server/services';
import { silentLogger } from '../../server/shared/logger';
import type { BenchOffice } from './office';

export interface GrowResult {
  /** Leaves added through the writer (0 when the log was already large enough). */
  added: number;
  seconds: number;
  /** Writer alone, jobs shaped exactly like DeviceIngest's: no MQTT, no socket client. */
  writerEventsPerS: number;
  /** Signing a checkpoint over the grown log (the periodic checkpointer's work). */
  checkpointMs: number;
}

const WAVE = 10_000;
const STATES = [
  ['door', 'open'],
  ['door', 'closed'],
  ['lock', 'unlocked'],
  ['lock', 'locked'],
] as const;

/**
 * Brings the log up to `target` leaves (or as far as it gets in `maxSeconds`) through the
 * server's own CustodyWriter, with the jobs DeviceIngest submits (a device.read leaf plus its
 * device_events row, idempotency key included), in waves so the writer always has full batches.
 */
export async function growLog(services: Services, target: number, maxSeconds: number, progress: (text: string) => void): Promise<GrowResult> {
  const { writer, checkpointer } = services;
  const started = performance.now();
  const from = writer.size;
  const boot = `grow${Date.now().toString(36)}`;
  let seq = 0;
  // On a slow or busy machine the log stops short of the target rather than overrun the bench's time.
  while (writer.size < target && performance.now() - started < maxSeconds * 1000) {
    const count = Math.min(WAVE, target - writer.size);
    const jobs = Array.from({ length: count }, () => submitRead(services, boot, seq++));
    await Promise.all(jobs);
    if (seq % 50_000 < WAVE) progress(`log grown to ${writer.size} leaves`);
  }
  const seconds = (performance.now() - started) / 1000;
  const added = writer.size - from;
  const cp = performance.now();
  await checkpointer.checkpointNow();
  return { added, seconds, writerEventsPerS: added > 0 ? added / seconds : 0, checkpointMs: performance.now() - cp };
}

/** A raw door or lock read, as DeviceIngest submits it (no correlation: locks have none). */
export function submitRead(services: Services, boot: string, seq: number): Promise<unknown> {
  const [kind, state] = STATES[seq % STATES.length]!;
  const deviceId = kind === 'door' ? 'cab-4-door' : 'cab-4-lock';
  const idempotencyKey = `${deviceId}:${boot}:${seq}`;
  const tsDevice = new Date(Date.now() - 3_600_000 + seq).toISOString();
  const receivedAt = new Date().toISOString();
  const payload = JSON.stringify({ state });
  const id = uuidv7();
  return services.writer.submit({
    idempotencyKey,
    run: async (ctx) => {
      const leaf = await ctx.append({
        type: 'device.read',
        kind,
        device: deviceId,
        location: 'cab-4',
        ts_device: tsDevice,
        evidence: [id],
        evidence_sha256: createHash('sha256').update(payload).digest('hex'),
      });
      ctx.insertLater('device_events', { id, idempotency_key: idempotencyKey, device_id: deviceId, kind, payload, ts_device: tsDevice, ts_received: receivedAt, log_index: leaf.index });
      return leaf.index;
    },
  });
}

export interface VerifyResult {
  ok: boolean;
  leaves: number;
  checkpointsVerified: number;
  seconds: number;
  leavesPerS: number;
  problem?: string;
}

/** `safekeep log verify`, as the CLI runs it: the server stopped, the database opened afresh. */
export async function verifyStoredLog(office: BenchOffice): Promise<VerifyResult> {
  const db = await openOfficeDatabase(office.env, silentLogger);
  try {
    const store = new LogStore(db.sequelize);
    const key = await signingKeyFor(office.env, office.office);
    const report = await verifyLog(store, key.verifierKey);
    return {
      ok: report.ok,
      leaves: report.size,
      checkpointsVerified: report.checkpointsVerified,
      seconds: report.seconds,
      leavesPerS: report.size / report.seconds,
      ...(report.problem ? { problem: report.problem } : {}),
    };
  } finally {
    await db.close();
  }
}
