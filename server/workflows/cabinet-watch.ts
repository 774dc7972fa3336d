import { QueryTypes } from 'sequelize';
import type { OfficeConfig } from '../config/office-schema';
import type { CustodyWriter } from '../ingest/custody-writer';
import type { EventBus } from '../ingest/event-bus';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { writeAlert } from '../domain/alert-raiser';
import { FileRecord } from '../db/models';
import { decideCabinetTick } from './cabinet-visit';
import type { Correlator } from './correlator';

const DEFAULT_HOLD_OPEN_SECONDS = 120;

/**
 * The part of a cabinet visit that no device reports: time passing. Every few seconds each cabinet
 * is checked for a door held open too long and a visit left idle.
 */
export class CabinetWatch {
  private timer: NodeJS.Timeout | null = null;
  /** Doors already reported as held open, until they close. */
  private readonly reported = new Map<string, Date>();
  private readonly log: Logger;

  constructor(
    private readonly deps: { office: OfficeConfig; writer: CustodyWriter; bus: EventBus; correlator: Correlator; clock: Clock; logger: Logger; intervalMs?: number },
  ) {
    this.log = deps.logger.child({ component: 'cabinet-watch' });
  }

  start(): void {
    this.timer = setInterval(() => void this.tick().catch((err) => this.log.warn({ err: String(err) }, 'cabinet check failed')), this.deps.intervalMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async tick(): Promise<void> {
    const { office, writer, correlator, bus } = this.deps;
    const doors = correlator.openDoors();
    for (const cabinetId of [...this.reported.keys()]) if (doors.get(cabinetId) !== this.reported.get(cabinetId)) this.reported.delete(cabinetId);
    // Nothing open anywhere (the usual case): no need to hold the writer for a check.
    const [anyOpen] = await FileRecord.sequelize!.query<{ n: number }>('SELECT COUNT(*) AS n FROM cabinet_visits WHERE ended_at IS NULL', { type: QueryTypes.SELECT });
    if (doors.size === 0 && Number(anyOpen?.n ?? 0) === 0) return;
    const outcome = await writer.submit({
      run: async (ctx) => {
        const openVisits = await correlator.visits.all(ctx.transaction);
        const alerts = [];
        const commands: { deviceId: string; command: 'unlock' | 'lock' }[] = [];
        for (const cabinet of office.cabinets) {
          const visit = openVisits.get(cabinet.id) ?? null;
          const doorOpenSince = doors.get(cabinet.id) ?? null;
          if (!visit && !doorOpenSince) continue;
          const outcomes = decideCabinetTick({
            cabinet: { id: cabinet.id, ...(cabinet.lock ? { lockDevice: cabinet.lock } : {}) },
            visit,
            doorOpenSince,
            holdOpenSeconds: cabinet.hold_open_seconds ?? DEFAULT_HOLD_OPEN_SECONDS,
            alreadyReportedHeldOpen: this.reported.has(cabinet.id),
            now: ctx.now,
          });
          for (const o of outcomes) {
            if (o.kind === 'fact') await ctx.append(o.leaf);
            else if (o.kind === 'alert') {
              alerts.push(await writeAlert(ctx, o));
              if (doorOpenSince) this.reported.set(cabinet.id, doorOpenSince);
            } else if (o.kind === 'visit.end') {
              ctx.updateLater('cabinet_visits', o.visitId, { ended_at: ctx.now, end_reason: o.reason });
              await ctx.append({ type: 'cabinet.visit_ended', location: cabinet.id, actor: visit!.actor, reason: o.reason });
              correlator.visits.set(ctx.transaction, cabinet.id, null);
            } else if (o.kind === 'command') commands.push({ deviceId: o.deviceId, command: o.command });
          }
        }
        return { alerts, commands, transaction: ctx.transaction };
      },
    });
    if (outcome.duplicate) return;
    correlator.visits.committedIn(outcome.value.transaction);
    for (const alert of outcome.value.alerts) bus.emit('alert.raised', alert);
    for (const command of outcome.value.commands) bus.emit('device.command', command);
  }
}
