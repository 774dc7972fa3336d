import { DataTable } from '../../components/DataTable';
import { formatDateTime } from '../../lib/time';
import { shreddingApi, type Batch } from './shredding-api';

/** The contractor's pickups, with their certificates and a way to record the next one. */
export function PickupsTable({ batches, certifying, onCertify }: { batches: Batch[]; certifying: string | null; onCertify: (batch: string | null) => void }) {
  return (
    <DataTable
      label="Pickups"
      testId="pickups"
      columns={[
        { header: 'Started', rowHeader: true, cell: (b: Batch) => formatDateTime(b.started_at) },
        { header: 'Bin', cell: (b: Batch) => b.bin },
        { header: 'Seal', cell: (b: Batch) => <span className="mono">{b.seal_number ?? '—'}</span> },
        { header: 'Files', cell: (b: Batch) => b.files },
        {
          header: 'Certified',
          cell: (b: Batch) => <span className={`tag ${b.certified === b.files ? 'status-in' : 'status-missing'}`}>{b.certified === b.files ? `all ${b.certified}` : `${b.certified} of ${b.files}`}</span>,
        },
        {
          header: 'Certificates',
          cell: (b: Batch) =>
            b.certificates.length === 0
              ? '—'
              : b.certificates.map((c) => (
                  <div key={c.id}>
                    <a href={shreddingApi.certificateFileUrl(c.id)} download>
                      {c.serial_number}
                    </a>{' '}
                    <span className="small muted">
                      {c.method}, {c.destroyed_on}
                    </span>
                  </div>
                )),
        },
        {
          header: 'Actions',
          hiddenHeader: true,
          cell: (b: Batch) =>
            b.certified < b.files ? (
              <button type="button" className="button small-button" aria-expanded={certifying === b.id} onClick={() => onCertify(certifying === b.id ? null : b.id)}>
                Record certificate<span className="visually-hidden"> for the pickup of {formatDateTime(b.started_at)}</span>
              </button>
            ) : null,
        },
      ]}
      rows={batches}
      rowKey={(b) => b.id}
      empty="No pickup yet."
    />
  );
}
