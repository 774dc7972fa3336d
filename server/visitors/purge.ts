import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { NdaAcceptance, Visit, Visitor, VisitorKey } from '../db/models';
import type { Dialect } from '../db/connect';
import type { CustodyWriter } from '../ingest/custody-writer';
import type { Logger } from '../shared/logger';
import { decidePurge, type PurgeDecision, type PurgeFacts } from './decisions';
import { secureDeletes } from './vault';

export interface PurgeReport {
  /** Pseudonyms of the visitors whose personal data was erased. */
  purged: string[];
  /** Visitors kept because a visit of theirs is under legal hold. */
  held: number;
  /** Whether the database was compacted afterwards (VACUUM and WAL truncation on SQLite). */
  compacted: boolean;
}

const VISITOR_TABLES = ['visitors', 'visitor_keys', 'visits', 'nda_acceptances', 'watch_list'];

/**
 * Erases the personal data of visitors whose last visit ended more than the retention period ago
 * (issue 3, point 10). For each: the wrapped key, the sealed personal data, visit details, token
 * hashes and NDA commitment openings are deleted in one job with a `visitor.purged` leaf naming
 * only the pseudonym. What stays is pseudonymous: visit times, company, host, NDA version and the
 * commitment, which proves nothing without its salt. The log is untouched, so it still verifies.
 *
 * Making the bytes really go away on SQLite takes three things:
 * 1. `secure_delete` on the purge transaction, so deleted cells and freed pages are overwritten
 *    with zeros instead of lingering in free space (and in the WAL frames that carry those pages);
 * 2. VACUUM, which rebuilds the file and drops stale copies left by earlier, non-secure rewrites
 *    of the same rows (say, a visitors row updated before secure_delete was in force);
 * 3. `wal_checkpoint(TRUNCATE)`, which copies the clean pages home and empties the WAL file,
 *    where older frames still held the data.
 * On PostgreSQL, `VACUUM FULL` rewrites the visitor tables; the server's WAL segments and any base
 * backup still hold old data until they are recycled or expire (see the report). Neither database
 * can erase what the file system or an SSD keeps of blocks it has freed: full-disk encryption is
 * the answer there.
 */
export class VisitorPurger {
  private readonly log: Logger;

  constructor(
    private readonly deps: { sequelize: Sequelize; dialect: Dialect; writer: CustodyWriter; logger: Logger; retentionDays: number },
  ) {
    this.log = deps.logger.child({ component: 'visitor-purge' });
  }

  private async factsOf(visitors: readonly Visitor[], transaction?: Transaction): Promise<Map<string, PurgeFacts>> {
    const ids = visitors.map((v) => v.id);
    const visits = ids.length > 0 ? await Visit.findAll({ where: { visitor_id: ids }, ...(transaction ? { transaction } : {}) }) : [];
    const byVisitor = new Map<string, Visit[]>();
    for (const v of visits) byVisitor.set(v.visitor_id, [...(byVisitor.get(v.visitor_id) ?? []), v]);
    return new Map(
      visitors.map((v) => [
        v.id,
        {
          purged: v.purged_at !== null,
          kind: v.kind,
          createdAt: v.created_at,
          agreementExpiresAt: v.agreement_expires_at ?? null,
          visits: (byVisitor.get(v.id) ?? []).map((x) => ({
            status: x.status,
            signedOutAt: x.signed_out_at ?? null,
            tokenExpiresAt: x.token_expires_at ?? null,
            updatedAt: x.updated_at,
            hold: Boolean(x.hold),
          })),
        },
      ]),
    );
  }

  /** What a purge run at `now` would do with each visitor not yet purged. */
  async plan(now: Date): Promise<{ visitor: Visitor; decision: PurgeDecision }[]> {
    const visitors = await Visitor.findAll({ where: { purged_at: null } });
    const facts = await this.factsOf(visitors);
    return visitors.map((visitor) => ({ visitor, decision: decidePurge(facts.get(visitor.id)!, now, this.deps.retentionDays) }));
  }

  async run(now: Date, actor = 'system'): Promise<PurgeReport> {
    const plan = await this.plan(now);
    const purged: string[] = [];
    for (const { visitor, decision } of plan) {
      if (!decision.purge) continue;
      if (await this.purgeOne(visitor.id, now, actor)) purged.push(visitor.pseudonym);
    }
    const held = plan.filter((p) => !p.decision.purge && p.decision.reason === 'hold').length;
    const compacted = purged.length > 0 ? await this.compact() : false;
    if (purged.length > 0) this.log.info({ purged: purged.length, held, compacted }, 'visitor personal data purged');
    return { purged, held, compacted };
  }

  /** One visitor, one job; the decision is taken again inside it, on the state it will change. */
  private async purgeOne(visitorId: string, now: Date, actor: string): Promise<boolean> {
    const outcome = await this.deps.writer.submit({
      run: async (ctx) => {
        const { transaction } = ctx;
        await secureDeletes(this.deps.sequelize, transaction);
        const visitor = await Visitor.findByPk(visitorId, { transaction });
        if (!visitor) return false;
        const facts = (await this.factsOf([visitor], transaction)).get(visitorId)!;
        if (!decidePurge(facts, now, this.deps.retentionDays).purge) return false;
        await VisitorKey.destroy({ where: { visitor_id: visitorId }, transaction });
        await NdaAcceptance.update({ opening: null }, { where: { visitor_id: visitorId }, transaction });
        await Visit.update(
          { details: null, token_hash: null, badge_token_hash: null, purged_at: ctx.now, updated_at: ctx.now },
          { where: { visitor_id: visitorId }, transaction, silent: true },
        );
        await visitor.update({ personal_data: null, purged_at: ctx.now, updated_at: ctx.now }, { transaction, silent: true });
        await ctx.append({ type: 'visitor.purged', actor, subject: visitor.pseudonym });
        return true;
      },
    });
    return !outcome.duplicate && outcome.value;
  }

  /** Rewrites the database so no stale copy of erased bytes survives in it; false if it could not. */
  async compact(): Promise<boolean> {
    const { sequelize } = this.deps;
    try {
      if (this.deps.dialect === 'postgres') {
        await sequelize.query(`VACUUM (FULL) ${VISITOR_TABLES.join(', ')}`);
        return true;
      }
      await sequelize.query('VACUUM');
      for (let attempt = 0; attempt < 20; attempt++) {
        const [row] = await sequelize.query<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)', { type: QueryTypes.SELECT });
        if (row && Number(row.busy) === 0) return true;
        // A reader holds an old snapshot: give it a moment to finish.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      this.log.warn('WAL checkpoint stayed busy: erased data may remain in the WAL file until the next checkpoint');
      return false;
    } catch (err) {
      this.log.warn({ err: String(err) }, 'compaction after purge failed: it runs again after the next purge');
      return false;
    }
  }
}
