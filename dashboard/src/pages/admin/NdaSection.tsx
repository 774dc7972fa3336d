import { useState, type FormEvent } from 'react';
import { visitorsApi } from '../../api/visitors';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
import { useReauth } from '../../components/ReauthDialog';
import { Empty, ErrorMessage, Loading } from '../../components/Status';
import { useAsync } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { adminApi, shortHash } from './admin-api';

/** The agreement visitors accept at the kiosk; a new version is accepted again on each visitor's next visit. */
export function NdaSection() {
  const current = useAsync((signal) => visitorsApi.currentNda(signal), 'nda');
  return (
    <section aria-labelledby="nda-heading">
      <h2 id="nda-heading">Visitor confidentiality agreement</h2>
      {current.error ? <ErrorMessage error={current.error} retry={current.reload} what="the agreement" /> : null}
      {current.loading && !current.data ? <Loading /> : null}
      {current.data === null ? <Empty>No agreement is set: visitors sign in without one.</Empty> : null}
      {current.data ? (
        <div className="card" data-testid="nda-current">
          <h3>
            Version {current.data.version}
            {current.data.effective_at ? <span className="small muted"> · in force since {formatDateTime(current.data.effective_at)}</span> : null}
          </h3>
          <p className="small muted">
            Fingerprint <span className="mono">{shortHash(current.data.sha256)}</span>
          </p>
          <div className="nda-text">{current.data.text}</div>
        </div>
      ) : null}
      <PublishNdaForm current={current.data?.text ?? ''} onPublished={current.reload} />
    </section>
  );
}

const FIELDS = ['text', 'effective_at'] as const;

function PublishNdaForm({ current, onPublished }: { current: string; onPublished: () => void }) {
  const [text, setText] = useState<string | null>(null);
  const [effectiveAt, setEffectiveAt] = useState('');
  const submission = useSubmission(FIELDS);
  const withReauth = useReauth();
  const { fields } = submission.problem;
  // Starts from the text in force: a new version is usually a small change to it.
  const draft = text ?? current;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const when = effectiveAt ? new Date(effectiveAt).toISOString() : undefined;
    if (await submission.run(() => withReauth(() => adminApi.publishNda(draft.trim(), when)), 'Published: visitors accept it on their next visit.')) {
      setText(null);
      setEffectiveAt('');
      onPublished();
    }
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="nda-form-heading" noValidate>
      <h3 id="nda-form-heading" className="form-title">
        Publish a new version
      </h3>
      <Field label="Agreement text" className="form-wide" error={fields.text}>
        {(a11y) => <textarea {...a11y} rows={8} value={draft} onChange={(e) => setText(e.target.value)} required maxLength={100_000} />}
      </Field>
      <Field label="In force from (optional)" hint="Empty: now" error={fields.effective_at}>
        {(a11y) => <input {...a11y} type="datetime-local" value={effectiveAt} onChange={(e) => setEffectiveAt(e.target.value)} />}
      </Field>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={submission.busy}>
          {submission.busy ? 'Publishing…' : 'Publish agreement'}
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}
