import type { RecordStatus } from '../db/models';
import type { DisposalOutcome } from './outcomes';

/**
 * The vendor's certificate of destruction, as pure decisions: which files of a batch it certifies,
 * which it must not, and the reconciliation of what was deposited against what was certified.
 *
 * A file that came under a legal hold after it was deposited is never marked destroyed, even when
 * the certificate covers it: its certification is refused, logged and alerted, and it stays
 * 'deposited' (missing from the batch's certified set) until a person resolves it.
 */

export interface BatchItem {
  recordId: string;
  barcode: string;
  status: RecordStatus;
  /** Under an active hold now. */
  held: boolean;
  /** Already certified by an earlier certificate of the batch. */
  certified: boolean;
}

export interface CertificateFacts {
  certificateId: string;
  serialNumber: string;
  /** YYYY-MM-DD, as printed on the certificate. */
  destroyedOn: string;
  method: string;
  /** Salted commitment to the operator's or witness's name; the name itself stays off the log. */
  operatorCommitment: string;
  /** SHA-256 (hex) of the certificate file as uploaded. */
  fileSha256: string;
}

export type CertificationRefusal = 'legal_hold' | 'not_deposited';

export type CertificationDecision =
  | {
      ok: true;
      outcomes: DisposalOutcome[];
      certified: string[];
      refused: { recordId: string; barcode: string; reason: CertificationRefusal }[];
      /** Barcodes the certificate lists that the batch does not hold. */
      extra: string[];
    }
  | { ok: false; reason: 'nothing_to_certify'; message: string };

export function decideCertification(input: {
  batch: { id: string; binId: string };
  certificate: CertificateFacts;
  items: readonly BatchItem[];
  /** The barcodes the certificate lists; null: it covers the whole batch. */
  manifest: readonly string[] | null;
  actor: string;
}): CertificationDecision {
  const { batch, certificate } = input;
  const listed = input.manifest ? new Set(input.manifest) : null;
  const inBatch = new Set(input.items.map((i) => i.barcode));
  const extra = input.manifest ? [...new Set(input.manifest.filter((b) => !inBatch.has(b)))].sort() : [];
  const considered = input.items.filter((i) => !i.certified && (!listed || listed.has(i.barcode)));
  if (considered.length === 0) {
    return { ok: false, reason: 'nothing_to_certify', message: 'the certificate covers no file of this batch that is still awaiting certification' };
  }
  const certified: string[] = [];
  const refused: { recordId: string; barcode: string; reason: CertificationRefusal }[] = [];
  const perRecord: DisposalOutcome[] = [];
  const ref = { batch: batch.id, certificate: certificate.certificateId, actor: input.actor };
  for (const item of considered) {
    const reason: CertificationRefusal | null = item.held ? 'legal_hold' : item.status !== 'deposited' ? 'not_deposited' : null;
    if (reason) {
      refused.push({ recordId: item.recordId, barcode: item.barcode, reason });
      perRecord.push(
        { kind: 'fact', leaf: { type: 'disposal.certification_refused', ...ref, record: item.recordId, reason } },
        {
          kind: 'alert',
          type: 'disposal.certification_refused',
          severity: reason === 'legal_hold' ? 'critical' : 'warning',
          message:
            reason === 'legal_hold'
              ? `File ${item.barcode} is under a legal hold but certificate ${certificate.serialNumber} says it was destroyed: it is not recorded as destroyed; find out what happened to it`
              : `Certificate ${certificate.serialNumber} lists file ${item.barcode}, which is recorded as ${item.status}, not deposited`,
          record: item.recordId,
        },
      );
      continue;
    }
    certified.push(item.recordId);
    perRecord.push(
      { kind: 'fact', leaf: { type: 'disposal.certified', ...ref, record: item.recordId, location: batch.binId } },
      { kind: 'record', recordId: item.recordId, status: 'destroyed', custodianId: null, location: null },
      { kind: 'deposit.certified', recordId: item.recordId, batchId: batch.id, certificateId: certificate.certificateId },
    );
  }
  const batchLeaf: DisposalOutcome = {
    kind: 'fact',
    leaf: {
      type: 'disposal.batch_certified',
      ...ref,
      location: batch.binId,
      serial_number: certificate.serialNumber,
      destroyed_on: certificate.destroyedOn,
      method: certificate.method,
      certificate_sha256: certificate.fileSha256,
      commitments: { operator: certificate.operatorCommitment },
      certified: certified.length,
      refused: refused.length,
      extra: extra.length,
    },
  };
  const extraAlert: DisposalOutcome[] =
    extra.length > 0
      ? [{ kind: 'alert', type: 'disposal.certificate_extra', severity: 'warning', message: `Certificate ${certificate.serialNumber} lists ${extra.length} file(s) that batch ${batch.id} does not hold` }]
      : [];
  return { ok: true, outcomes: [batchLeaf, ...perRecord, ...extraAlert], certified, refused, extra };
}

export interface ReconciliationBatch {
  batchId: string;
  binId: string;
  startedAt: Date;
  sealNumber: string | null;
  certificates: number;
  items: readonly { barcode: string; certified: boolean }[];
  /** Barcodes listed on this batch's certificates that the batch does not hold. */
  extra: readonly string[];
}

export interface ReconciliationRow {
  batch: string;
  bin: string;
  started_at: string;
  seal_number: string | null;
  certificates: number;
  deposited: number;
  certified: number;
  missing: string[];
  extra: string[];
  status: 'awaiting_certificate' | 'reconciled' | 'discrepancy';
}

/** Deposited against certified, per batch: files not certified (missing) and files certified that were never deposited (extra). */
export function reconcile(batches: readonly ReconciliationBatch[]): ReconciliationRow[] {
  return batches.map((b) => {
    const missing = b.items.filter((i) => !i.certified).map((i) => i.barcode).sort();
    const extra = [...new Set(b.extra)].sort();
    const status = b.certificates === 0 ? 'awaiting_certificate' : missing.length === 0 && extra.length === 0 ? 'reconciled' : 'discrepancy';
    return {
      batch: b.batchId,
      bin: b.binId,
      started_at: b.startedAt.toISOString(),
      seal_number: b.sealNumber,
      certificates: b.certificates,
      deposited: b.items.length,
      certified: b.items.length - missing.length,
      missing,
      extra,
      status,
    };
  });
}

const CSV_COLUMNS = ['batch', 'bin', 'started_at', 'seal_number', 'certificates', 'deposited', 'certified', 'missing_count', 'extra_count', 'status', 'missing', 'extra'] as const;

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // A leading =, +, - or @ would be run as a formula by a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reconciliationCsv(rows: readonly ReconciliationRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [r.batch, r.bin, r.started_at, r.seal_number, r.certificates, r.deposited, r.certified, r.missing.length, r.extra.length, r.status, r.missing.join(' '), r.extra.join(' ')]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
