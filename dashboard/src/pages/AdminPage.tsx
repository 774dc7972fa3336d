import type { PersonJson } from '../api/types';
import { apiJson } from '../api/client';
import { Page } from '../components/Page';
import { ErrorMessage, Loading } from '../components/Status';
import { TableWrap } from '../components/TableWrap';
import { useAsync } from '../hooks';
import { Link } from '../router';

const ROLE_LABELS: Record<string, string> = { reception: 'Reception', staff: 'Staff', manager: 'Manager', admin: 'Administrator', vendor: 'Vendor' };

/** People and their roles (GET /api/v1/people); editing comes next. */
export function AdminPage() {
  const people = useAsync((signal) => apiJson<{ people: PersonJson[] }>('/api/v1/people', { signal }), 'people');
  return (
    <Page title="Administration">
      <div className="notice notice-info" data-testid="coming">
        <p>
          <strong>Editing is coming.</strong> People, badges, access groups and rules, ethical walls and policy versions can be changed through the API today (see{' '}
          <a href="/api/openapi.json">the API description</a>), or imported with <code>npx safekeep import</code>. Devices and their health are under{' '}
          <Link to="/system">Health and devices</Link>.
        </p>
      </div>
      <section aria-labelledby="people-heading">
        <h2 id="people-heading">People{people.data ? ` (${people.data.people.length})` : ''}</h2>
        {people.error ? <ErrorMessage error={people.error} retry={people.reload} what="the people" /> : null}
        {people.loading && !people.data ? <Loading /> : null}
        {people.data ? (
          <TableWrap label="People">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {people.data.people.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td>{p.email ?? '—'}</td>
                    <td>{ROLE_LABELS[p.role] ?? p.role}</td>
                    <td>{p.active ? <span className="tag status-in">active</span> : <span className="tag">inactive</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </section>
    </Page>
  );
}
