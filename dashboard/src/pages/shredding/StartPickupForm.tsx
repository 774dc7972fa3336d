import { useState, type FormEvent } from 'react';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
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
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const started = await submission.run(() => shreddingApi.startBatch(chosen, seal.trim()), `Pickup started at ${chosen}.`);
    if (started) {
      setSeal('');
      bins.reload();
      onStarted();
    }
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="pickup-heading" noValidate>
      <h3 id="pickup-heading" className="form-title">
        Start a pickup
      </h3>
      {bins.error ? <ErrorMessage error={bins.error} retry={bins.reload} what="the shred bins" /> : null}
      <Field label="Shred bin" error={fields.bin}>
        {(a11y) => (
          <select {...a11y} value={chosen} onChange={(e) => setBin(e.target.value)} required>
            {(bins.data?.bins ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {b.name} — {b.awaiting_pickup} {b.awaiting_pickup === 1 ? 'file' : 'files'} waiting{b.held > 0 ? `, ${b.held} on hold` : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Seal number" hint="Printed on the bin's tamper seal" error={fields.seal_number}>
        {(a11y) => <input {...a11y} className="mono" value={seal} onChange={(e) => setSeal(e.target.value)} required maxLength={100} autoComplete="off" spellCheck={false} />}
      </Field>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={submission.busy || !chosen}>
          {submission.busy ? 'Starting…' : 'Start pickup'}
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}
