import type { ReactNode } from 'react';
import { Page } from '../components/Page';
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

export function NotFoundPage({ path }: { path: string }) {
  return (
    <Page title="Page not found">
      <p>
        There is no page at <code>{path}</code>. <Link to="/">Go to the live activity</Link>.
      </p>
    </Page>
  );
}
