import { useState, type FormEvent } from 'react';
import type { PersonJson } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
import { useReauth } from '../../components/ReauthDialog';
import { ErrorMessage, Loading } from '../../components/Status';
import { useAsync } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { personLabel } from '../../people';
import { adminApi, type WallJson } from './admin-api';

/** Ethical walls: a person screened from a client (or one matter) opens none of its files' cabinets. */
export function WallsSection({ people }: { people: PersonJson[] }) {
  const walls = useAsync((signal) => adminApi.walls(signal), 'walls');
  const byId = new Map(people.map((p) => [p.id, p]));
  return (
    <section aria-labelledby="walls-heading">
      <h2 id="walls-heading">Ethical walls</h2>
      <WallForm people={people} onPlaced={walls.reload} />
      {walls.error ? <ErrorMessage error={walls.error} retry={walls.reload} what="the ethical walls" /> : null}
      {walls.loading && !walls.data ? <Loading /> : null}
      {walls.data ? (
        <DataTable
          label="Ethical walls"
          columns={[
            { header: 'Person', rowHeader: true, cell: (w: WallJson) => personLabel(w.person_id, byId) },
            { header: 'Screened from', cell: (w: WallJson) => (w.matter ? `${w.client}, matter ${w.matter}` : `${w.client} (every matter)`) },
            { header: 'Reason', cell: (w: WallJson) => w.reason },
            { header: 'Since', cell: (w: WallJson) => formatDateTime(w.created_at) },
          ]}
          rows={walls.data.walls}
          rowKey={(w) => w.id}
          empty="Nobody is screened from any client."
        />
      ) : null}
    </section>
  );
}

const FIELDS = ['person_id', 'client', 'matter', 'reason'] as const;

function WallForm({ people, onPlaced }: { people: PersonJson[]; onPlaced: () => void }) {
  const [form, setForm] = useState({ person_id: '', client: '', matter: '', reason: '' });
  const submission = useSubmission(FIELDS);
  const withReauth = useReauth();
  const { fields } = submission.problem;
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const wall = { person_id: form.person_id, client: form.client.trim(), reason: form.reason.trim(), ...(form.matter.trim() ? { matter: form.matter.trim() } : {}) };
    if (await submission.run(() => withReauth(() => adminApi.addWall(wall)), 'The wall is in place.')) {
      setForm({ person_id: '', client: '', matter: '', reason: '' });
      onPlaced();
    }
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="wall-form-heading" noValidate>
      <h3 id="wall-form-heading" className="form-title">
        Screen a person
      </h3>
      <Field label="Person" error={fields.person_id}>
        {(a11y) => (
          <select {...a11y} value={form.person_id} onChange={set('person_id')} required>
            <option value="">Choose…</option>
            {people
              .filter((p) => p.active)
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
          </select>
        )}
      </Field>
      <Field label="Client" error={fields.client}>
        {(a11y) => <input {...a11y} value={form.client} onChange={set('client')} required maxLength={200} />}
      </Field>
      <Field label="Matter (optional)" hint="Empty: every matter of the client" error={fields.matter}>
        {(a11y) => <input {...a11y} value={form.matter} onChange={set('matter')} maxLength={200} />}
      </Field>
      <Field label="Reason" className="form-wide" error={fields.reason}>
        {(a11y) => <input {...a11y} value={form.reason} onChange={set('reason')} required maxLength={500} />}
      </Field>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={submission.busy}>
          {submission.busy ? 'Placing…' : 'Place the wall'}
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}
