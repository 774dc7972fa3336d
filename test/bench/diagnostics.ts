import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeSafekeep } from '../../devices/decoders/firmware/safekeep';
import type { DeviceEvent } from '../../server/ingest/device-event';
import type { IngestOutcome } from '../../server/ingest/event-bus';
import type { Services } from '../../server/services';
import { boardId, ReadSource } from './load/reads';
import { distribution } from './stats';
import { submitRead } from './verify-bench';
import type { Distribution } from './load/protocol';

/**
 * Figures that split the pipeline, so a missed target can be placed: the same reads with MQTT
 * and the device layer taken out, and the writer's cost of one commit on its own.
 */

export interface IngestDirectResult {
  events: number;
  seconds: number;
  eventsPerS: number;
  stored: number;
  /** Refused or duplicate: should be 0. */
  notStored: number;
  serverElu: number;
}

/**
 * The bench's reads, decoded by the real Safekeep decoder and routed as MqttTransport routes them,
 * emitted straight onto the bus as 'device.event': DeviceIngest, the correlator, the writer and
 * the socket emit all run as in the pipeline; the broker, both MQTT clients, the device registry
 * and the acks do not. Events are built before the clock starts; at most `window` are unsettled.
 * Reads continue each board's visit cycle from read `fromRead` on, so no visit is left half done.
 */
export async function ingestDirect(services: Services, opts: { boards: number; fromRead: number; events: number; window: number; maxSeconds: number }): Promise<IngestDirectResult> {
  const reads = new ReadSource(`direct${randomBytes(3).toString('hex')}`, opts.boards, Date.now() - 600_000);
  const events: DeviceEvent[] = [];
  for (let g = opts.fromRead; g < opts.fromRead + opts.events; g++) {
    const board = reads.boardOf(g);
    const { topic, payload } = reads.message(g);
    const decoded = decodeSafekeep(topic, Buffer.from(payload), { deviceId: boardId(board) });
    if (!decoded.ok || decoded.reads.length !== 1) throw new Error(`bench: read ${g} did not decode`);
    const { dedupeHint, ...fields } = decoded.reads[0]!;
    const deviceId = `${boardId(board)}-${fields.kind === 'badge' ? 'reader' : fields.kind}`;
    events.push({ ...fields, deviceId, idempotencyKey: `${deviceId}:${dedupeHint}` } as DeviceEvent);
  }
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  const deadline = started + opts.maxSeconds * 1000;
  let emitted = 0;
  let settled = 0;
  let stored = 0;
  let last = started;
  await new Promise<void>((resolve) => {
    let scheduled = false;
    const settle = (outcome: IngestOutcome) => {
      settled++;
      if (outcome.status === 'stored') stored++;
      last = performance.now();
      if (settled === emitted && (emitted === events.length || last > deadline)) resolve();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(fill);
      }
    };
    const fill = () => {
      scheduled = false;
      while (emitted < events.length && emitted - settled < opts.window && performance.now() < deadline) {
        services.bus.emit('device.event', { event: events[emitted++]!, receivedAt: new Date(), settle });
      }
    };
    fill();
  });
  const seconds = (last - started) / 1000;
  return { events: emitted, seconds, eventsPerS: emitted / seconds, stored, notStored: settled - stored, serverElu: performance.eventLoopUtilization(elu).utilization };
}

/** One raw device read per commit, one after the other, on an otherwise idle writer: the fixed cost of a commit. */
export async function commitLatency(services: Services, commits: number): Promise<Distribution> {
  const boot = `single${randomBytes(3).toString('hex')}`;
  const times = new Float64Array(commits);
  for (let i = 0; i < commits; i++) {
    const t0 = performance.now();
    await submitRead(services, boot, i);
    times[i] = performance.now() - t0;
  }
  return distribution(times);
}

export interface StatementCost {
  /** One awaited SELECT through sequelize inside a writer transaction, as the workflows issue them. */
  sequelizeUs: number;
  sequelizeCpuUs: number;
  /** The same statement on the same transaction's raw node-sqlite3 connection. */
  rawUs: number;
  rawCpuUs: number;
}

const OPEN_VISIT = `SELECT v.id, v.person_id, p.pseudonym, v.started_at, v.last_activity_at FROM cabinet_visits v
  JOIN people p ON p.id = v.person_id WHERE v.cabinet_id = :cabinetId AND v.ended_at IS NULL ORDER BY v.started_at DESC LIMIT 1`;

/**
 * What one in-transaction lookup costs (the correlator's openVisit), through sequelize and on the
 * raw connection underneath, run inside one writer job on an otherwise idle server. CPU is the
 * whole process's, so the SQLite thread's share is included.
 */
export async function statementCost(services: Services, count: number): Promise<StatementCost> {
  const { sequelize } = services.db;
  const measure = async (one: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 50; i++) await one(i);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await one(i);
    const wall = ((performance.now() - t0) * 1000) / count;
    const used = process.cpuUsage(cpu);
    return [wall, (used.user + used.system) / count] as const;
  };
  const outcome = await services.writer.submit({
    run: async (ctx) => {
      const conn = (ctx.transaction as unknown as { connection: { all(sql: string, params: unknown[], cb: (err: Error | null) => void): void } }).connection;
      const viaSequelize = await measure((i) => sequelize.query(OPEN_VISIT, { type: 'SELECT', replacements: { cabinetId: boardId(i % 10) }, transaction: ctx.transaction }));
      const rawSql = OPEN_VISIT.replace(':cabinetId', '?');
      const raw = await measure((i) => new Promise<void>((resolve, reject) => conn.all(rawSql, [boardId(i % 10)], (err) => (err ? reject(err) : resolve()))));
      return { sequelizeUs: viaSequelize[0], sequelizeCpuUs: viaSequelize[1], rawUs: raw[0], rawCpuUs: raw[1] };
    },
  });
  if (outcome.duplicate) throw new Error('bench: statement cost job answered as duplicate');
  return outcome.value;
}
