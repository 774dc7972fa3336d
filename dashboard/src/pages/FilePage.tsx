import canonicalize from 'canonicalize';
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { CustodyEntry, FileRecordJson } from '../api/types';
import { Page } from '../components/Page';
import { ErrorMessage, Loading } from '../components/Status';
import { StatusTag } from '../components/StatusTag';
import { useAsync, useThrottled } from '../hooks';
import { useLiveEvent } from '../live/LiveProvider';
import { verifyBundleText, type BrowserVerification } from '../lib/bundle-verify';
import { describeEvent, isLookOnly } from '../lib/feed-format';
import { rememberRecords } from '../lib/record-names';
import { formatDateTime } from '../lib/time';
import { Link } from '../router';
import { personLabel, usePeople } from '../people';

interface Verified {
  text: string;
  result: BrowserVerification;
  ms: number;
}

async function fetchAndVerify(barcode: string, signal: AbortSignal): Promise<Verified> {
  const [text, checkpoint] = await Promise.all([api.bundleText(barcode, signal), api.checkpoint(signal).catch(() => null)]);
  const started = performance.now();
  // The key the server publishes for auditors; an auditor would pin it rather than ask the server.
  const result = await verifyBundleText(text, checkpoint ? { trustedKey: checkpoint.verifier_key } : {});
  return { text, result, ms: Math.round(performance.now() - started) };
}

function download(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function FilePage({ barcode }: { barcode: string }) {
  const record = useAsync((signal) => api.record(barcode, signal), barcode);
  const custody = useAsync((signal) => api.custody(barcode, signal), barcode);
  const bundle = useAsync((signal) => fetchAndVerify(barcode, signal), barcode);

  useEffect(() => {
    if (record.data) rememberRecords([record.data]);
  }, [record.data]);

  const refresh = useThrottled(() => {
    record.reload();
    custody.reload();
    bundle.reload();
  }, 1500);
  useLiveEvent('custody', (leaves) => {
    if (record.data && leaves.some((l) => l.event.record === record.data!.id && !isLookOnly(l.event))) refresh();
  });
  useLiveEvent('resync', () => refresh());

  const notFound = record.error instanceof ApiError && record.error.status === 404;

  return (
    <Page title={barcode} heading={<span className="mono">{barcode}</span>} actions={<Link to="/files">Back to files</Link>}>
      {notFound ? (
        <div className="notice notice-warn" role="alert">
          No file has the barcode <span className="mono">{barcode}</span>. <Link to={`/files?q=${encodeURIComponent(barcode)}`}>Search for it</Link>.
        </div>
      ) : null}
      {record.error && !notFound ? <ErrorMessage error={record.error} retry={record.reload} what="this file" /> : null}
      {record.loading && !record.data ? <Loading /> : null}
      {record.data ? <RecordSummary record={record.data} /> : null}
      {!notFound ? (
        <div className="file-grid">
          <VerificationPanel barcode={barcode} state={bundle.data} loading={bundle.loading} error={bundle.error} retry={bundle.reload} />
          <section aria-labelledby="timeline-heading" className="card timeline-card">
            <h2 id="timeline-heading">Custody timeline</h2>
            {custody.error ? <ErrorMessage error={custody.error} retry={custody.reload} what="the custody timeline" /> : null}
            {custody.loading && !custody.data ? <Loading /> : null}
            {custody.data ? <Timeline entries={custody.data.entries} barcode={barcode} verification={bundle.data?.result} /> : null}
          </section>
        </div>
      ) : null}
    </Page>
  );
}

function RecordSummary({ record }: { record: FileRecordJson }) {
  const people = usePeople();
  return (
    <section className="card record-summary" aria-label="File details">
      <p className="record-title">
        <strong>{record.client}</strong> — {record.matter}
        {record.volume > 1 ? `, volume ${record.volume}` : ''}
      </p>
      <p className="muted">{record.title}</p>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <StatusTag status={record.status} />
            {record.legal_hold ? <span className="tag tag-hold">Legal hold</span> : null}
          </dd>
        </div>
        <div>
          <dt>Custodian</dt>
          <dd>{personLabel(record.custodian_person_id, people)}</dd>
        </div>
        <div>
          <dt>Location</dt>
          <dd>{record.location_id ?? '—'}</dd>
        </div>
        <div>
          <dt>Home cabinet</dt>
          <dd>{record.home_cabinet_id ?? '—'}</dd>
        </div>
        <div>
          <dt>Confidentiality</dt>
          <dd>{record.confidentiality}</dd>
        </div>
        <div>
          <dt>Retention class</dt>
          <dd>{record.retention_class ?? '—'}</dd>
        </div>
      </dl>
    </section>
  );
}

function VerificationPanel({ barcode, state, loading, error, retry }: { barcode: string; state: Verified | undefined; loading: boolean; error: Error | undefined; retry: () => void }) {
  const result = state?.result;
  return (
    <section aria-labelledby="verify-heading" className={`card verify-card ${result ? (result.ok ? 'verify-ok' : 'verify-bad') : ''}`}>
      <h2 id="verify-heading">Custody bundle</h2>
      <div role="status" aria-live="polite" data-testid="verification">
        {loading && !state ? <Loading label="Checking the bundle in this browser…" /> : null}
        {error ? <ErrorMessage error={error} retry={retry} what="the custody bundle" /> : null}
        {result?.ok ? (
          <div className="verified" data-testid="verified-mark" data-signature={result.signature}>
            <span className="verified-icon" aria-hidden="true">
              ✔
            </span>
            <div>
              <p className="verified-title">{result.signature === 'verified' ? 'Verified in this browser' : 'Proofs verified here; signature verified by the server'}</p>
              <p className="small">
                All {result.entries.length} entries of this file are in the custody log signed at size {result.size}, in an unbroken chain
                {result.signature === 'verified' ? `, under the Ed25519 key ${result.keyName}` : ' (this browser cannot check Ed25519 signatures)'}. Checked in {state!.ms} ms.
              </p>
            </div>
          </div>
        ) : null}
        {result && !result.ok ? (
          <div className="not-verified" data-testid="not-verified">
            <span className="verified-icon" aria-hidden="true">
              ✖
            </span>
            <div>
              <p className="verified-title">Not verified</p>
              <p className="small">{result.error}</p>
            </div>
          </div>
        ) : null}
      </div>
      <div className="button-row">
        <button type="button" className="button primary" disabled={!state} onClick={() => state && download(state.text, `custody-${barcode}.json`)}>
          Download bundle
        </button>
        <button type="button" className="button" onClick={retry} disabled={loading}>
          Verify again
        </button>
      </div>
      <p className="small muted">
        The bundle is checked offline with <code>npx safekeep log verify-bundle custody-{barcode}.json</code>; the download is the exact file verified above.
      </p>
    </section>
  );
}

function Timeline({ entries, barcode, verification }: { entries: CustodyEntry[]; barcode: string; verification: BrowserVerification | undefined }) {
  const verifiedByIndex = useMemo(() => {
    const map = new Map<number, string>();
    if (verification?.ok) for (const e of verification.entries) map.set(e.index, canonicalize(e.event) ?? '');
    return map;
  }, [verification]);
  // Views and exports are part of the history (who looked), but they would bury the moves.
  const [showLooks, setShowLooks] = useState(false);
  const looks = entries.filter((e) => isLookOnly(e.event)).length;
  const shown = showLooks ? entries : entries.filter((e) => !isLookOnly(e.event));
  if (entries.length === 0) return <p className="empty">No custody entries.</p>;
  return (
    <>
      {looks > 0 ? (
        <label className="check timeline-toggle">
          <input type="checkbox" checked={showLooks} onChange={(e) => setShowLooks(e.target.checked)} /> Show who viewed or exported this file ({looks})
        </label>
      ) : null}
      <ol className="timeline" data-testid="timeline">
        {shown.map((entry) => {
          const line = describeEvent(entry.event, { record: () => barcode });
          const inBundle = verifiedByIndex.get(entry.index);
          const mark = verification === undefined ? 'pending' : inBundle === undefined ? (verification.ok ? 'later' : 'unverified') : inBundle === canonicalize(entry.event) ? 'verified' : 'mismatch';
          return (
            <li key={entry.index} className={`timeline-item tone-${line.tone}`} data-index={entry.index} data-type={entry.event.type} data-mark={mark}>
              <div className="timeline-when">
                <time dateTime={entry.event.ts_server}>{formatDateTime(entry.event.ts_server)}</time>
                <span className="muted small">
                  #{entry.index} · entry {String(entry.event.record_seq ?? '?')}
                </span>
              </div>
              <div className="timeline-what">
                <p>{line.text}</p>
                <p className="small">
                  <EntryMark mark={mark} />
                </p>
                <details>
                  <summary>Entry data</summary>
                  <pre className="leaf-json">{JSON.stringify(entry.event, null, 2)}</pre>
                </details>
              </div>
            </li>
          );
        })}
      </ol>
    </>
  );
}

function EntryMark({ mark }: { mark: string }) {
  switch (mark) {
    case 'verified':
      return <span className="mark mark-ok">✔ In the signed log</span>;
    case 'later':
      return <span className="mark mark-wait">Newer than the bundle's checkpoint: in the next one</span>;
    case 'mismatch':
      return <span className="mark mark-bad">✖ Differs from the signed log</span>;
    case 'unverified':
      return <span className="mark mark-bad">Not verified</span>;
    default:
      return <span className="mark mark-wait">Checking…</span>;
  }
}
