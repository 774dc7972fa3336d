import { useState } from 'react';
import type { PersonJson } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { Field, FormCard, SelectField } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { adminApi, PERSON_ROLES, roleLabel, type PersonRole } from './admin-api';
import { AccountForm } from './AccountForm';
import { PersonEditor } from './PersonEditor';

/** People in the directory: admins add them and change their role, status and dates of access. */
export function PeopleSection({ people, isAdmin, onChanged }: { people: PersonJson[]; isAdmin: boolean; onChanged: () => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const columns: Column<PersonJson>[] = [
    { header: 'Name', rowHeader: true, cell: (p) => p.name },
    { header: 'Email', cell: (p) => p.email ?? '—' },
    { header: 'Role', cell: (p) => roleLabel(p.role) },
    { header: 'Status', cell: (p) => (p.active ? <span className="tag status-in">active</span> : <span className="tag">inactive</span>) },
  ];
  if (isAdmin) {
    columns.push({
      header: 'Actions',
      hiddenHeader: true,
      cell: (p) => (
        <button type="button" className="button small-button" aria-expanded={editing === p.id} onClick={() => setEditing(editing === p.id ? null : p.id)}>
          Edit<span className="visually-hidden"> {p.name}</span>
        </button>
      ),
    });
  }
  const person = people.find((p) => p.id === editing);
  return (
    <section aria-labelledby="people-heading">
      <h2 id="people-heading">People ({people.length})</h2>
      {isAdmin ? <AddPersonForm onAdded={onChanged} /> : <p className="small muted">Only administrators add people or change their role.</p>}
      {person ? (
        <PersonEditor
          key={person.id}
          person={person}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            onChanged();
          }}
        />
      ) : null}
      {person && person.role !== 'vendor' ? <AccountForm key={`account-${person.id}`} person={person} /> : null}
      <DataTable label="People" columns={columns} rows={people} rowKey={(p) => p.id} empty="Nobody yet: add the first person above, or import people with npx safekeep import." />
    </section>
  );
}

const ADD_FIELDS = ['name', 'email', 'role'] as const;

function AddPersonForm({ onAdded }: { onAdded: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<PersonRole>('staff');
  const submission = useReauthSubmission(ADD_FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    const added = await submission.run(() => adminApi.addPerson({ name: name.trim(), role, ...(email.trim() ? { email: email.trim() } : {}) }), `${name.trim()} was added.`);
    if (added) {
      setName('');
      setEmail('');
      onAdded();
    }
  };
  return (
    <FormCard title="Add a person" submission={submission} onSubmit={submit} submitLabel="Add person" busyLabel="Adding…">
      <Field label="Full name" error={fields.name}>
        {(a11y) => <input {...a11y} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} autoComplete="off" />}
      </Field>
      <Field label="Email (optional)" error={fields.email}>
        {(a11y) => <input {...a11y} type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={200} autoComplete="off" />}
      </Field>
      <SelectField label="Role" error={fields.role} value={role} onChange={setRole} options={PERSON_ROLES} />
    </FormCard>
  );
}
