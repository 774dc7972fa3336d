import { useState } from 'react';
import { DataTable } from '../components/DataTable';
import { Page } from '../components/Page';
import { Loaded } from '../components/Status';
import { useAsync, useThrottled } from '../hooks';
import { useLiveEvent } from '../live/LiveProvider';
import { formatDateTime } from '../lib/time';
import { Link } from '../router';
import { useSession } from '../session';
import { CertificateForm } from './shredding/CertificateForm';
import { PickupsTable } from './shredding/PickupsTable';
import { Reconciliation } from './shredding/Reconciliation';
import { shreddingApi, type Eligible } from './shredding/shredding-api';
import { StartPickupForm } from './shredding/StartPickupForm';

type EligibleFile = Eligible['records'][number];

/**
 * Confidential waste: files that may be destroyed, the contractor's pickups and their certificates
 * of destruction, and the reconciliation of what went into the bins against what was certified.
 * Staff see the eligible files; managers and admins run pickups and record certificates.
 */
export function ShreddingPage() {
  const { can } = useSession();
  const manager = can(['manager', 'admin']);
  const eligible = useAsync((signal) => shreddingApi.eligible(signal), 'eligible');
  const batches = useAsync((signal) => (manager ? shreddingApi.batches(signal) : Promise.resolve(null)), `batches-${manager}`);
  const reconciliation = useAsync((signal) => (manager ? shreddingApi.reconciliation(signal) : Promise.resolve({ batches: [] })), `reconciliation-${manager}`);
  const [certifying, setCertifying] = useState<string | null>(null);
  const refresh = useThrottled(() => {
    eligible.reload();
    batches.reload();
    reconciliation.reload();
  }, 1500);
  useLiveEvent('custody', (leaves) => {
    if (leaves.some((l) => l.event.type.startsWith('disposal.') || l.event.type.startsWith('hold.'))) refresh();
  });
  const batch = batches.data?.batches.find((b) => b.id === certifying);
  return (
    <Page title="Shredding">
      <section aria-labelledby="eligible-heading">
        <h2 id="eligible-heading">Eligible for destruction{eligible.data ? ` (${eligible.data.total})` : ''}</h2>
        <p className="small muted">Retention period met, no legal hold, in their cabinet, not to be returned to the client. Staff put them in a shred bin; the contractor collects them.</p>
        <Loaded state={eligible} what="the eligible files">
          {(data) => (
            <DataTable
              label="Files eligible for destruction"
              columns={[
                {
                  header: 'Barcode',
                  rowHeader: true,
                  cell: (r: EligibleFile) => (
                    <Link to={`/files/${encodeURIComponent(r.barcode)}`} className="mono">
                      {r.barcode}
                    </Link>
                  ),
                },
                { header: 'Client and matter', cell: (r: EligibleFile) => <>{r.client}<div className="small muted">{r.matter}</div></> },
                { header: 'Retention', cell: (r: EligibleFile) => r.retention_class },
                { header: 'Due since', cell: (r: EligibleFile) => formatDateTime(r.due) },
                { header: 'Location', cell: (r: EligibleFile) => r.location_id ?? '—' },
              ]}
              rows={data.records}
              rowKey={(r) => r.id}
              empty="No file is due for destruction."
            />
          )}
        </Loaded>
      </section>
      {manager ? (
        <>
          <section aria-labelledby="batches-heading">
            <h2 id="batches-heading">Pickups and certificates</h2>
            <StartPickupForm onStarted={refresh} />
            {batch ? (
              <CertificateForm
                key={batch.id}
                batch={batch}
                onRecorded={() => {
                  batches.reload();
                  reconciliation.reload();
                  eligible.reload();
                }}
                onClose={() => setCertifying(null)}
              />
            ) : null}
            <Loaded state={batches} what="the pickups">
              {(data) => <PickupsTable batches={data.batches} certifying={certifying} onCertify={setCertifying} />}
            </Loaded>
          </section>
          <Reconciliation rows={reconciliation} />
        </>
      ) : null}
    </Page>
  );
}
