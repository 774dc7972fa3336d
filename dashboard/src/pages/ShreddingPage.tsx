import type { z } from 'zod';
import { apiJson, apiUrl } from '../api/client';
import type { batchSchema } from '../../../server/api/routes/disposal';
import { Page } from '../components/Page';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { TableWrap } from '../components/TableWrap';
import { useAsync, useThrottled } from '../hooks';
import { useLiveEvent } from '../live/LiveProvider';
import { formatDateTime } from '../lib/time';
import { Link } from '../router';
import { useSession } from '../session';

type Batch = z.infer<typeof batchSchema>;
interface Eligible {
  total: number;
  records: { id: string; barcode: string; client: string; matter: string; location_id: string | null; retention_class: string; due: string }[];
}

/** Confidential waste: files that may be destroyed, the shredding contractor's pickups and their certificates. */
export function ShreddingPage() {
  const { can } = useSession();
  const manager = can(['manager', 'admin']);
  const eligible = useAsync((signal) => apiJson<Eligible>('/api/v1/disposal/eligible', { query: { limit: 200 }, signal }), 'eligible');
  const batches = useAsync((signal) => (manager ? apiJson<{ batches: Batch[] }>('/api/v1/disposal/batches', { signal }) : Promise.resolve(null)), `batches-${manager}`);
  const refresh = useThrottled(() => {
    eligible.reload();
    batches.reload();
  }, 1500);
  useLiveEvent('custody', (leaves) => {
    if (leaves.some((l) => l.event.type.startsWith('disposal.') || l.event.type.startsWith('hold.'))) refresh();
  });
  return (
    <Page title="Shredding">
      <section aria-labelledby="eligible-heading">
        <h2 id="eligible-heading">Eligible for destruction{eligible.data ? ` (${eligible.data.total})` : ''}</h2>
        <p className="small muted">Retention period met, no legal hold, in their cabinet, not to be returned to the client.</p>
        {eligible.error ? <ErrorMessage error={eligible.error} retry={eligible.reload} what="the eligible files" /> : null}
        {eligible.loading && !eligible.data ? <Loading /> : null}
        {eligible.data && eligible.data.records.length === 0 ? <Empty>No file is due for destruction.</Empty> : null}
        {eligible.data && eligible.data.records.length > 0 ? (
          <TableWrap label="Files eligible for destruction">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Barcode</th>
                  <th scope="col">Client and matter</th>
                  <th scope="col">Retention</th>
                  <th scope="col">Due since</th>
                  <th scope="col">Location</th>
                </tr>
              </thead>
              <tbody>
                {eligible.data.records.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      <Link to={`/files/${encodeURIComponent(r.barcode)}`} className="mono">
                        {r.barcode}
                      </Link>
                    </th>
                    <td>
                      {r.client}
                      <div className="small muted">{r.matter}</div>
                    </td>
                    <td>{r.retention_class}</td>
                    <td>{formatDateTime(r.due)}</td>
                    <td>{r.location_id ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </section>
      {manager ? (
        <section aria-labelledby="batches-heading">
          <h2 id="batches-heading">Pickups and certificates</h2>
          <p className="small">
            <a href={apiUrl('/api/v1/disposal/reconciliation', { format: 'csv' })} download>
              Download the reconciliation (deposited against certified, CSV)
            </a>
          </p>
          {batches.error ? <ErrorMessage error={batches.error} retry={batches.reload} what="the pickups" /> : null}
          {batches.data && batches.data.batches.length === 0 ? <Empty>No pickup yet.</Empty> : null}
          {batches.data && batches.data.batches.length > 0 ? (
            <TableWrap label="Pickups">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Started</th>
                    <th scope="col">Bin</th>
                    <th scope="col">Seal</th>
                    <th scope="col">Files</th>
                    <th scope="col">Certified</th>
                    <th scope="col">Certificates</th>
                  </tr>
                </thead>
                <tbody>
                  {batches.data.batches.map((b) => (
                    <tr key={b.id}>
                      <th scope="row">{formatDateTime(b.started_at)}</th>
                      <td>{b.bin}</td>
                      <td>{b.seal_number ?? '—'}</td>
                      <td>{b.files}</td>
                      <td>{b.certified === b.files ? <span className="tag status-in">{b.certified}</span> : <span className="tag status-missing">{b.certified}</span>}</td>
                      <td>
                        {b.certificates.length === 0
                          ? '—'
                          : b.certificates.map((c) => (
                              <div key={c.id}>
                                <a href={`/api/v1/disposal/certificates/${encodeURIComponent(c.id)}/file`} download>
                                  {c.serial_number}
                                </a>{' '}
                                <span className="small muted">
                                  {c.method}, {c.destroyed_on}
                                </span>
                              </div>
                            ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : null}
          <p className="small muted coming-inline">Starting a pickup and uploading its certificate from this page are coming; the server accepts them already (POST /api/v1/disposal/batches, …/certificate/upload).</p>
        </section>
      ) : null}
    </Page>
  );
}
