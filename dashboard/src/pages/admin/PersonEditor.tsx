import { useState } from 'react';
import type { PersonJson } from '../../api/types';
import { Field, FormCard, SelectField } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
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
  const submission = useReauthSubmission(FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
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
    if (await submission.run(() => adminApi.updatePerson(person.id, change))) onSaved();
  };
  return (
    <FormCard
      title={`Change ${person.name}`}
      testId="person-editor"
      submission={submission}
      onSubmit={submit}
      submitLabel="Save changes"
      busyLabel="Saving…"
      onCancel={onClose}
      footnote={fields.active ? <p className="field-error">{fields.active}</p> : null}
    >
      <SelectField label="Role" error={fields.role} value={role} onChange={setRole} options={PERSON_ROLES} />
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
    </FormCard>
  );
}
