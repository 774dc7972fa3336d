import type { PersonJson } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { FormStatus } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { Loaded } from '../../components/Status';
import { useAsync } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { useSession } from '../../session';
import { adminApi, type AccountJson } from './admin-api';

/**
 * Every sign-in account: whose it is, its role, whether it has a second factor, and a switch to
 * disable it (its sessions end at once) or enable it again. The server asks for the password and
 * code again, and refuses to let administrators disable their own account.
 */
export function AccountsSection({ people }: { people: PersonJson[] }) {
  const { session } = useSession();
  const me = session.status === 'signed-in' ? session.username : null;
  const accounts = useAsync((signal) => adminApi.accounts(signal), 'accounts');
  const change = useReauthSubmission([]);
  const nameOf = (a: AccountJson) => (a.kind === 'kiosk' ? 'Reception kiosk' : (people.find((p) => p.id === a.person_id)?.name ?? '—'));
  const toggle = (a: AccountJson) =>
    void change
      .run(() => (a.disabled ? adminApi.enableAccount(a.id) : adminApi.disableAccount(a.id)), a.disabled ? `${a.username} can sign in again.` : `${a.username} is disabled and signed out everywhere.`)
      .then((ok) => ok && accounts.reload());
  const columns = [
    { header: 'Username', rowHeader: true, cell: (a: AccountJson) => <span className="mono">{a.username}</span> },
    { header: 'Person', cell: nameOf },
    { header: 'Role', cell: (a: AccountJson) => a.role },
    { header: 'Second factor', cell: (a: AccountJson) => (a.second_factor ? 'enrolled' : 'none') },
    { header: 'Created', cell: (a: AccountJson) => formatDateTime(a.created_at) },
    { header: 'Status', cell: (a: AccountJson) => (a.disabled ? <span className="tag">disabled</span> : <span className="tag status-in">active</span>) },
    {
      header: 'Actions',
      hiddenHeader: true,
      cell: (a: AccountJson) =>
        a.username === me ? (
          <span className="muted">you</span>
        ) : (
          <button type="button" className="button small-button" disabled={change.busy} onClick={() => toggle(a)}>
            {a.disabled ? 'Enable' : 'Disable'}
            <span className="visually-hidden"> account {a.username}</span>
          </button>
        ),
    },
  ];
  return (
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Sign-in accounts</h2>
      <p className="muted">A person gets an account from the People section. Disable the account of anyone who leaves the firm.</p>
      <FormStatus problem={change.problem} done={change.done} />
      <Loaded state={accounts} what="the accounts">
        {(data) => <DataTable label="Sign-in accounts" columns={columns} rows={data.users} rowKey={(a) => a.id} empty="No accounts yet." />}
      </Loaded>
    </section>
  );
}
