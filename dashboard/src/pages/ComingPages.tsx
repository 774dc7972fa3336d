import type { ReactNode } from 'react';
import { visitorsApi, VisitorsUnavailable } from '../api/visitors';
import { Page } from '../components/Page';
import { ErrorMessage, Loading } from '../components/Status';
import { useAsync } from '../hooks';
import { formatDateTime } from '../lib/time';
import { Link } from '../router';

/** A page whose API does not exist yet: says what it will hold and what it waits for. */
function Coming({ title, intro, items, waitsFor, children }: { title: string; intro: string; items: string[]; waitsFor: string; children?: ReactNode }) {
  return (
    <Page title={title}>
      <div className="notice notice-info coming" data-testid="coming">
        <p>
          <strong>Coming.</strong> {intro}
        </p>
        <p className="small">Waiting for: {waitsFor}</p>
      </div>
      <h2>What this page will hold</h2>
      <ul className="coming-list">
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      {children}
    </Page>
  );
}

export function CabinetsPage() {
  return (
    <Coming
      title="Cabinets"
      intro="Each cabinet's state at a glance: locked or open, who has it open now, and its alarms."
      items={['Door and lock state of every cabinet, live', 'The current visit: who opened it and since when', 'Held-open, forced and after-hours alarms per cabinet', 'Files that belong here but are out']}
      waitsFor="a cabinets API (GET /api/v1/cabinets with state and current visit). Cabinet events already show in the live feed."
    >
      <p>
        Meanwhile: <Link to="/">live activity</Link> shows cabinet openings, closings and alarms as they happen.
      </p>
    </Coming>
  );
}

export function VisitorsPage() {
  const onSite = useAsync((signal) => visitorsApi.onSite(signal), 'on-site');
  if (onSite.error instanceof VisitorsUnavailable || (onSite.loading && !onSite.data)) {
    return (
      <Coming
        title="Visitors"
        intro="Who is on site now, the visitor log, pre-registration, and a printable evacuation roll call."
        items={['Visitors on site now, with whom they visit', 'The visitor log, searchable by day', 'Pre-registration: a QR code sent ahead of the visit', 'A printable evacuation roll call']}
        waitsFor="the visitors API (/api/v1/visitors), being built now. The reception kiosk is ready for it."
      >
        {onSite.loading ? <Loading label="Looking for the visitors service…" /> : null}
        <p>
          <Link to="/kiosk">Open the reception kiosk</Link>
        </p>
      </Coming>
    );
  }
  return (
    <Page title="Visitors">
      {onSite.error ? <ErrorMessage error={onSite.error} retry={onSite.reload} what="the visitors on site" /> : null}
      {onSite.data ? (
        <section aria-labelledby="onsite-heading">
          <h2 id="onsite-heading">On site now ({onSite.data.visitors.length})</h2>
          <ul className="plain-list">
            {onSite.data.visitors.map((v) => (
              <li key={v.visit_id}>
                <strong>{v.name}</strong>
                {v.company ? `, ${v.company}` : ''} — visiting {v.visiting}, since {formatDateTime(v.signed_in_at)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p>
        <Link to="/kiosk">Open the reception kiosk</Link>
      </p>
    </Page>
  );
}

export function ShreddingPage() {
  return (
    <Coming
      title="Shredding"
      intro="Confidential-waste bins, destruction batches and certificates, and the files eligible for destruction."
      items={['Bins and what has been deposited in each', 'Batches collected by the shredding contractor', 'Certificates of destruction, downloadable', 'Files past their retention period and not on legal hold']}
      waitsFor="the disposal API (server/disposal), being built now."
    />
  );
}

export function ReportsPage() {
  return (
    <Coming
      title="Reports"
      intro="Downloads for audits and charts of activity over time."
      items={['CSV and PDF downloads: custody by file, by person, by cabinet', 'Activity over time (check-outs, openings, alerts)', 'Files out longer than allowed']}
      waitsFor="a reports API (CSV and PDF endpoints)."
    />
  );
}

export function AdminPage() {
  return (
    <Coming
      title="Administration"
      intro="People, badges, devices, access groups, retention classes, legal holds and NDA versions."
      items={['People and their badges', 'Access groups and which cabinets they open, when', 'Retention classes and legal holds', 'NDA versions shown at the kiosk', 'Devices with their health']}
      waitsFor="sign-in and roles (server/auth, being built now) and the administration APIs. People, badges and files can be imported today with `npx safekeep import`."
    >
      <p>
        Meanwhile: <Link to="/system">health and devices</Link>.
      </p>
    </Coming>
  );
}

export function NotFoundPage({ path }: { path: string }) {
  return (
    <Page title="Page not found">
      <p>
        There is no page at <code>{path}</code>. <Link to="/">Go to the live activity</Link>.
      </p>
    </Page>
  );
}
