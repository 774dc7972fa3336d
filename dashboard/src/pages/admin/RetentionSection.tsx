import { useState } from 'react';
import { DataTable } from '../../components/DataTable';
import { Field, FormCard, SelectField } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { Loaded } from '../../components/Status';
import { useAsync } from '../../hooks';
import { adminApi, TRIGGERS, type RetentionClassJson, type RetentionTrigger } from './admin-api';

const triggerLabel = (t: string) => TRIGGERS.find((x) => x.value === t)?.label ?? t;

/** Retention classes: how long files of each kind are kept, counted from when. */
export function RetentionSection() {
  const classes = useAsync((signal) => adminApi.retentionClasses(signal), 'retention-classes');
  const [editing, setEditing] = useState<string | null>(null);
  const current = classes.data?.classes.find((c) => c.id === editing);
  return (
    <section aria-labelledby="retention-heading">
      <h2 id="retention-heading">Retention classes</h2>
      {current ? (
        <RetentionClassForm
          key={current.id}
          existing={current}
          onSaved={() => {
            setEditing(null);
            classes.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <RetentionClassForm onSaved={classes.reload} />
      )}
      <Loaded state={classes} what="the retention classes">
        {(data) => (
          <DataTable
            label="Retention classes"
            columns={[
              { header: 'Name', rowHeader: true, cell: (c: RetentionClassJson) => <span className="mono">{c.name}</span> },
              { header: 'Kept for', cell: (c: RetentionClassJson) => `${c.years} ${c.years === 1 ? 'year' : 'years'} ${triggerLabel(c.trigger)}` },
              { header: 'Then', cell: (c: RetentionClassJson) => (c.return_to_client ? 'Returned to the client' : 'Shredded') },
              {
                header: 'Actions',
                hiddenHeader: true,
                cell: (c: RetentionClassJson) => (
                  <button type="button" className="button small-button" onClick={() => setEditing(c.id)}>
                    Edit<span className="visually-hidden"> {c.name}</span>
                  </button>
                ),
              },
            ]}
            rows={data.classes}
            rowKey={(c) => c.id}
            empty="No retention class: files without one are never due for destruction."
          />
        )}
      </Loaded>
    </section>
  );
}

const FIELDS = ['name', 'trigger', 'years', 'return_to_client'] as const;

function RetentionClassForm({ existing, onSaved, onCancel }: { existing?: RetentionClassJson; onSaved: () => void; onCancel?: () => void }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [trigger, setTrigger] = useState<RetentionTrigger>((existing?.trigger as RetentionTrigger | undefined) ?? 'matter_closed');
  const [years, setYears] = useState(existing ? String(existing.years) : '7');
  const [returnToClient, setReturnToClient] = useState(existing?.return_to_client ?? false);
  const submission = useReauthSubmission(FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    // An empty entry goes as null, which the server refuses by name; Number('') would quietly be 0.
    const body = { name: name.trim(), trigger, years: (years.trim() === '' ? null : Number(years)) as number, return_to_client: returnToClient };
    const saved = await submission.run(
      () => (existing ? adminApi.updateRetentionClass(existing.id, body) : adminApi.addRetentionClass(body)),
      existing ? `${body.name} saved.` : `${body.name} created.`,
    );
    if (saved) {
      if (!existing) setName('');
      onSaved();
    }
  };
  return (
    <FormCard title={existing ? `Change ${existing.name}` : 'Add a retention class'} submission={submission} onSubmit={submit} submitLabel={existing ? 'Save changes' : 'Add class'} onCancel={onCancel}>
      <Field label="Name" hint='For example "closed+7y"' error={fields.name}>
        {(a11y) => <input {...a11y} className="mono" value={name} onChange={(e) => setName(e.target.value)} required maxLength={60} />}
      </Field>
      <Field label="Years kept" error={fields.years}>
        {(a11y) => <input {...a11y} type="number" inputMode="numeric" min={0} max={200} value={years} onChange={(e) => setYears(e.target.value)} required />}
      </Field>
      <SelectField label="Counted from" error={fields.trigger} value={trigger} onChange={setTrigger} options={TRIGGERS} />
      <label className="check">
        <input type="checkbox" checked={returnToClient} onChange={(e) => setReturnToClient(e.target.checked)} /> Originals go back to the client
      </label>
    </FormCard>
  );
}
