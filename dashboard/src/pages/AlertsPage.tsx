import { useId, useState, type FormEvent } from 'react';
import { apiJson } from '../api/client';
import { api } from '../api/endpoints';
import type { AlertEmit, AlertJson, AlertStatus } from '../api/types';
import { Page } from '../components/Page';
import { ConnectionBanner } from '../components/ConnectionStatus';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { useAsync, useThrottled } from '../hooks';
import { useLiveEvent } from '../live/LiveProvider';
import { alertTypeLabel } from '../lib/feed-format';
import { barcodeOf } from '../lib/record-names';
import { formatDateTime } from '../lib/time';
import { Link, useRouter } from '../router';

const TABS: { status: AlertStatus; label: string }[] = [
  { status: 'open', label: 'Open' },
  { status: 'acknowledged', label: 'Acknowledged' },
  { status: 'resolved', label: 'Resolved' },
];

export function AlertsPage() {
  const { location, navigate } = useRouter();
  const status = (TABS.find((t) => t.status === location.search.get('status'))?.status ?? 'open') as AlertStatus;
  const list = useAsync((signal) => api.alerts(status, signal), status);
  const [fresh, setFresh] = useState<AlertEmit[]>([]);
  const refresh = useThrottled(list.reload, 1000);

  useLiveEvent('alert', (alert) => {
    setFresh((f) => [alert, ...f].slice(0, 20));
    if (status === 'open') refresh();
  });
  useLiveEvent('resync', () => refresh());

  const freshIds = new Set(fresh.map((a) => a.id));
  // Raised but not written yet (the disk is full): only the live event knows about it.
  const pending = fresh.filter((a) => a.id === 'pending');

  return (
    <Page title="Alerts">
      <ConnectionBanner />
      <div className="tabs" role="tablist" aria-label="Alert status">
        {TABS.map((t) => (
          <button
            key={t.status}
            type="button"
            role="tab"
            aria-selected={t.status === status}
            className={`tab ${t.status === status ? 'active' : ''}`}
            onClick={() => navigate(t.status === 'open' ? '/alerts' : `/alerts?status=${t.status}`)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={`${status} alerts`}>
        {pending.map((a, i) => (
          <div key={`pending-${i}`} className="notice notice-danger" role="alert">
            <strong>{alertTypeLabel(a.type)}.</strong> {a.message}
          </div>
        ))}
        {list.error ? <ErrorMessage error={list.error} retry={list.reload} what="the alerts" /> : null}
        {list.loading && !list.data ? <Loading /> : null}
        {list.data && list.data.alerts.length === 0 ? <Empty>No {status} alerts.</Empty> : null}
        {list.data && list.data.alerts.length > 0 ? (
          <ul className="alert-list" data-testid="alerts">
            {list.data.alerts.map((a) => (
              <li key={a.id} className={`alert-item severity-${a.severity} ${freshIds.has(a.id) ? 'fresh' : ''}`} data-alert-type={a.type}>
                <span className={`tag severity-tag-${a.severity}`}>{a.severity}</span>
                <div className="alert-body">
                  <p className="alert-title">{alertTypeLabel(a.type)}</p>
                  <p>{a.message}</p>
                  <p className="small muted">
                    <time dateTime={a.created_at}>{formatDateTime(a.created_at)}</time>
                    {a.device_id ? ` · device ${a.device_id}` : ''}
                    {a.log_index !== null ? ` · log entry #${a.log_index}` : ''}
                    {a.record_id && barcodeOf(a.record_id) ? (
                      <>
                        {' · '}
                        <Link to={`/files/${encodeURIComponent(barcodeOf(a.record_id)!)}`}>file {barcodeOf(a.record_id)}</Link>
                      </>
                    ) : null}
                  </p>
                  {a.acknowledgement_note ? (
                    <p className="small">
                      Acknowledged {a.acknowledged_at ? formatDateTime(a.acknowledged_at) : ''}: {a.acknowledgement_note}
                    </p>
                  ) : null}
                  {a.escalation_level > 0 ? <p className="small">Escalated (level {a.escalation_level})</p> : null}
                  {a.status === 'open' ? <Acknowledge alert={a} onDone={list.reload} /> : null}
                </div>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </Page>
  );
}

/** Acknowledge with a note saying what was done: the acknowledgement is a custody-log entry. */
function Acknowledge({ alert, onDone }: { alert: AlertJson; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const noteId = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await apiJson(`/api/v1/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { method: 'POST', body: { note: note.trim() } });
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  if (!open) {
    return (
      <button type="button" className="button small-button" onClick={() => setOpen(true)}>
        Acknowledge…
      </button>
    );
  }
  return (
    <form className="ack-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={noteId}>What was done?</label>
      <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={1000} required autoFocus />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={busy || !note.trim()}>
          {busy ? 'Saving…' : 'Acknowledge'}
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
