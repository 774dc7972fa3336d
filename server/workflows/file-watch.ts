import { Op } from 'sequelize';
import type { OfficeConfig } from '../config/office-schema';
import { FileRecord, Person } from '../db/models';
import type { CustodyWriter } from '../ingest/custody-writer';
import type { EventBus } from '../ingest/event-bus';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { writeAlert } from '../domain/alert-raiser';
import { fileNotices, type OutFile } from './file-watch-rules';

const CLOSE_REPORT_KEY = 'files_out_at_close_reported_at';

/** Reminders, overdue alerts and the closing-time list of files still out, every minute. */
export class FileWatch {
  private timer: NodeJS.Timeout | null = null;
  private readonly log: Logger;

  constructor(private readonly deps: { office: OfficeConfig; writer: CustodyWriter; bus: EventBus; clock: Clock; logger: Logger; intervalMs?: number }) {
    this.log = deps.logger.child({ component: 'file-watch' });
  }

  start(): void {
    this.timer = setInterval(() => void this.check().catch((err) => this.log.warn({ err: String(err) }, 'file check failed')), this.deps.intervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async check(): Promise<number> {
    const { office, writer, bus, clock } = this.deps;
    const records = await FileRecord.findAll({ where: { status: 'out' } });
    const custodians = new Map((await Person.findAll({ where: { id: { [Op.in]: records.map((r) => r.custodian_person_id).filter((x): x is string => !!x) } } })).map((p) => [p.id, p.pseudonym]));
    const out: OutFile[] = records.map((r) => ({
      id: r.id,
      barcode: r.barcode,
      custodianActor: r.custodian_person_id ? (custodians.get(r.custodian_person_id) ?? null) : null,
      dueAt: r.due_at ?? null,
      remindedAt: r.reminded_at ?? null,
      overdueNotifiedAt: r.overdue_notified_at ?? null,
    }));
    const [state] = (await FileRecord.sequelize!.query(`SELECT value FROM office_state WHERE key = '${CLOSE_REPORT_KEY}'`))[0] as { value: string }[];
    const notices = fileNotices({
      out,
      now: clock.now(),
      office: { timeZone: office.office.timezone, close: office.office.hours.close, days: office.office.hours.days },
      lastCloseReportAt: state ? new Date(state.value) : null,
    });
    if (notices.length === 0) return 0;
    const outcome = await writer.submit({
      run: async (ctx) => {
        const alerts = [];
        for (const notice of notices) {
          if (notice.kind === 'reminder') {
            await ctx.append({ type: 'record.due_soon', record: notice.file.id, ...(notice.file.custodianActor ? { actor: notice.file.custodianActor } : {}) });
            await FileRecord.update({ reminded_at: ctx.now }, { where: { id: notice.file.id }, transaction: ctx.transaction });
          } else if (notice.kind === 'overdue') {
            await ctx.append({ type: 'record.overdue', record: notice.file.id, ...(notice.file.custodianActor ? { actor: notice.file.custodianActor } : {}) });
            await FileRecord.update({ overdue_notified_at: ctx.now }, { where: { id: notice.file.id }, transaction: ctx.transaction });
            alerts.push(await writeAlert(ctx, { type: 'record.overdue', severity: 'warning', message: `File ${notice.file.barcode} is overdue`, record: notice.file.id }));
          } else {
            await ctx.append({ type: 'office.files_out_at_close', count: notice.files.length });
            alerts.push(await writeAlert(ctx, { type: 'office.files_out_at_close', severity: 'info', message: `${notice.files.length} files are still out at closing time` }));
            const replacements = { key: CLOSE_REPORT_KEY, value: ctx.now.toISOString() };
            await FileRecord.sequelize!.query('DELETE FROM office_state WHERE key = :key', { replacements, transaction: ctx.transaction });
            await FileRecord.sequelize!.query('INSERT INTO office_state (key, value) VALUES (:key, :value)', { replacements, transaction: ctx.transaction });
          }
        }
        return alerts;
      },
    });
    if (!outcome.duplicate) for (const alert of outcome.value) bus.emit('alert.raised', alert);
    return notices.length;
  }
}
