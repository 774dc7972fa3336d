import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api/endpoints';
import type { RecordStatus } from '../api/types';
import { personLabel, usePeople } from '../people';
import { Page } from '../components/Page';
import { TableWrap } from '../components/TableWrap';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { STATUS_LABELS, StatusTag } from '../components/StatusTag';
import { useAsync, useThrottled } from '../hooks';
import { useLiveEvent } from '../live/LiveProvider';
import { rememberRecords } from '../lib/record-names';
import { isLookOnly } from '../lib/feed-format';
import { Link, useRouter } from '../router';


const PAGE_SIZE = 50;


export function FilesPage() {
  const { location, navigate } = useRouter();
  const q = location.search.get('q') ?? '';
  const status = (location.search.get('status') ?? '') as RecordStatus | '';
  const page = Math.max(0, Number(location.search.get('page') ?? '0') || 0);
  const [text, setText] = useState(q);
  const people = usePeople();
  const inputId = useId();
  const statusId = useId();
  useEffect(() => setText(q), [q]);

  const result = useAsync(
    (signal) => api.searchRecords({ q: q || undefined, status: status || undefined, limit: PAGE_SIZE, offset: page * PAGE_SIZE }, signal),
    `${q}|${status}|${page}`,
  );
  useEffect(() => {
    if (result.data) rememberRecords(result.data.records);
  }, [result.data]);

  // A custody event about a file on screen: refresh the list (at most once a second).
  const refresh = useThrottled(result.reload, 1000);
  useLiveEvent('custody', (leaves) => {
    const shown = new Set(result.data?.records.map((r) => r.id));
    if (leaves.some((l) => typeof l.event.record === 'string' && shown.has(l.event.record) && !isLookOnly(l.event))) refresh();
  });
  useLiveEvent('resync', () => refresh());

  const go = (next: { q?: string; status?: string; page?: number }) => {
    const params = new URLSearchParams();
    const nq = next.q ?? q;
    const ns = next.status ?? status;
    const np = next.page ?? 0;
    if (nq) params.set('q', nq);
    if (ns) params.set('status', ns);
    if (np) params.set('page', String(np));
    const search = params.toString();
    navigate(`/files${search ? `?${search}` : ''}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: text.trim(), page: 0 });
  };

  const total = result.data?.total ?? 0;
  const from = page * PAGE_SIZE + 1;
  const to = Math.min(total, (page + 1) * PAGE_SIZE);

  return (
    <Page title="Files">
      <form className="search" role="search" onSubmit={submit} aria-label="Search client files">
        <div className="field grow">
          <label htmlFor={inputId}>Barcode, client or matter</label>
          <input id={inputId} type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. SK-000042, Birchwood, 2024-0117" maxLength={100} autoComplete="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={statusId}>Status</label>
          <select id={statusId} value={status} onChange={(e) => go({ status: e.target.value, page: 0 })}>
            <option value="">Any</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button primary">
          Search
        </button>
      </form>

      {result.error ? <ErrorMessage error={result.error} retry={result.reload} what="the files" /> : null}
      {result.loading && !result.data ? <Loading label="Searching…" /> : null}
      {result.data ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" className="results-heading" aria-live="polite">
            {total === 0 ? 'No files found' : `${total} ${total === 1 ? 'file' : 'files'}${total > PAGE_SIZE ? `, showing ${from}–${to}` : ''}`}
            {q ? ` for “${q}”` : ''}
          </h2>
          {total === 0 ? <Empty>Try part of a barcode (SK-0001), a client name or a matter number.</Empty> : null}
          {result.data.records.length > 0 ? (
            <TableWrap label="Files found">
              <table className="table files-table">
                <thead>
                  <tr>
                    <th scope="col">Barcode</th>
                    <th scope="col">Client and matter</th>
                    <th scope="col">Status</th>
                    <th scope="col">Custodian</th>
                    <th scope="col">Location</th>
                  </tr>
                </thead>
                <tbody>
                  {result.data.records.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">
                        <Link to={`/files/${encodeURIComponent(r.barcode)}`} className="mono">
                          {r.barcode}
                        </Link>
                      </th>
                      <td>
                        <div>{r.client}</div>
                        <div className="muted small">
                          {r.matter}
                          {r.volume > 1 ? ` · vol. ${r.volume}` : ''} · {r.title}
                        </div>
                      </td>
                      <td>
                        <StatusTag status={r.status} />
                        {r.legal_hold ? <span className="tag tag-hold">Legal hold</span> : null}
                      </td>
                      <td>{personLabel(r.custodian_person_id, people)}</td>
                      <td>{r.location_id ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : null}
          {total > PAGE_SIZE ? (
            <nav className="pager" aria-label="Result pages">
              <button type="button" className="button" disabled={page === 0} onClick={() => go({ page: page - 1 })}>
                Previous
              </button>
              <span>
                Page {page + 1} of {Math.ceil(total / PAGE_SIZE)}
              </span>
              <button type="button" className="button" disabled={to >= total} onClick={() => go({ page: page + 1 })}>
                Next
              </button>
            </nav>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}
