import { useId, useMemo, useState, type FormEvent } from 'react';
import { hostChoices, visitorsApi, VisitorRefused, VisitorsUnavailable, type HostChoice, type Preregistered, type VisitSummary } from '../api/visitors';
import { Page } from '../components/Page';
import { TableWrap } from '../components/TableWrap';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { useAsync, useThrottled } from '../hooks';
import { useLiveEvent } from '../live/LiveProvider';
import { qrSvgPath } from '../lib/qr';
import { formatDateTime } from '../lib/time';
import { Link } from '../router';
import { useSession } from '../session';

function Unavailable() {
  return (
    <div className="notice notice-info coming" data-testid="coming">
      <p>
        <strong>Coming.</strong> The visitor module is not running on this server.
      </p>
    </div>
  );
}

function VisitTable({ visits, hosts, when }: { visits: VisitSummary[]; hosts: Map<string, string>; when: 'signed_in_at' | 'expected_at' }) {
  return (
    <TableWrap label="Visits">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Visitor</th>
            <th scope="col">Visiting</th>
            <th scope="col">{when === 'signed_in_at' ? 'Signed in' : 'Expected'}</th>
            <th scope="col">Badge</th>
          </tr>
        </thead>
        <tbody>
          {visits.map((v) => (
            <tr key={v.id}>
              <th scope="row">
                {v.name ?? <span className="muted">(erased)</span>}
                {v.company ? <div className="small muted">{v.company}</div> : null}
                {v.kind === 'vendor' ? <span className="tag">vendor</span> : null}
                {v.escort_required ? <span className="tag tag-hold">escort</span> : null}
              </th>
              <td>{v.host_person_id ? (hosts.get(v.host_person_id) ?? '—') : '—'}</td>
              <td>{formatDateTime(v[when])}</td>
              <td>{v.badge_kind === 'card' ? `card ${v.loaner_card_id ?? ''}` : (v.badge_kind ?? '—')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Invitation({ result }: { result: Preregistered }) {
  const qr = useMemo(() => qrSvgPath(result.token, 4), [result.token]);
  return (
    <div className="notice notice-info invitation" role="status" data-testid="invitation">
      <p>
        <strong>Visit registered.</strong> Send this code to the visitor: they show it at the kiosk. It is shown only now, and works until {formatDateTime(result.token_expires_at)}.
      </p>
      <svg className="invite-qr" viewBox={`0 0 ${qr.size} ${qr.size}`} role="img" aria-label="Invitation QR code" shapeRendering="crispEdges">
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.path} fill="#000" />
      </svg>
      <p>
        Code: <code className="break" data-testid="invitation-token">{result.token}</code>
      </p>
    </div>
  );
}

function PreregisterForm({ hosts }: { hosts: HostChoice[] }) {
  const ids = { name: useId(), email: useId(), company: useId(), host: useId(), when: useId(), purpose: useId() };
  const [f, setF] = useState({ name: '', email: '', company: '', host: '', when: '', purpose: '', escort: false });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Preregistered | null>(null);
  const set = (key: keyof typeof f) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [key]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setDone(
        await visitorsApi.preregister({
          visitor: { person: { name: f.name.trim(), ...(f.email.trim() ? { email: f.email.trim() } : {}) }, ...(f.company.trim() ? { company: f.company.trim() } : {}) },
          host_person_id: f.host,
          expected_at: new Date(f.when).toISOString(),
          ...(f.purpose.trim() ? { purpose: f.purpose.trim() } : {}),
          escort_required: f.escort,
        }),
      );
      setF({ name: '', email: '', company: '', host: f.host, when: '', purpose: '', escort: false });
    } catch (err) {
      setError(err instanceof VisitorRefused || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="prereg-heading" className="card">
      <h2 id="prereg-heading">Pre-register a visitor</h2>
      <form className="form-grid" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={ids.name}>Visitor’s name</label>
          <input id={ids.name} value={f.name} onChange={set('name')} required maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={ids.email}>Email (optional)</label>
          <input id={ids.email} type="email" value={f.email} onChange={set('email')} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={ids.company}>Company (optional)</label>
          <input id={ids.company} value={f.company} onChange={set('company')} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={ids.host}>Host</label>
          <select id={ids.host} value={f.host} onChange={set('host')} required>
            <option value="">Choose…</option>
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.when}>Expected at</label>
          <input id={ids.when} type="datetime-local" value={f.when} onChange={set('when')} required />
        </div>
        <div className="field">
          <label htmlFor={ids.purpose}>Purpose (optional)</label>
          <input id={ids.purpose} value={f.purpose} onChange={set('purpose')} maxLength={500} />
        </div>
        <label className="check">
          <input type="checkbox" checked={f.escort} onChange={(e) => setF((x) => ({ ...x, escort: e.target.checked }))} /> Escort required
        </label>
        <div>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Registering…' : 'Register visit'}
          </button>
        </div>
      </form>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {done ? <Invitation result={done} /> : null}
    </section>
  );
}

export function VisitorsPage() {
  const { can, session } = useSession();
  const manager = can(['manager', 'admin']);
  const role = session.status === 'signed-in' || session.status === 'local' ? session.role : undefined;
  const onSite = useAsync((signal) => (manager ? visitorsApi.visits('on_site', signal) : Promise.resolve(null)), `on-site-${manager}`);
  const expected = useAsync((signal) => (manager ? visitorsApi.visits('expected', signal) : Promise.resolve(null)), `expected-${manager}`);
  const hosts = useAsync((signal) => hostChoices(role, signal), `hosts-${role ?? ''}`);
  const hostNames = useMemo(() => new Map((hosts.data ?? []).map((p) => [p.id, p.name])), [hosts.data]);
  const refresh = useThrottled(() => {
    onSite.reload();
    expected.reload();
  }, 1000);
  useLiveEvent('custody', (leaves) => {
    if (leaves.some((l) => l.event.type.startsWith('visitor.'))) refresh();
  });
  if (onSite.error instanceof VisitorsUnavailable) {
    return (
      <Page title="Visitors">
        <Unavailable />
      </Page>
    );
  }
  return (
    <Page
      title="Visitors"
      actions={
        <div className="toolbar">
          <Link to="/visitors/roll-call" className="button">
            Evacuation roll call
          </Link>
          <a href="/kiosk" className="button">
            Open the kiosk
          </a>
        </div>
      }
    >
      {manager ? (
        <>
          <section aria-labelledby="onsite-heading">
            <h2 id="onsite-heading">On site now{onSite.data ? ` (${onSite.data.visits.length})` : ''}</h2>
            {onSite.error ? <ErrorMessage error={onSite.error} retry={onSite.reload} what="the visitors on site" /> : null}
            {onSite.loading && !onSite.data ? <Loading /> : null}
            {onSite.data && onSite.data.visits.length === 0 ? <Empty>No visitors are signed in.</Empty> : null}
            {onSite.data && onSite.data.visits.length > 0 ? <VisitTable visits={onSite.data.visits} hosts={hostNames} when="signed_in_at" /> : null}
          </section>
          <section aria-labelledby="expected-heading">
            <h2 id="expected-heading">Expected</h2>
            {expected.data && expected.data.visits.length === 0 ? <Empty>No visits are pre-registered.</Empty> : null}
            {expected.data && expected.data.visits.length > 0 ? <VisitTable visits={expected.data.visits} hosts={hostNames} when="expected_at" /> : null}
          </section>
        </>
      ) : (
        <p className="muted">The visitor log is for managers. You can pre-register your visitors and print the roll call.</p>
      )}
      {hosts.data ? <PreregisterForm hosts={hosts.data} /> : hosts.loading ? null : <p className="small muted">Pre-registering needs the staff directory, which your role cannot read yet.</p>}
    </Page>
  );
}

export function RollCallPage() {
  const rc = useAsync((signal) => visitorsApi.rollCall(signal), 'roll-call');
  return (
    <Page
      title="Evacuation roll call"
      actions={
        <div className="toolbar no-print">
          <button type="button" className="button primary" onClick={() => window.print()} disabled={!rc.data}>
            Print
          </button>
          <a className="button" href={visitorsApi.rollCallCsvUrl()} download>
            Download CSV
          </a>
          <button type="button" className="button" onClick={rc.reload}>
            Refresh
          </button>
        </div>
      }
    >
      {rc.error instanceof VisitorsUnavailable ? <Unavailable /> : rc.error ? <ErrorMessage error={rc.error} retry={rc.reload} what="the roll call" /> : null}
      {rc.loading && !rc.data ? <Loading /> : null}
      {rc.data ? (
        <div className="roll-call" data-testid="roll-call">
          <p>
            Made {formatDateTime(rc.data.generated_at)}. Staff are everyone whose badge was read today ({rc.data.date}); there is no exit reader, so some may have left.
          </p>
          <h2>Visitors ({rc.data.visitors.length})</h2>
          {rc.data.visitors.length === 0 ? (
            <p>No visitors signed in.</p>
          ) : (
            <TableWrap label="Visitors on site">
              <table className="table roll-table">
                <thead>
                  <tr>
                    <th scope="col" className="tick">
                      Found
                    </th>
                    <th scope="col">Name</th>
                    <th scope="col">Company</th>
                    <th scope="col">Host</th>
                    <th scope="col">Since</th>
                    <th scope="col">Badge</th>
                  </tr>
                </thead>
                <tbody>
                  {rc.data.visitors.map((v) => (
                    <tr key={v.visit_id}>
                      <td className="tick">☐</td>
                      <th scope="row">
                        {v.name ?? '(erased)'}
                        {v.escort_required ? ' · escort' : ''}
                      </th>
                      <td>{v.company ?? ''}</td>
                      <td>{v.host_name ?? ''}</td>
                      <td>{formatDateTime(v.signed_in_at)}</td>
                      <td>{v.badge ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          <h2>Staff ({rc.data.staff.length})</h2>
          {rc.data.staff.length === 0 ? (
            <p>No badge reads today.</p>
          ) : (
            <TableWrap label="Staff seen today">
              <table className="table roll-table">
                <thead>
                  <tr>
                    <th scope="col" className="tick">
                      Found
                    </th>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Last seen</th>
                    <th scope="col">Where</th>
                  </tr>
                </thead>
                <tbody>
                  {rc.data.staff.map((p) => (
                    <tr key={p.person_id}>
                      <td className="tick">☐</td>
                      <th scope="row">{p.name}</th>
                      <td>{p.role}</td>
                      <td>{formatDateTime(p.last_seen_at)}</td>
                      <td>{p.last_place ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </div>
      ) : null}
    </Page>
  );
}
