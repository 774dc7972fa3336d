import { useId, useMemo } from 'react';
import { api } from '../api/endpoints';
import type { CabinetJson, LeafEvent } from '../api/types';
import { ConnectionBanner } from '../components/ConnectionStatus';
import { Page } from '../components/Page';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { useAsync, useNow, useThrottled } from '../hooks';
import { useLiveEvent } from '../live/LiveProvider';
import { alertTypeLabel } from '../lib/feed-format';
import { formatDateTime } from '../lib/time';
import { Link } from '../router';

/** State as words and colour together, never colour alone. */
const DOOR: Record<string, { label: string; tone: string }> = {
  open: { label: 'Door open', tone: 'status-out' },
  closed: { label: 'Door closed', tone: 'status-in' },
};
const LOCK: Record<string, { label: string; tone: string }> = {
  locked: { label: 'Locked', tone: 'status-in' },
  unlocked: { label: 'Unlocked', tone: 'status-out' },
  jammed: { label: 'Lock jammed', tone: 'tag-hold' },
};

/** Whether a commit can change what this page shows: a cabinet's device, a visit, a file, an alert. */
function touchesCabinets(event: LeafEvent, cabinets: ReadonlySet<string>): boolean {
  const location = typeof event.location === 'string' ? event.location : '';
  return cabinets.has(location) || /^(cabinet|record|alert|access)\./.test(event.type);
}

function minutesSince(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
  return minutes < 1 ? 'under a minute' : minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function DeviceState({ what, state, table }: { what: string; state: CabinetJson['door']; table: Record<string, { label: string; tone: string }> }) {
  if (!state.device) return <span className="tag">No {what}</span>;
  const known = table[state.state];
  return (
    <>
      <span className={`tag ${known?.tone ?? ''}`}>{known?.label ?? `${what[0]!.toUpperCase()}${what.slice(1)}: not reported yet`}</span>
      {state.since ? <span className="small muted"> since {formatDateTime(state.since)}</span> : null}
    </>
  );
}

function CabinetCard({ cabinet, now }: { cabinet: CabinetJson; now: number }) {
  const headingId = useId();
  const { visit, files, alerts } = cabinet;
  return (
    <li>
      <article className="card cabinet-card" aria-labelledby={headingId} data-cabinet={cabinet.id} data-door={cabinet.door.state}>
        <h2 id={headingId}>{cabinet.name}</h2>
        <p className="small muted">
          {cabinet.id}
          {cabinet.room.name ? ` · ${cabinet.room.name}` : ''}
        </p>
        <dl className="cabinet-facts">
          <dt>Door</dt>
          <dd>
            <DeviceState what="door sensor" state={cabinet.door} table={DOOR} />
          </dd>
          <dt>Lock</dt>
          <dd>
            <DeviceState what="lock" state={cabinet.lock} table={LOCK} />
          </dd>
          <dt>Open by</dt>
          <dd data-testid="cabinet-visit">
            {visit ? (
              <>
                <strong>{visit.person_name ?? `person …${visit.person_id.slice(-6)}`}</strong> since {formatDateTime(visit.started_at)} ({minutesSince(visit.started_at, now)})
              </>
            ) : (
              <span className="muted">No one</span>
            )}
          </dd>
          <dt>Files</dt>
          <dd>
            {files.in} in · {files.out} out{files.other > 0 ? ` · ${files.other} elsewhere` : ''}
          </dd>
        </dl>
        {alerts.length > 0 ? (
          <div className="cabinet-alerts">
            <p>
              <Link to="/alerts">
                <span className="tag tag-alerts">
                  {alerts.length} open alert{alerts.length === 1 ? '' : 's'}
                </span>
              </Link>
            </p>
            <ul>
              {alerts.slice(0, 3).map((a) => (
                <li key={a.id} className="small" data-alert-type={a.type}>
                  <strong>{alertTypeLabel(a.type)}</strong> · {formatDateTime(a.created_at)}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="small muted">No open alerts.</p>
        )}
      </article>
    </li>
  );
}

/**
 * Every cabinet at a glance. Kept current by refetching when the live feed carries anything about
 * a cabinet, a file or an alert: the server's answer stays the single source of what is shown.
 */
export function CabinetsPage() {
  const list = useAsync((signal) => api.cabinets(signal), 'cabinets');
  const refresh = useThrottled(list.reload, 500);
  const now = useNow(30_000);
  const ids = useMemo(() => new Set((list.data?.cabinets ?? []).map((c) => c.id)), [list.data]);
  useLiveEvent('custody', (leaves) => {
    if (leaves.some((l) => touchesCabinets(l.event, ids))) refresh();
  });
  useLiveEvent('alert', () => refresh());
  useLiveEvent('resync', () => refresh());
  return (
    <Page title="Cabinets">
      <ConnectionBanner />
      {list.error ? <ErrorMessage error={list.error} retry={list.reload} what="the cabinets" /> : null}
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.cabinets.length === 0 ? <Empty>No cabinets are set up in the office file.</Empty> : null}
      {list.data && list.data.cabinets.length > 0 ? (
        <ul className="cabinet-grid" data-testid="cabinets">
          {list.data.cabinets.map((c) => (
            <CabinetCard key={c.id} cabinet={c} now={now} />
          ))}
        </ul>
      ) : null}
    </Page>
  );
}
