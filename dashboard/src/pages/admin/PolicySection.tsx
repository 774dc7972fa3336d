import { useState } from 'react';
import { DataTable } from '../../components/DataTable';
import { Field, FormCard } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { Loaded } from '../../components/Status';
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
      <Loaded state={versions} what="the policy versions">
        {(data) => (
          <DataTable
            label="Policy versions"
            columns={[
              { header: 'Version', rowHeader: true, cell: (v: PolicyVersionJson) => v.version },
              { header: 'Title', cell: (v: PolicyVersionJson) => v.title },
              { header: 'In force since', cell: (v: PolicyVersionJson) => formatDateTime(v.effective_at) },
              { header: 'Acknowledged by', cell: (v: PolicyVersionJson) => `${v.acknowledged} of ${people}` },
              { header: 'Text fingerprint', cell: (v: PolicyVersionJson) => <span className="mono" title={v.text_sha256}>{shortHash(v.text_sha256)}</span> },
            ]}
            rows={data.versions}
            rowKey={(v) => v.version}
            empty="No policy published: cabinets do not ask for an acknowledgement yet."
          />
        )}
      </Loaded>
    </section>
  );
}

const FIELDS = ['title', 'text'] as const;

function PublishPolicyForm({ onPublished }: { onPublished: () => void }) {
  const [title, setTitle] = useState('Confidentiality policy');
  const [text, setText] = useState('');
  const submission = useReauthSubmission(FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    const published = await submission.run(() => adminApi.publishPolicy(title.trim(), text.trim()), 'Published: everyone acknowledges it before their next cabinet.');
    if (published) {
      setText('');
      onPublished();
    }
  };
  return (
    <FormCard title="Publish a new version" submission={submission} onSubmit={submit} submitLabel="Publish version" busyLabel="Publishing…">
      <Field label="Title" error={fields.title}>
        {(a11y) => <input {...a11y} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />}
      </Field>
      <Field label="Full text" className="form-wide" error={fields.text}>
        {(a11y) => <textarea {...a11y} rows={6} value={text} onChange={(e) => setText(e.target.value)} required maxLength={100_000} />}
      </Field>
    </FormCard>
  );
}
