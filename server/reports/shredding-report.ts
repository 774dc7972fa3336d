import { Op, QueryTypes } from 'sequelize';
import { z } from 'zod';
import { DestructionCertificate, DisposalBatch } from '../db/models';
import { wallsOf } from '../domain/ethical-walls';
import { asDate } from '../disposal/disposal-snapshot';
import type { Services } from '../services';
import { boundsOf, checkedPeriod, periodFields } from './period';
import { when, type BuiltReport } from './report';
import { fileList, namesById } from './report-people';

export const shreddingQuery = checkedPeriod(
  z.strictObject({
    ...periodFields,
    bin: z.string().trim().min(1).max(64).optional(),
  }),
);

interface BatchFile {
  batch_id: string;
  certificate_id: string | null;
  barcode: string;
  client: string;
  matter: string;
}

/**
 * Pickups from the shred bins in a period (by pickup time) with their certificates of destruction:
 * one row per certificate, or one flagged row for a pickup nobody has certified yet. Files taken
 * back out of the bin before destruction are not counted as collected.
 */
export async function shreddingReport(s: Services, q: z.infer<typeof shreddingQuery>, viewer: { personId: string | null }): Promise<BuiltReport> {
  const period = boundsOf(q);
  const startedAt = { ...(period.from ? { [Op.gte]: period.from } : {}), ...(period.until ? { [Op.lt]: period.until } : {}) };
  const batches = await DisposalBatch.findAll({
    where: { ...(period.from || period.until ? { started_at: startedAt } : {}), ...(q.bin ? { bin_id: q.bin } : {}) },
    order: [['started_at', 'ASC']],
  });
  const ids = batches.map((b) => b.id);
  const files =
    ids.length === 0
      ? []
      : await s.db.sequelize.query<BatchFile>(
          `SELECT d.batch_id, d.certificate_id, r.barcode, r.client, r.matter FROM disposal_deposits d JOIN records r ON r.id = d.record_id
           WHERE d.batch_id IN (:ids) AND d.retrieved_at IS NULL`,
          { type: QueryTypes.SELECT, replacements: { ids } },
        );
  const certificates = ids.length === 0 ? [] : await DestructionCertificate.findAll({ where: { batch_id: { [Op.in]: ids } }, order: [['recorded_at', 'ASC']] });
  const names = await namesById(batches.map((b) => b.started_by));
  const walls = await wallsOf(s.db.sequelize, viewer.personId);

  const rows: BuiltReport['rows'] = [];
  let uncertifiedPickups = 0;
  let destroyed = 0;
  for (const batch of batches) {
    const collected = files.filter((f) => f.batch_id === batch.id);
    const missing = collected.filter((f) => f.certificate_id === null).length;
    const own = certificates.filter((c) => c.batch_id === batch.id);
    const status = own.length === 0 ? 'NO CERTIFICATE' : missing > 0 ? `${missing} file(s) not certified` : 'certified';
    if (own.length === 0) uncertifiedPickups++;
    const pickup = {
      pickup: when(asDate(batch.started_at)),
      bin: batch.bin_id,
      collected_by: `${batch.started_by ? (names.get(batch.started_by) ?? batch.started_by) : 'unknown'} (${batch.started_via === 'badge' ? 'vendor badge' : 'entered by hand'})`,
      seal: batch.seal_number ?? '',
      collected: fileList(collected, walls),
    };
    const none = { certificate: '', destroyed_on: '', place: '', method: '', operator: '', sha256: '', destroyed: '0' };
    if (own.length === 0) rows.push({ ...pickup, ...none, status });
    for (const c of own) {
      const certified = collected.filter((f) => f.certificate_id === c.id);
      destroyed += certified.length;
      rows.push({
        ...pickup,
        certificate: c.serial_number,
        destroyed_on: c.destroyed_on,
        place: c.place,
        method: c.method,
        // Erasable personal data of the vendor's operator: shown to the manager, never logged.
        operator: c.operator_name ?? '(erased)',
        sha256: c.file_sha256,
        destroyed: fileList(certified, walls),
        status,
      });
    }
  }
  return {
    title: `Shredding and certificates of destruction${q.bin ? `: ${q.bin}` : ''}`,
    subtitle: [
      `${period.text}, by pickup time`,
      `${batches.length} pickup(s), ${certificates.length} certificate(s), ${destroyed} file(s) certified destroyed, ${uncertifiedPickups} pickup(s) without a certificate`,
      `Made ${when(s.clock.now())}`,
    ],
    columns: [
      { key: 'pickup', label: 'Pickup' },
      { key: 'bin', label: 'Bin' },
      { key: 'collected_by', label: 'Collected by' },
      { key: 'seal', label: 'Seal' },
      { key: 'collected', label: 'Files collected' },
      { key: 'certificate', label: 'Certificate' },
      { key: 'destroyed_on', label: 'Destroyed on' },
      { key: 'place', label: 'Place' },
      { key: 'method', label: 'Method' },
      { key: 'operator', label: 'Operator' },
      { key: 'sha256', label: 'Certificate file SHA-256' },
      { key: 'destroyed', label: 'Files destroyed' },
      { key: 'status', label: 'Status' },
    ],
    rows,
    // The bin filter is typed free text: it stays off the log, like the cabinet filter.
    logged: { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), pickups: batches.length },
  };
}
