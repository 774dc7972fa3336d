import { Op } from 'sequelize';
import { Alert } from '../db/models';
import type { CustodyWriter } from '../ingest/custody-writer';
import type { EventBus } from '../ingest/event-bus';
import { alertsToEscalate } from '../workflows/alert-escalation';
import { DomainError } from './records-service';

/** Acknowledging is a custody fact too: who looked at the alert, when, and the note's hash. */
export async function acknowledgeAlert(writer: CustodyWriter, input: { id: string; actor: string; note: string }): Promise<Alert> {
  const outcome = await writer.submit({
    run: async (ctx) => {
      const alert = await Alert.findByPk(input.id, { transaction: ctx.transaction });
      if (!alert) throw new DomainError('id', `no alert ${input.id}`, 404);
      if (alert.status !== 'open') throw new DomainError('id', `alert ${input.id} is already ${alert.status}`, 409);
      // The note is free text and may name people: it stays in the database, the leaf gets none of it.
      await ctx.append({ type: 'alert.acknowledged', alert: alert.id, actor: input.actor, ...(alert.record_id ? { record: alert.record_id } : {}) });
      await alert.update(
        { status: 'acknowledged', acknowledged_at: ctx.now, acknowledged_by: input.actor, acknowledgement_note: input.note },
        { transaction: ctx.transaction },
      );
      return alert;
    },
  });
  if (outcome.duplicate) throw new Error('internal: acknowledgement has no idempotency key');
  return outcome.value;
}

/** Escalates open alerts nobody acknowledged in time; run periodically. */
export class AlertEscalator {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { writer: CustodyWriter; bus: EventBus; clock: { now(): Date }; intervalMs?: number }) {}

  start(): void {
    this.timer = setInterval(() => void this.escalateDue().catch(() => undefined), this.deps.intervalMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async escalateDue(): Promise<number> {
    const open = await Alert.findAll({ where: { status: 'open', severity: { [Op.in]: ['critical', 'warning'] } } });
    const due = alertsToEscalate(
      open.map((a) => ({ id: a.id, severity: a.severity, raisedAt: a.created_at, escalationLevel: a.escalation_level })),
      this.deps.clock.now(),
    );
    if (due.length === 0) return 0;
    const outcome = await this.deps.writer.submit({
      run: async (ctx) => {
        const escalated: { id: string; type: string; severity: string; message: string; logIndex: number }[] = [];
        for (const { id, level } of due) {
          const alert = await Alert.findByPk(id, { transaction: ctx.transaction });
          if (!alert || alert.status !== 'open') continue;
          const leaf = await ctx.append({ type: 'alert.escalated', alert: id, level, ...(alert.record_id ? { record: alert.record_id } : {}) });
          await alert.update({ escalation_level: level, escalated_at: ctx.now }, { transaction: ctx.transaction });
          escalated.push({ id, type: alert.type, severity: alert.severity, message: `Escalated (level ${level}): ${alert.message}`, logIndex: leaf.index });
        }
        return escalated;
      },
    });
    const escalated = outcome.duplicate ? [] : outcome.value;
    for (const alert of escalated) this.deps.bus.emit('alert.raised', alert);
    return escalated.length;
  }
}
