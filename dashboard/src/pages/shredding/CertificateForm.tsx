import { useRef, useState } from 'react';
import { Field, FormCard, useFields, useSubmission } from '../../components/FormField';
import { formatDateTime } from '../../lib/time';
import { shreddingApi, type Batch, type CertificateForm as Fields, type Certification } from './shredding-api';

const FIELDS = ['serial_number', 'destroyed_on', 'place', 'method', 'operator_name', 'barcodes', 'file'] as const;
const METHODS = ['cross-cut shredding', 'pulping', 'incineration', 'disintegration'];
const today = () => new Date().toLocaleDateString('en-CA');

/**
 * Records the contractor's certificate of destruction for a pickup, with the scanned certificate.
 * Files it covers are marked destroyed; a certificate listing barcodes covers only those, and the
 * answer says which were refused (still held, never deposited) so the gap shows at once.
 */
export function CertificateForm({ batch, onRecorded, onClose }: { batch: Batch; onRecorded: () => void; onClose: () => void }) {
  const { values: form, set } = useFields<Fields>({ serial_number: '', destroyed_on: today(), place: '', method: METHODS[0]!, operator_name: '', barcodes: '' });
  const fileInput = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<Certification | null>(null);
  const submission = useSubmission(FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    const file = fileInput.current?.files?.[0] ?? null;
    const recorded = await submission.run(async () => setResult(await shreddingApi.recordCertificate(batch.id, form, file)));
    if (recorded) onRecorded();
  };
  if (result) {
    return (
      <div className="card" role="status" data-testid="certificate-recorded">
        <h3>Certificate {result.certificate.serial_number} recorded</h3>
        <p>
          {result.certified.length} {result.certified.length === 1 ? 'file is' : 'files are'} now recorded as destroyed.
          {result.refused.length > 0 ? ` Refused: ${result.refused.map((r) => `${r.barcode} (${r.reason})`).join(', ')}.` : ''}
          {result.extra.length > 0 ? ` Listed on the certificate but never deposited: ${result.extra.join(', ')}.` : ''}
        </p>
        <button type="button" className="button" onClick={onClose}>
          Done
        </button>
      </div>
    );
  }
  return (
    <FormCard
      title={`Certificate of destruction for the pickup of ${formatDateTime(batch.started_at)} (${batch.bin}, ${batch.files} ${batch.files === 1 ? 'file' : 'files'})`}
      testId="certificate-form"
      submission={submission}
      onSubmit={submit}
      submitLabel="Record certificate"
      busyLabel="Recording…"
      onCancel={onClose}
    >
      <Field label="Serial number" error={fields.serial_number}>
        {(a11y) => <input {...a11y} className="mono" value={form.serial_number} onChange={set('serial_number')} required maxLength={100} autoComplete="off" />}
      </Field>
      <Field label="Destroyed on" error={fields.destroyed_on}>
        {(a11y) => <input {...a11y} type="date" value={form.destroyed_on} onChange={set('destroyed_on')} required />}
      </Field>
      <Field label="Place of destruction" error={fields.place}>
        {(a11y) => <input {...a11y} value={form.place} onChange={set('place')} required maxLength={300} />}
      </Field>
      <Field label="Method" error={fields.method}>
        {(a11y) => (
          <>
            <input {...a11y} list="destruction-methods" value={form.method} onChange={set('method')} required maxLength={100} />
            <datalist id="destruction-methods">
              {METHODS.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field label="Operator or witness" hint="As signed on the certificate; kept off the custody log" error={fields.operator_name}>
        {(a11y) => <input {...a11y} value={form.operator_name} onChange={set('operator_name')} required maxLength={200} autoComplete="off" />}
      </Field>
      <Field label="Certificate file" hint="The signed certificate, scanned (PDF or image)" error={fields.file}>
        {(a11y) => <input {...a11y} ref={fileInput} type="file" accept="application/pdf,image/*" required />}
      </Field>
      <Field label="Barcodes listed (optional)" hint="Only if the certificate lists files; empty means the whole pickup" className="form-wide" error={fields.barcodes}>
        {(a11y) => <textarea {...a11y} className="mono" rows={2} value={form.barcodes} onChange={set('barcodes')} spellCheck={false} />}
      </Field>
    </FormCard>
  );
}
