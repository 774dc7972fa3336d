import { timeOrderedId } from '../shared/time-ordered-id';
import { Alert } from '../db/models';
import type { CustodyWriter, WriteContext } from '../ingest/custody-writer';
import type { EventBus } from '../ingest/event-bus';
import type { Logger } from '../shared/logger';

export interface AlertInput {
  type: string;
  severity: 'info' | 'warning' | 'critical';
  /** Shown to managers; must name ids, never people. */
  message: string;
  device?: string;
  record?: string;
}

/**
 * Raises alerts as custody facts: the alert row and its `alert.raised` leaf commit together. An
 * alert that can't be written now (the disk is full) is kept and written as soon as writes resume,
 * while the live feed hears of it at once.
 */
export class AlertRaiser {
  private readonly pending: AlertInput[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly log: Logger;

  constructor(private readonly deps: { bus: EventBus; writer: CustodyWriter; logger: Logger }) {
    this.log = deps.logger.child({ component: 'alerts' });
  }

  start(): void {
    const { bus } = this.deps;
    this.unsubscribe.push(
      bus.on('writer.halted', ({ reason }) => {
        const alert: AlertInput = { type: 'storage.writes_suspended', severity: 'critical', message: `Device reads are not being acknowledged: ${reason}` };
        this.pending.push(alert);
        bus.emit('alert.raised', { id: 'pending', type: alert.type, severity: alert.severity, message: alert.message, logIndex: -1 });
      }),
      bus.on('writer.resumed', () => void this.flush()),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  async raise(input: AlertInput): Promise<string | null> {
    try {
      const outcome = await this.deps.writer.submit({ run: (ctx) => writeAlert(ctx, input) });
      if (!outcome.duplicate) this.deps.bus.emit('alert.raised', outcome.value);
      return outcome.duplicate ? null : outcome.value.id;
    } catch (err) {
      this.log.warn({ type: input.type, err: String(err) }, 'alert kept until writes resume');
      this.pending.push(input);
      return null;
    }
  }

  private async flush(): Promise<void> {
    for (const alert of this.pending.splice(0)) await this.raise(alert);
  }
}

/** The alert row and its `alert.raised` leaf, inside a writer job. Returns what the live feed shows. */
export async function writeAlert(
  ctx: WriteContext,
  input: AlertInput & { evidence?: string[] },
): Promise<{ id: string; type: string; severity: string; message: string; logIndex: number }> {
  const id = timeOrderedId();
  const leaf = await ctx.append({
    type: 'alert.raised',
    alert: id,
    reason: input.type,
    severity: input.severity,
    ...(input.device ? { device: input.device } : {}),
    ...(input.record ? { record: input.record } : {}),
    ...(input.evidence ? { evidence: input.evidence } : {}),
  });
  await Alert.create(
    {
      id,
      type: input.type,
      severity: input.severity,
      status: 'open',
      message: input.message,
      device_id: input.device ?? null,
      record_id: input.record ?? null,
      log_index: leaf.index,
      // The writer's clock, not the library's: escalation and reports must agree with the log.
      created_at: ctx.now,
      updated_at: ctx.now,
    },
    { transaction: ctx.transaction, silent: true },
  );
  return { id, type: input.type, severity: input.severity, message: input.message, logIndex: leaf.index };
}
