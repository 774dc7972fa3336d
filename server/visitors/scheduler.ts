import { Visit } from '../db/models';
import { WriterHaltedError } from '../ingest/custody-writer';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { withinWindow } from '../workflows/office-time';
import { dueForClosingSignOut } from './decisions';
import { localDateText } from './office-clock';
import type { PurgeReport, VisitorPurger } from './purge';
import type { OfficeHoursInfo, VisitorService } from './visitor-service';

/**
 * The visitor module's clock work: every tick, visitors still signed in past closing time are
 * signed out (with an alert each); once a day, outside office hours, personal data past its
 * retention is purged (the purge compacts the database, which is best done while it is quiet).
 */
export class VisitorScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastPurgeDay: string | null = null;
  private readonly log: Logger;

  constructor(
    private readonly deps: { service: VisitorService; purger: VisitorPurger; clock: Clock; logger: Logger; office: OfficeHoursInfo; tickMs: number },
  ) {
    this.log = deps.logger.child({ component: 'visitors' });
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; overlapping calls wait for the pass under way instead of doubling it. */
  tick(now: Date = this.deps.clock.now()): Promise<void> {
    this.running ??= this.pass(now).finally(() => (this.running = null));
    return this.running;
  }

  private async pass(now: Date): Promise<void> {
    const { office } = this.deps;
    try {
      await this.signOutAtClosing(now);
      const today = localDateText(now, office.timeZone);
      const open = withinWindow(now, office.timeZone, { days: office.days, from: office.open, to: office.close });
      if (!open && this.lastPurgeDay !== today) {
        await this.deps.purger.run(now);
        this.lastPurgeDay = today;
      }
    } catch (err) {
      if (err instanceof WriterHaltedError) this.log.warn({ err: err.message }, 'visitor tick postponed');
      else this.log.error({ err: String(err) }, 'visitor tick failed');
    }
  }

  async signOutAtClosing(now: Date): Promise<number> {
    const onSite = await Visit.findAll({ where: { status: 'on_site' }, attributes: ['id', 'signed_in_at'] });
    const due = dueForClosingSignOut(
      onSite.map((v) => ({ id: v.id, signedInAt: v.signed_in_at ?? now })),
      now,
      { timeZone: this.deps.office.timeZone, close: this.deps.office.close },
    );
    return due.length > 0 ? this.deps.service.signOutAtClosing(due) : 0;
  }

  /** For the API: purge now, whatever the hour. */
  purgeNow(actor: string): Promise<PurgeReport> {
    return this.deps.purger.run(this.deps.clock.now(), actor);
  }
}
