import { useState, type FormEvent } from 'react';
import type { PersonJson } from '../../api/types';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
import { useReauth } from '../../components/ReauthDialog';
import { adminApi, type HoldJson } from './admin-api';

type Scope = 'record' | 'matter' | 'client';
const PLACE_FIELDS = ['scope', 'barcode', 'client', 'matter', 'reason', 'approved_by'] as const;

function ApproverSelect({ approvers, value, onChange, error }: { approvers: PersonJson[]; value: string; onChange: (id: string) => void; error: string | undefined }) {
  return (
    <Field label="Approved by" hint="Another manager or administrator" error={error}>
      {(a11y) => (
        <select {...a11y} value={value} onChange={(e) => onChange(e.target.value)} required>
          <option value="">Choose…</option>
          {approvers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Places a hold on one file, a client's matter or a whole client. */
export function PlaceHoldForm({ approvers, onPlaced }: { approvers: PersonJson[]; onPlaced: () => void }) {
  const [scope, setScope] = useState<Scope>('record');
  const [form, setForm] = useState({ barcode: '', client: '', matter: '', reason: '', approved_by: '' });
  const submission = useSubmission(PLACE_FIELDS);
  const withReauth = useReauth();
  const { fields } = submission.problem;
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const where =
      scope === 'record' ? { barcode: form.barcode.trim().toUpperCase() } : scope === 'matter' ? { client: form.client.trim(), matter: form.matter.trim() } : { client: form.client.trim() };
    const hold = { scope, ...where, reason: form.reason.trim(), approved_by: form.approved_by };
    if (await submission.run(() => withReauth(() => adminApi.placeHold(hold)), 'The hold is in force.')) {
      setForm({ barcode: '', client: '', matter: '', reason: '', approved_by: '' });
      onPlaced();
    }
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="place-hold-heading" noValidate>
      <h3 id="place-hold-heading" className="form-title">
        Place a legal hold
      </h3>
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
      <ApproverSelect approvers={approvers} value={form.approved_by} onChange={(id) => setForm((f) => ({ ...f, approved_by: id }))} error={fields.approved_by} />
      <Field label="Reason" className="form-wide" error={fields.reason}>
        {(a11y) => <textarea {...a11y} rows={2} value={form.reason} onChange={set('reason')} required maxLength={1000} />}
      </Field>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={submission.busy}>
          {submission.busy ? 'Placing…' : 'Place hold'}
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}

const RELEASE_FIELDS = ['reason', 'approved_by'] as const;

/** Releases a hold: the files it covered may become due for destruction again. */
export function ReleaseHoldForm({ hold, subject, approvers, onReleased, onClose }: { hold: HoldJson; subject: string; approvers: PersonJson[]; onReleased: () => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [approvedBy, setApprovedBy] = useState('');
  const submission = useSubmission(RELEASE_FIELDS);
  const withReauth = useReauth();
  const { fields } = submission.problem;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await submission.run(() => withReauth(() => adminApi.releaseHold(hold.id, { reason: reason.trim(), approved_by: approvedBy })))) onReleased();
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="release-hold-heading" data-testid="release-hold" noValidate>
      <h3 id="release-hold-heading" className="form-title">
        Release the hold on {subject}
      </h3>
      <ApproverSelect approvers={approvers} value={approvedBy} onChange={setApprovedBy} error={fields.approved_by} />
      <Field label="Reason for the release" className="form-wide" error={fields.reason}>
        {(a11y) => <textarea {...a11y} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1000} />}
      </Field>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={submission.busy}>
          {submission.busy ? 'Releasing…' : 'Release hold'}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} />
      </div>
    </form>
  );
}
