import type { PersonJson } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Field, FormCard, SelectField, useFields } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { Loaded } from '../../components/Status';
import { useAsync } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { personLabel } from '../../people';
import { adminApi, personChoices, type WallJson } from './admin-api';

/** Ethical walls: a person screened from a client (or one matter) opens none of its files' cabinets. */
export function WallsSection({ people }: { people: PersonJson[] }) {
  const walls = useAsync((signal) => adminApi.walls(signal), 'walls');
  const byId = new Map(people.map((p) => [p.id, p]));
  return (
    <section aria-labelledby="walls-heading">
      <h2 id="walls-heading">Ethical walls</h2>
      <WallForm people={people} onPlaced={walls.reload} />
      <Loaded state={walls} what="the ethical walls">
        {(data) => (
          <DataTable
            label="Ethical walls"
            columns={[
              { header: 'Person', rowHeader: true, cell: (w: WallJson) => personLabel(w.person_id, byId) },
              { header: 'Screened from', cell: (w: WallJson) => (w.matter ? `${w.client}, matter ${w.matter}` : `${w.client} (every matter)`) },
              { header: 'Reason', cell: (w: WallJson) => w.reason },
              { header: 'Since', cell: (w: WallJson) => formatDateTime(w.created_at) },
            ]}
            rows={data.walls}
            rowKey={(w) => w.id}
            empty="Nobody is screened from any client."
          />
        )}
      </Loaded>
    </section>
  );
}

const FIELDS = ['person_id', 'client', 'matter', 'reason'] as const;

function WallForm({ people, onPlaced }: { people: PersonJson[]; onPlaced: () => void }) {
  const { values: form, set, setValue, reset } = useFields({ person_id: '', client: '', matter: '', reason: '' });
  const submission = useReauthSubmission(FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    const wall = { person_id: form.person_id, client: form.client.trim(), reason: form.reason.trim(), ...(form.matter.trim() ? { matter: form.matter.trim() } : {}) };
    if (await submission.run(() => adminApi.addWall(wall), 'The wall is in place.')) {
      reset();
      onPlaced();
    }
  };
  return (
    <FormCard title="Screen a person" submission={submission} onSubmit={submit} submitLabel="Place the wall" busyLabel="Placing…">
      <SelectField
        label="Person"
        error={fields.person_id}
        value={form.person_id}
        onChange={(id) => setValue('person_id', id)}
        options={personChoices(people.filter((p) => p.active))}
        placeholder="Choose…"
        required
      />
      <Field label="Client" error={fields.client}>
        {(a11y) => <input {...a11y} value={form.client} onChange={set('client')} required maxLength={200} />}
      </Field>
      <Field label="Matter (optional)" hint="Empty: every matter of the client" error={fields.matter}>
        {(a11y) => <input {...a11y} value={form.matter} onChange={set('matter')} maxLength={200} />}
      </Field>
      <Field label="Reason" className="form-wide" error={fields.reason}>
        {(a11y) => <input {...a11y} value={form.reason} onChange={set('reason')} required maxLength={500} />}
      </Field>
    </FormCard>
  );
}
