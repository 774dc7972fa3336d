import { useState } from 'react';
import { visitorsApi } from '../../api/visitors';
import { Field, FormCard } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { Empty, Loaded } from '../../components/Status';
import { useAsync } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { adminApi, shortHash } from './admin-api';

/** The agreement visitors accept at the kiosk; a new version is accepted again on each visitor's next visit. */
export function NdaSection() {
  const current = useAsync((signal) => visitorsApi.currentNda(signal), 'nda');
  return (
    <section aria-labelledby="nda-heading">
      <h2 id="nda-heading">Visitor confidentiality agreement</h2>
      <Loaded state={current} what="the agreement">
        {(nda) => (
          <div className="card" data-testid="nda-current">
            <h3>
              Version {nda.version}
              {nda.effective_at ? <span className="small muted"> · in force since {formatDateTime(nda.effective_at)}</span> : null}
            </h3>
            <p className="small muted">
              Fingerprint <span className="mono">{shortHash(nda.sha256)}</span>
            </p>
            <div className="nda-text">{nda.text}</div>
          </div>
        )}
      </Loaded>
      {current.data === null ? <Empty>No agreement is set: visitors sign in without one.</Empty> : null}
      <PublishNdaForm current={current.data?.text ?? ''} onPublished={current.reload} />
    </section>
  );
}

const FIELDS = ['text', 'effective_at'] as const;

function PublishNdaForm({ current, onPublished }: { current: string; onPublished: () => void }) {
  const [text, setText] = useState<string | null>(null);
  const [effectiveAt, setEffectiveAt] = useState('');
  const submission = useReauthSubmission(FIELDS);
  const { fields } = submission.problem;
  // Starts from the text in force: a new version is usually a small change to it.
  const draft = text ?? current;
  const submit = async () => {
    const when = effectiveAt ? new Date(effectiveAt).toISOString() : undefined;
    if (await submission.run(() => adminApi.publishNda(draft.trim(), when), 'Published: visitors accept it on their next visit.')) {
      setText(null);
      setEffectiveAt('');
      onPublished();
    }
  };
  return (
    <FormCard title="Publish a new version" submission={submission} onSubmit={submit} submitLabel="Publish agreement" busyLabel="Publishing…">
      <Field label="Agreement text" className="form-wide" error={fields.text}>
        {(a11y) => <textarea {...a11y} rows={8} value={draft} onChange={(e) => setText(e.target.value)} required maxLength={100_000} />}
      </Field>
      <Field label="In force from (optional)" hint="Empty: now" error={fields.effective_at}>
        {(a11y) => <input {...a11y} type="datetime-local" value={effectiveAt} onChange={(e) => setEffectiveAt(e.target.value)} />}
      </Field>
    </FormCard>
  );
}
