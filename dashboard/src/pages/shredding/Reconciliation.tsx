import { DataTable } from '../../components/DataTable';
import { Loaded } from '../../components/Status';
import type { AsyncState } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { shreddingApi, type ReconciliationRow } from './shredding-api';

const STATUS: Record<ReconciliationRow['status'], { label: string; tone: string }> = {
  awaiting_certificate: { label: 'Awaiting certificate', tone: 'status-out' },
  reconciled: { label: 'Reconciled', tone: 'status-in' },
  discrepancy: { label: 'Discrepancy', tone: 'status-missing' },
};

const barcodes = (list: string[]) => (list.length === 0 ? '—' : <span className="mono break">{list.join(', ')}</span>);

/** Deposited against certified, per pickup: what the contractor has not certified, and what they certified that was never deposited. */
export function Reconciliation({ rows }: { rows: AsyncState<{ batches: ReconciliationRow[] }> }) {
  return (
    <section aria-labelledby="reconciliation-heading">
      <h2 id="reconciliation-heading">Reconciliation</h2>
      <p className="small">
        <a href={shreddingApi.reconciliationCsvUrl()} download>
          Download the reconciliation (CSV)
        </a>
      </p>
      <Loaded state={rows} what="the reconciliation">
        {(data) => (
          <DataTable
            label="Reconciliation, deposited against certified"
            testId="reconciliation"
            columns={[
              { header: 'Pickup', rowHeader: true, cell: (r: ReconciliationRow) => <>{formatDateTime(r.started_at)}<div className="small muted">{r.bin}, seal {r.seal_number ?? '—'}</div></> },
              { header: 'Deposited', cell: (r: ReconciliationRow) => r.deposited },
              { header: 'Certified', cell: (r: ReconciliationRow) => r.certified },
              { header: 'Not certified', cell: (r: ReconciliationRow) => barcodes(r.missing) },
              { header: 'Certified, never deposited', cell: (r: ReconciliationRow) => barcodes(r.extra) },
              { header: 'Status', cell: (r: ReconciliationRow) => <span className={`tag ${STATUS[r.status].tone}`}>{STATUS[r.status].label}</span> },
            ]}
            rows={data.batches}
            rowKey={(r) => r.batch}
            empty="Nothing to reconcile: no pickup yet."
          />
        )}
      </Loaded>
    </section>
  );
}
