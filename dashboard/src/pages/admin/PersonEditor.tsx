import { useState, type FormEvent } from 'react';
import type { PersonJson } from '../../api/types';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
import { useReauth } from '../../components/ReauthDialog';
import { adminApi, PERSON_ROLES, type PersonRole } from './admin-api';

const FIELDS = ['role', 'active', 'valid_from', 'valid_until'] as const;

/**
 * Changes one person's role, status and the dates their access is valid. Dates left empty are
 * left as they are; disabling someone stops their badges at every cabinet at once.
 */
export function PersonEditor({ person, onSaved, onClose }: { person: PersonJson; onSaved: () => void; onClose: () => void }) {
  const [role, setRole] = useState<PersonRole>(person.role as PersonRole);
  const [active, setActive] = useState(person.active);
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const submission = useSubmission(FIELDS);
  const withReauth = useReauth();
  const { fields } = submission.problem;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const change = {
      ...(role !== person.role ? { role } : {}),
      ...(active !== person.active ? { active } : {}),
      ...(validFrom ? { valid_from: new Date(`${validFrom}T00:00:00`).toISOString() } : {}),
      ...(validUntil ? { valid_until: new Date(`${validUntil}T23:59:59`).toISOString() } : {}),
    };
    if (Object.keys(change).length === 0) {
      onClose();
      return;
    }
    if (await submission.run(() => withReauth(() => adminApi.updatePerson(person.id, change)))) onSaved();
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="edit-person-heading" data-testid="person-editor" noValidate>
      <h3 id="edit-person-heading" className="form-title">
        Change {person.name}
      </h3>
      <Field label="Role" error={fields.role}>
        {(a11y) => (
          <select {...a11y} value={role} onChange={(e) => setRole(e.target.value as PersonRole)}>
            {PERSON_ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Access valid from (optional)" error={fields.valid_from}>
        {(a11y) => <input {...a11y} type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} />}
      </Field>
      <Field label="Access valid until (optional)" error={fields.valid_until}>
        {(a11y) => <input {...a11y} type="date" value={validUntil} onChange={(e) => setValidUntil(e.target.value)} />}
      </Field>
      <label className="check">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} aria-invalid={fields.active ? true : undefined} /> Active (their badges open
        cabinets)
      </label>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={submission.busy}>
          {submission.busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} />
        {fields.active ? <p className="field-error">{fields.active}</p> : null}
      </div>
    </form>
  );
}
