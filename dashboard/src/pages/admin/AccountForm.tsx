import { useState, type FormEvent } from 'react';
import type { PersonJson } from '../../api/types';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
import { useReauth } from '../../components/ReauthDialog';
import { adminApi, PERSON_ROLES } from './admin-api';

const FIELDS = ['username', 'password', 'role'] as const;
/** Vendors never sign in (server/auth/accounts.ts USER_ROLES). */
const ACCOUNT_ROLES = PERSON_ROLES.filter((r) => r.value !== 'vendor');

/**
 * Gives a person a sign-in account for the dashboard (user administration: the server asks for
 * the administrator's password and code again). Managers and admins enrol an authenticator at
 * their first sign-in; the password is checked against the breached-password list.
 */
export function AccountForm({ person }: { person: PersonJson }) {
  const [username, setUsername] = useState(person.email?.split('@')[0] ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState(ACCOUNT_ROLES.some((r) => r.value === person.role) ? person.role : 'staff');
  const submission = useSubmission(FIELDS);
  const withReauth = useReauth();
  const { fields } = submission.problem;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const account = { kind: 'person' as const, username: username.trim(), password, role, person_id: person.id };
    if (await submission.run(() => withReauth(() => adminApi.createAccount(account)), `${person.name} can sign in as ${username.trim()}.`)) setPassword('');
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="account-heading" noValidate>
      <h3 id="account-heading" className="form-title">
        Sign-in account for {person.name}
      </h3>
      <Field label="Username" error={fields.username}>
        {(a11y) => <input {...a11y} value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label="First password" hint="They change it after signing in" error={fields.password}>
        {(a11y) => <input {...a11y} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" />}
      </Field>
      <Field label="Account role" error={fields.role}>
        {(a11y) => (
          <select {...a11y} value={role} onChange={(e) => setRole(e.target.value)}>
            {ACCOUNT_ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="button-row">
        <button type="submit" className="button" disabled={submission.busy}>
          {submission.busy ? 'Creating…' : 'Create account'}
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}
