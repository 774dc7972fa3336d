import { useState } from 'react';
import type { PersonJson } from '../../api/types';
import { Field, FormCard, SelectField } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
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
  const submission = useReauthSubmission(FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    const account = { kind: 'person' as const, username: username.trim(), password, role, person_id: person.id };
    if (await submission.run(() => adminApi.createAccount(account), `${person.name} can sign in as ${username.trim()}.`)) setPassword('');
  };
  return (
    <FormCard title={`Sign-in account for ${person.name}`} submission={submission} onSubmit={submit} submitLabel="Create account" busyLabel="Creating…" primary={false}>
      <Field label="Username" error={fields.username}>
        {(a11y) => <input {...a11y} value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label="First password" hint="They change it after signing in" error={fields.password}>
        {(a11y) => <input {...a11y} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" />}
      </Field>
      <SelectField label="Account role" error={fields.role} value={role} onChange={setRole} options={ACCOUNT_ROLES} />
    </FormCard>
  );
}
