import { QueryTypes } from 'sequelize';
import { timeOrderedId } from '../shared/time-ordered-id';
import { FileRecord } from '../db/models';
import type { WriteContext } from '../ingest/custody-writer';
import type { EventBus } from '../ingest/event-bus';
import { writeAlert } from '../domain/alert-raiser';
import type { AfterCommit } from '../workflows/correlator';
import type { Outcome } from '../workflows/outcomes';
import { isShared, type DisposalOutcome } from './outcomes';

type Own = Exclude<DisposalOutcome, Outcome>;

/** The models' connection is the writer's: its transaction belongs to it (as in the correlator). */
const sequelizeOf = (_ctx: WriteContext) => FileRecord.sequelize!;

/** The writes only disposal knows, inside the writer job. */
export async function applyDisposalWrite(ctx: WriteContext, o: Own): Promise<void> {
  const { transaction } = ctx;
  const sequelize = sequelizeOf(ctx);
  const run = (sql: string, replacements: Record<string, unknown>) => sequelize.query(sql, { replacements, transaction });
  switch (o.kind) {
    case 'hold.flag':
      await run('UPDATE records SET legal_hold = :held, updated_at = :now WHERE id = :id', { held: o.held, id: o.recordId, now: ctx.now });
      break;
    case 'deposit':
      await run('INSERT INTO disposal_deposits (id, record_id, bin_id, person_id, deposited_at) VALUES (:id, :record, :bin, :person, :now)', {
        id: timeOrderedId(),
        record: o.recordId,
        bin: o.binId,
        person: o.personId,
        now: ctx.now,
      });
      break;
    case 'batch.create':
      await run(
        `INSERT INTO disposal_batches (id, bin_id, started_at, started_by, started_via, seal_number, created_at, updated_at)
         VALUES (:id, :bin, :now, :by, :via, :seal, :now, :now)`,
        { id: o.batchId, bin: o.binId, now: ctx.now, by: o.startedBy, via: o.via, seal: o.sealNumber },
      );
      await run('UPDATE disposal_deposits SET batch_id = :batch WHERE bin_id = :bin AND batch_id IS NULL AND retrieved_at IS NULL AND record_id IN (:ids)', {
        batch: o.batchId,
        bin: o.binId,
        ids: o.recordIds,
      });
      break;
    case 'deposit.certified':
      await run('UPDATE disposal_deposits SET certificate_id = :certificate, certified_at = :now WHERE batch_id = :batch AND record_id = :record AND retrieved_at IS NULL', {
        certificate: o.certificateId,
        now: ctx.now,
        batch: o.batchId,
        record: o.recordId,
      });
      break;
    case 'deposit.retrieved':
      await run('UPDATE disposal_deposits SET retrieved_at = :now, retrieved_by = :person WHERE record_id = :record AND retrieved_at IS NULL AND certificate_id IS NULL', {
        now: ctx.now,
        person: o.personId,
        record: o.recordId,
      });
      break;
  }
}

/**
 * Applies outcomes of a decision taken for an API call: facts without device evidence, record
 * moves, disposal writes; alerts and commands are returned for after the commit.
 */
export async function applyOutcomes(ctx: WriteContext, outcomes: readonly DisposalOutcome[]): Promise<Pick<AfterCommit, 'alerts' | 'commands'>> {
  const after: Pick<AfterCommit, 'alerts' | 'commands'> = { alerts: [], commands: [] };
  const sequelize = sequelizeOf(ctx);
  for (const o of outcomes) {
    if (!isShared(o)) {
      await applyDisposalWrite(ctx, o);
      continue;
    }
    switch (o.kind) {
      case 'fact':
        await ctx.append(o.leaf);
        break;
      case 'record':
        await sequelize.query('UPDATE records SET status = :status, custodian_person_id = :custodian, location_id = :location, updated_at = :now WHERE id = :id', {
          replacements: { status: o.status, custodian: o.custodianId, location: o.location, now: ctx.now, id: o.recordId },
          transaction: ctx.transaction,
        });
        break;
      case 'alert':
        after.alerts.push(await writeAlert(ctx, o));
        break;
      case 'command':
        after.commands.push({ deviceId: o.deviceId, command: o.command });
        break;
      default:
        // Answers are for people at a station; visits belong to cabinets.
        break;
    }
  }
  return after;
}

/** Once committed: the live feed hears of alerts, devices of commands. */
export function announce(bus: EventBus, after: Pick<AfterCommit, 'alerts' | 'commands'>): void {
  for (const alert of after.alerts) bus.emit('alert.raised', alert);
  for (const command of after.commands) bus.emit('device.command', command);
}

/**
 * For files just created or imported: each one an active matter- or client-wide hold already
 * covers is flagged, and its chain gets a `hold.placed` entry naming that hold. Call it in the
 * creating job, after the files' first entries (records-service's insertRecords). Decisions never
 * depend on it (they read the hold rows too); it keeps the flag and each file's chain complete.
 */
export async function applyActiveHolds(ctx: WriteContext, recordIds: readonly string[]): Promise<void> {
  if (recordIds.length === 0) return;
  const sequelize = sequelizeOf(ctx);
  const rows = await sequelize.query<{ record_id: string; hold_id: string; scope: string }>(
    `SELECT r.id AS record_id, h.id AS hold_id, h.scope FROM records r JOIN legal_holds h ON h.released_at IS NULL AND (
       (h.scope = 'record' AND h.record_id = r.id) OR
       (h.scope = 'matter' AND h.client = r.client AND h.matter = r.matter) OR
       (h.scope = 'client' AND h.client = r.client))
     WHERE r.id IN (:ids) ORDER BY r.id, h.placed_at`,
    { type: QueryTypes.SELECT, replacements: { ids: [...recordIds] }, transaction: ctx.transaction },
  );
  const flagged = new Set<string>();
  for (const row of rows) {
    await ctx.append({ type: 'hold.placed', actor: 'system', record: row.record_id, hold: row.hold_id, scope: row.scope, reason: 'added_to_held_scope' });
    if (!flagged.has(row.record_id)) await applyDisposalWrite(ctx, { kind: 'hold.flag', recordId: row.record_id, held: true });
    flagged.add(row.record_id);
  }
}
