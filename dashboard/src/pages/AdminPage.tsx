import type { ReactNode } from 'react';
import { Page } from '../components/Page';
import { ReauthProvider } from '../components/ReauthDialog';
import { Loaded } from '../components/Status';
import { useAsync } from '../hooks';
import { Link, useRouter } from '../router';
import { useSession } from '../session';
import type { PersonJson } from '../api/types';
import { AccessGroupsSection } from './admin/AccessGroupsSection';
import { AccountsSection } from './admin/AccountsSection';
import { adminApi } from './admin/admin-api';
import { BadgesSection } from './admin/BadgesSection';
import { HoldsSection } from './admin/HoldsSection';
import { NdaSection } from './admin/NdaSection';
import { PeopleSection } from './admin/PeopleSection';
import { PolicySection } from './admin/PolicySection';
import { RetentionSection } from './admin/RetentionSection';
import { WallsSection } from './admin/WallsSection';

interface Section {
  id: string;
  label: string;
  /** Sections whose every route is for administrators (server/api/routes/admin.ts). */
  adminOnly?: boolean;
  render(people: PersonJson[], ctx: { isAdmin: boolean; reloadPeople: () => void }): ReactNode;
}

const SECTIONS: readonly Section[] = [
  { id: 'people', label: 'People', render: (people, { isAdmin, reloadPeople }) => <PeopleSection people={people} isAdmin={isAdmin} onChanged={reloadPeople} /> },
  { id: 'badges', label: 'Badges', adminOnly: true, render: (people) => <BadgesSection people={people} /> },
  { id: 'accounts', label: 'Sign-in accounts', adminOnly: true, render: (people) => <AccountsSection people={people} /> },
  { id: 'access', label: 'Access groups', render: (people, { isAdmin }) => <AccessGroupsSection people={people} isAdmin={isAdmin} /> },
  { id: 'walls', label: 'Ethical walls', render: (people) => <WallsSection people={people} /> },
  { id: 'retention', label: 'Retention classes', render: () => <RetentionSection /> },
  { id: 'holds', label: 'Legal holds', render: (people) => <HoldsSection people={people} /> },
  { id: 'policy', label: 'Confidentiality policy', render: (people, { isAdmin }) => <PolicySection people={people.filter((p) => p.active).length} isAdmin={isAdmin} /> },
  { id: 'nda', label: 'Visitor agreement', render: () => <NdaSection /> },
];

/**
 * Administration for managers and administrators, one section at a time (?section=holds, so a
 * section can be linked to and survives a reload). Every change is audited by the server; legal
 * holds and user administration ask for the password again.
 */
export function AdminPage() {
  const { can } = useSession();
  const isAdmin = can(['admin']);
  const { location } = useRouter();
  const people = useAsync((signal) => adminApi.people(signal), 'people');
  const visible = SECTIONS.filter((s) => isAdmin || !s.adminOnly);
  const section = visible.find((s) => s.id === location.search.get('section')) ?? visible[0]!;
  return (
    <Page title="Administration">
      <ReauthProvider>
        <nav aria-label="Administration sections" className="subnav">
          <ul>
            {visible.map((s) => (
              <li key={s.id}>
                <Link to={s.id === 'people' ? '/admin' : `/admin?section=${s.id}`} aria-current={s.id === section.id ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
            <li>
              <Link to="/system">Devices and their health</Link>
            </li>
          </ul>
        </nav>
        <Loaded state={people} what="the people">
          {(data) => section.render(data.people, { isAdmin, reloadPeople: people.reload })}
        </Loaded>
      </ReauthProvider>
    </Page>
  );
}
