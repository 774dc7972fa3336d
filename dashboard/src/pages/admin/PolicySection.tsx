import { useState, type FormEvent } from 'react';
import { DataTable } from '../../components/DataTable';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
import { useReauth } from '../../components/ReauthDialog';
import { ErrorMessage, Loading } from '../../components/Status';
import { useAsync } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { adminApi, shortHash, type PolicyVersionJson } from './admin-api';

/**
 * The office's confidentiality policy. Publishing a version makes everyone acknowledge it again
 * before their badge opens a cabinet; the log keeps the text's hash, so keep the text itself too.
 */
export function PolicySection({ people, isAdmin }: { people: number; isAdmin: boolean }) {
  const versions = useAsync((signal) => adminApi.policyVersions(signal), 'policy-versions');
  return (
    <section aria-labelledby="policy-heading">
      <h2 id="policy-heading">Confidentiality policy</h2>
      {isAdmin ? <PublishPolicyForm onPublished={versions.reload} /> : <p className="small muted">Only administrators publish a new version.</p>}
      {versions.error ? <ErrorMessage error={versions.error} retry={versions.reload} what="the policy versions" /> : null}
      {versions.loading && !versions.data ? <Loading /> : null}
      {versions.data ? (
        <DataTable
          label="Policy versions"
          columns={[
            { header: 'Version', rowHeader: true, cell: (v: PolicyVersionJson) => v.version },
            { header: 'Title', cell: (v: PolicyVersionJson) => v.title },
            { header: 'In force since', cell: (v: PolicyVersionJson) => formatDateTime(v.effective_at) },
            { header: 'Acknowledged by', cell: (v: PolicyVersionJson) => `${v.acknowledged} of ${people}` },
            { header: 'Text fingerprint', cell: (v: PolicyVersionJson) => <span className="mono" title={v.text_sha256}>{shortHash(v.text_sha256)}</span> },
          ]}
          rows={versions.data.versions}
          rowKey={(v) => v.version}
          empty="No policy published: cabinets do not ask for an acknowledgement yet."
        />
      ) : null}
    </section>
  );
}

const FIELDS = ['title', 'text'] as const;

function PublishPolicyForm({ onPublished }: { onPublished: () => void }) {
  const [title, setTitle] = useState('Confidentiality policy');
  const [text, setText] = useState('');
  const submission = useSubmission(FIELDS);
  const withReauth = useReauth();
  const { fields } = submission.problem;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const published = await submission.run(() => withReauth(() => adminApi.publishPolicy(title.trim(), text.trim())), 'Published: everyone acknowledges it before their next cabinet.');
    if (published) {
      setText('');
      onPublished();
    }
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="policy-form-heading" noValidate>
      <h3 id="policy-form-heading" className="form-title">
        Publish a new version
      </h3>
      <Field label="Title" error={fields.title}>
        {(a11y) => <input {...a11y} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />}
      </Field>
      <Field label="Full text" className="form-wide" error={fields.text}>
        {(a11y) => <textarea {...a11y} rows={6} value={text} onChange={(e) => setText(e.target.value)} required maxLength={100_000} />}
      </Field>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={submission.busy}>
          {submission.busy ? 'Publishing…' : 'Publish version'}
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}
