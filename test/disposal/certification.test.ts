import { describe, expect, it } from 'vitest';
import { decideCertification, reconcile, reconciliationCsv, type BatchItem, type CertificateFacts } from '../../server/disposal/certification';
import { kinds, leaves } from './helpers';

const certificate: CertificateFacts = {
  certificateId: 'c1',
  serialNumber: 'COD-2026-0042',
  destroyedOn: '2026-03-03',
  method: 'cross-cut shredding, DIN 66399 P-4',
  operatorCommitment: 'a'.repeat(64),
  fileSha256: 'b'.repeat(64),
};
const item = (n: number, over: Partial<BatchItem> = {}): BatchItem => ({ recordId: `r${n}`, barcode: `SK-${n}`, status: 'deposited', held: false, certified: false, ...over });
const certify = (items: BatchItem[], manifest: string[] | null = null) =>
  decideCertification({ batch: { id: 'b1', binId: 'shred-1' }, certificate, items, manifest, actor: 'p_mia' });

describe('certifying a batch', () => {
  it('marks every file destroyed: one batch leaf, one disposal.certified leaf per file', () => {
    const d = certify([item(1), item(2)]);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(kinds(d.outcomes)).toEqual([
      'fact:disposal.batch_certified',
      'fact:disposal.certified',
      'record:destroyed',
      'deposit.certified',
      'fact:disposal.certified',
      'record:destroyed',
      'deposit.certified',
    ]);
    const batchLeaf = leaves(d.outcomes)[0]!;
    expect(batchLeaf).toMatchObject({ batch: 'b1', certificate: 'c1', serial_number: 'COD-2026-0042', certificate_sha256: 'b'.repeat(64), commitments: { operator: 'a'.repeat(64) }, certified: 2, refused: 0 });
    expect(leaves(d.outcomes)[1]).toEqual({ type: 'disposal.certified', batch: 'b1', certificate: 'c1', actor: 'p_mia', record: 'r1', location: 'shred-1' });
  });

  it('refuses a file that came under a hold after it was deposited: logged, critical alert, not destroyed', () => {
    const d = certify([item(1), item(2, { held: true })]);
    expect(d.ok && d.certified).toEqual(['r1']);
    expect(d.ok && d.refused).toEqual([{ recordId: 'r2', barcode: 'SK-2', reason: 'legal_hold' }]);
    expect(d.ok && kinds(d.outcomes)).toEqual([
      'fact:disposal.batch_certified',
      'fact:disposal.certified',
      'record:destroyed',
      'deposit.certified',
      'fact:disposal.certification_refused',
      'alert:disposal.certification_refused',
    ]);
    expect(d.ok && d.outcomes.find((o) => o.kind === 'alert')).toMatchObject({ severity: 'critical', record: 'r2' });
    expect(d.ok && d.outcomes.some((o) => o.kind === 'record' && o.recordId === 'r2')).toBe(false);
  });

  it('refuses a file that is no longer deposited (taken back out)', () => {
    const d = certify([item(1, { status: 'out' })]);
    expect(d.ok && d.refused).toEqual([{ recordId: 'r1', barcode: 'SK-1', reason: 'not_deposited' }]);
  });

  it('with a manifest: certifies only listed files and reports listed files the batch does not hold', () => {
    const d = certify([item(1), item(2)], ['SK-1', 'SK-9']);
    expect(d.ok && d.certified).toEqual(['r1']);
    expect(d.ok && d.extra).toEqual(['SK-9']);
    expect(d.ok && kinds(d.outcomes)).toContain('alert:disposal.certificate_extra');
  });

  it('a second certificate covers only what the first left; none left is a refusal', () => {
    const second = certify([item(1, { certified: true }), item(2)]);
    expect(second.ok && second.certified).toEqual(['r2']);
    expect(certify([item(1, { certified: true })])).toMatchObject({ ok: false, reason: 'nothing_to_certify' });
  });

  it('the operator’s name never appears, only its commitment', () => {
    const d = certify([item(1)]);
    expect(JSON.stringify(d)).not.toMatch(/operator_name|Jane/);
  });
});

describe('reconciliation', () => {
  const started = new Date('2026-03-02T10:00:00Z');
  it('lists, per batch, deposited files not certified (missing) and certified files never deposited (extra)', () => {
    const rows = reconcile([
      { batchId: 'b1', binId: 'shred-1', startedAt: started, sealNumber: 'S-1', certificates: 1, items: [{ barcode: 'SK-2', certified: false }, { barcode: 'SK-1', certified: true }], extra: ['SK-9', 'SK-9'] },
      { batchId: 'b2', binId: 'shred-1', startedAt: started, sealNumber: null, certificates: 1, items: [{ barcode: 'SK-3', certified: true }], extra: [] },
      { batchId: 'b3', binId: 'shred-1', startedAt: started, sealNumber: null, certificates: 0, items: [{ barcode: 'SK-4', certified: false }], extra: [] },
    ]);
    expect(rows.map((r) => [r.batch, r.deposited, r.certified, r.missing, r.extra, r.status])).toEqual([
      ['b1', 2, 1, ['SK-2'], ['SK-9'], 'discrepancy'],
      ['b2', 1, 1, [], [], 'reconciled'],
      ['b3', 1, 0, ['SK-4'], [], 'awaiting_certificate'],
    ]);
  });

  it('as CSV, one line per batch, safe to open in a spreadsheet', () => {
    const csv = reconciliationCsv(
      reconcile([{ batchId: 'b1', binId: 'shred-1', startedAt: started, sealNumber: '=cmd', certificates: 1, items: [{ barcode: 'SK-2', certified: false }, { barcode: 'SK-3', certified: false }], extra: [] }]),
    );
    expect(csv.split('\r\n')).toEqual([
      'batch,bin,started_at,seal_number,certificates,deposited,certified,missing_count,extra_count,status,missing,extra',
      "b1,shred-1,2026-03-02T10:00:00.000Z,'=cmd,1,2,0,2,0,discrepancy,SK-2 SK-3,",
      '',
    ]);
  });
});
