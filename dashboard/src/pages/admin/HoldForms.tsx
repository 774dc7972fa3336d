import { useState } from 'react';
import type { PersonJson } from '../../api/types';
import { Field, FormCard, SelectField, useFields } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { adminApi, personChoices, type HoldJson } from './admin-api';

type Scope = 'record' | 'matter' | 'client';
const PLACE_FIELDS = ['scope', 'barcode', 'client', 'matter', 'reason', 'approved_by'] as const;

function ApproverSelect({ approvers, value, onChange, error }: { approvers: PersonJson[]; value: string; onChange: (id: string) => void; error: string | undefined }) {
  return <SelectField label="Approved by" hint="Another manager or administrator" error={error} value={value} onChange={onChange} options={personChoices(approvers)} placeholder="Choose…" required />;
}

/** Places a hold on one file, a client's matter or a whole client. */
export function PlaceHoldForm({ approvers, onPlaced }: { approvers: PersonJson[]; onPlaced: () => void }) {
  const [scope, setScope] = useState<Scope>('record');
  const { values: form, set, setValue, reset } = useFields({ barcode: '', client: '', matter: '', reason: '', approved_by: '' });
  const submission = useReauthSubmission(PLACE_FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    const where =
      scope === 'record' ? { barcode: form.barcode.trim().toUpperCase() } : scope === 'matter' ? { client: form.client.trim(), matter: form.matter.trim() } : { client: form.client.trim() };
    const hold = { scope, ...where, reason: form.reason.trim(), approved_by: form.approved_by };
    if (await submission.run(() => adminApi.placeHold(hold), 'The hold is in force.')) {
      reset();
      onPlaced();
    }
  };
  return (
    <FormCard title="Place a legal hold" submission={submission} onSubmit={submit} submitLabel="Place hold" busyLabel="Placing…">
      <fieldset className="form-wide radio-row">
        <legend>Hold</legend>
        {(
          [
            ['record', 'One file'],
            ['matter', 'A matter'],
            ['client', 'A whole client'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="check">
            <input type="radio" name="hold-scope" value={value} checked={scope === value} onChange={() => setScope(value)} /> {label}
          </label>
        ))}
        {fields.scope ? <span className="field-error">{fields.scope}</span> : null}
      </fieldset>
      {scope === 'record' ? (
        <Field label="File barcode" error={fields.barcode}>
          {(a11y) => <input {...a11y} className="mono" value={form.barcode} onChange={set('barcode')} required autoComplete="off" spellCheck={false} />}
        </Field>
      ) : (
        <Field label="Client" error={fields.client}>
          {(a11y) => <input {...a11y} value={form.client} onChange={set('client')} required maxLength={200} />}
        </Field>
      )}
      {scope === 'matter' ? (
        <Field label="Matter" error={fields.matter}>
          {(a11y) => <input {...a11y} value={form.matter} onChange={set('matter')} required maxLength={200} />}
        </Field>
      ) : null}
      <ApproverSelect approvers={approvers} value={form.approved_by} onChange={(id) => setValue('approved_by', id)} error={fields.approved_by} />
      <Field label="Reason" className="form-wide" error={fields.reason}>
        {(a11y) => <textarea {...a11y} rows={2} value={form.reason} onChange={set('reason')} required maxLength={1000} />}
      </Field>
    </FormCard>
  );
}

const RELEASE_FIELDS = ['reason', 'approved_by'] as const;

/** Releases a hold: the files it covered may become due for destruction again. */
export function ReleaseHoldForm({ hold, subject, approvers, onReleased, onClose }: { hold: HoldJson; subject: string; approvers: PersonJson[]; onReleased: () => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [approvedBy, setApprovedBy] = useState('');
  const submission = useReauthSubmission(RELEASE_FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    if (await submission.run(() => adminApi.releaseHold(hold.id, { reason: reason.trim(), approved_by: approvedBy }))) onReleased();
  };
  return (
    <FormCard title={`Release the hold on ${subject}`} testId="release-hold" submission={submission} onSubmit={submit} submitLabel="Release hold" busyLabel="Releasing…" onCancel={onClose}>
      <ApproverSelect approvers={approvers} value={approvedBy} onChange={setApprovedBy} error={fields.approved_by} />
      <Field label="Reason for the release" className="form-wide" error={fields.reason}>
        {(a11y) => <textarea {...a11y} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1000} />}
      </Field>
    </FormCard>
  );
}
