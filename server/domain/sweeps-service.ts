import { Op, QueryTypes, type Transaction } from 'sequelize';
import { timeOrderedId } from '../shared/time-ordered-id';
import { Cabinet, FileRecord } from '../db/models';
import type { CustodyWriter } from '../ingest/custody-writer';
import { compareSweep, type SweepRecord, type SweepResult } from '../workflows/sweep';
import { writeAlert } from './alert-raiser';
import { DomainError } from './records-service';

const asSweepRecord = (r: FileRecord): SweepRecord => ({ id: r.id, barcode: r.barcode, status: r.status, location: r.location_id, homeCabinetId: r.home_cabinet_id });

/** An audit sweep of one cabinet: start, scan everything, finish with the comparison and, if asked, corrections. */
export async function startSweep(writer: CustodyWriter, input: { cabinetId: string; actor: string }): Promise<string> {
  const id = timeOrderedId();
  await writer.submit({
    run: async (ctx) => {
      if (!(await Cabinet.findByPk(input.cabinetId, { transaction: ctx.transaction }))) throw new DomainError('cabinet', `unknown cabinet "${input.cabinetId}"`);
      await FileRecord.sequelize!.query('INSERT INTO sweeps (id, cabinet_id, started_by, started_at) VALUES (:id, :cabinet, :actor, :now)', {
        replacements: { id, cabinet: input.cabinetId, actor: input.actor, now: ctx.now.toISOString() },
        transaction: ctx.transaction,
      });
      await ctx.append({ type: 'sweep.started', sweep: id, location: input.cabinetId, actor: input.actor });
    },
  });
  return id;
}

export async function recordSweepScans(writer: CustodyWriter, sweepId: string, barcodes: string[]): Promise<number> {
  const outcome = await writer.submit({
    run: async (ctx) => {
      const sweep = await openSweep(sweepId, ctx.transaction);
      const sequelize = FileRecord.sequelize!;
      let added = 0;
      for (const barcode of new Set(barcodes)) {
        const [existing] = await sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM sweep_scans WHERE sweep_id = :s AND barcode = :b', {
          type: QueryTypes.SELECT,
          replacements: { s: sweep.id, b: barcode },
          transaction: ctx.transaction,
        });
        if (Number(existing?.n ?? 0) > 0) continue;
        await sequelize.query('INSERT INTO sweep_scans (sweep_id, barcode, scanned_at) VALUES (:s, :b, :now)', {
          replacements: { s: sweep.id, b: barcode, now: ctx.now.toISOString() },
          transaction: ctx.transaction,
        });
        added++;
      }
      return added;
    },
  });
  return outcome.duplicate ? 0 : outcome.value;
}

/**
 * Compares what was scanned with the records. With `correct`, files found here are recorded here
 * (a correction entry each) and files not found are recorded missing, with an alert.
 */
export async function finishSweep(writer: CustodyWriter, input: { sweepId: string; actor: string; correct: boolean }): Promise<SweepResult> {
  const outcome = await writer.submit({
    run: async (ctx) => {
      const sweep = await openSweep(input.sweepId, ctx.transaction);
      const scanned = (
        await FileRecord.sequelize!.query<{ barcode: string }>('SELECT barcode FROM sweep_scans WHERE sweep_id = :s', {
          type: QueryTypes.SELECT,
          replacements: { s: sweep.id },
          transaction: ctx.transaction,
        })
      ).map((r) => r.barcode);
      const here = await FileRecord.findAll({ where: { location_id: sweep.cabinet_id, status: 'in' }, transaction: ctx.transaction });
      const found = new Map((await FileRecord.findAll({ where: { barcode: { [Op.in]: scanned } }, transaction: ctx.transaction })).map((r) => [r.barcode, asSweepRecord(r)]));
      const result = compareSweep({ cabinetId: sweep.cabinet_id, recordedHere: here.map(asSweepRecord), scanned, resolve: (b) => found.get(b) });
      const location = sweep.cabinet_id;
      await ctx.append({
        type: 'sweep.finished',
        sweep: sweep.id,
        location,
        actor: input.actor,
        missing: result.missing.length,
        unexpected: result.unexpected.length,
        misplaced: result.misplaced.length,
        unknown: result.unknown.length,
        confirmed: result.confirmed.length,
      });
      if (input.correct) {
        for (const r of result.unexpected) {
          await ctx.append({ type: 'record.location_corrected', record: r.id, location, actor: input.actor, reason: 'sweep', sweep: sweep.id });
          await FileRecord.update({ status: 'in', location_id: location, custodian_person_id: null, due_at: null }, { where: { id: r.id }, transaction: ctx.transaction });
        }
        for (const r of result.missing) {
          await ctx.append({ type: 'record.missing', record: r.id, location, actor: input.actor, reason: 'sweep', sweep: sweep.id });
          await FileRecord.update({ status: 'missing', location_id: null }, { where: { id: r.id }, transaction: ctx.transaction });
          await writeAlert(ctx, { type: 'record.missing', severity: 'warning', message: `File ${r.barcode} was not found in cabinet ${location}`, record: r.id });
        }
      }
      await FileRecord.sequelize!.query('UPDATE sweeps SET finished_at = :now WHERE id = :id', { replacements: { id: sweep.id, now: ctx.now.toISOString() }, transaction: ctx.transaction });
      return result;
    },
  });
  if (outcome.duplicate) throw new Error('internal: sweep has no idempotency key');
  return outcome.value;
}

async function openSweep(id: string, transaction: Transaction): Promise<{ id: string; cabinet_id: string }> {
  const [sweep] = await FileRecord.sequelize!.query<{ id: string; cabinet_id: string; finished_at: string | null }>(
    'SELECT id, cabinet_id, finished_at FROM sweeps WHERE id = :id',
    { type: QueryTypes.SELECT, replacements: { id }, transaction },
  );
  if (!sweep) throw new DomainError('id', `no sweep ${id}`, 404);
  if (sweep.finished_at) throw new DomainError('id', `sweep ${id} is finished`, 409);
  return sweep;
}
