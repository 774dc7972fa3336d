import { useState } from 'react';
import { Field, FormCard, SelectField, useSubmission } from '../../components/FormField';
import { ErrorMessage } from '../../components/Status';
import { useAsync } from '../../hooks';
import { shreddingApi } from './shredding-api';

const FIELDS = ['bin', 'seal_number'] as const;

/**
 * Starts the contractor's pickup at a bin: every file deposited there since the last pickup joins
 * the batch, and the bin's lock opens when it has one. The seal number is read off the bag or bin.
 */
export function StartPickupForm({ onStarted }: { onStarted: () => void }) {
  const bins = useAsync((signal) => shreddingApi.bins(signal), 'bins');
  const [bin, setBin] = useState('');
  const [seal, setSeal] = useState('');
  const submission = useSubmission(FIELDS);
  const { fields } = submission.problem;
  const chosen = bin || bins.data?.bins.find((b) => b.awaiting_pickup > 0)?.id || bins.data?.bins[0]?.id || '';
  const submit = async () => {
    const started = await submission.run(() => shreddingApi.startBatch(chosen, seal.trim()), `Pickup started at ${chosen}.`);
    if (started) {
      setSeal('');
      bins.reload();
      onStarted();
    }
  };
  return (
    <FormCard title="Start a pickup" submission={submission} onSubmit={submit} submitLabel="Start pickup" busyLabel="Starting…" disabled={!chosen}>
      {bins.error ? <ErrorMessage error={bins.error} retry={bins.reload} what="the shred bins" /> : null}
      <SelectField
        label="Shred bin"
        error={fields.bin}
        value={chosen}
        onChange={setBin}
        options={(bins.data?.bins ?? []).map((b) => ({ value: b.id, label: `${b.name} — ${b.awaiting_pickup} ${b.awaiting_pickup === 1 ? 'file' : 'files'} waiting${b.held > 0 ? `, ${b.held} on hold` : ''}` }))}
        required
      />
      <Field label="Seal number" hint="Printed on the bin's tamper seal" error={fields.seal_number}>
        {(a11y) => <input {...a11y} className="mono" value={seal} onChange={(e) => setSeal(e.target.value)} required maxLength={100} autoComplete="off" spellCheck={false} />}
      </Field>
    </FormCard>
  );
}
