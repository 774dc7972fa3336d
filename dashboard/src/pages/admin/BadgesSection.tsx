import { useState, type FormEvent } from 'react';
import type { PersonJson } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
import { useReauth } from '../../components/ReauthDialog';
import { ErrorMessage, Loading } from '../../components/Status';
import { useAsync } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { adminApi, BADGE_FORMATS, type BadgeJson, type CredentialFormat } from './admin-api';

/** A person's badges: issue one as the reader or the card shows its number, revoke a lost one. */
export function BadgesSection({ people }: { people: PersonJson[] }) {
  const [personId, setPersonId] = useState(people[0]?.id ?? '');
  const person = people.find((p) => p.id === personId);
  return (
    <section aria-labelledby="badges-heading">
      <h2 id="badges-heading">Badges</h2>
      <div className="field narrow">
        <label htmlFor="badge-person">Person</label>
        <select id="badge-person" value={personId} onChange={(e) => setPersonId(e.target.value)}>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.active ? '' : ' (inactive)'}
            </option>
          ))}
        </select>
      </div>
      {person ? <PersonBadges key={person.id} person={person} /> : null}
    </section>
  );
}

function PersonBadges({ person }: { person: PersonJson }) {
  const badges = useAsync((signal) => adminApi.badges(person.id, signal), `badges-${person.id}`);
  const revoke = useSubmission([]);
  const withReauth = useReauth();
  const columns = [
    { header: 'Badge number', rowHeader: true, cell: (b: BadgeJson) => <span className="mono">{b.canonical}</span> },
    { header: 'Issued', cell: (b: BadgeJson) => formatDateTime(b.issued_at) },
    { header: 'Status', cell: (b: BadgeJson) => (b.active ? <span className="tag status-in">valid</span> : <span className="tag">revoked</span>) },
    {
      header: 'Actions',
      hiddenHeader: true,
      cell: (b: BadgeJson) =>
        b.active ? (
          <button
            type="button"
            className="button small-button"
            disabled={revoke.busy}
            onClick={() => void revoke.run(() => withReauth(() => adminApi.revokeBadge(b.id)), `Badge ${b.canonical} is revoked.`).then((ok) => ok && badges.reload())}
          >
            Revoke<span className="visually-hidden"> badge {b.canonical}</span>
          </button>
        ) : null,
    },
  ];
  return (
    <>
      <IssueBadgeForm person={person} onIssued={badges.reload} />
      <FormStatus problem={revoke.problem} done={revoke.done} />
      {badges.error ? <ErrorMessage error={badges.error} retry={badges.reload} what="the badges" /> : null}
      {badges.loading && !badges.data ? <Loading /> : null}
      {badges.data ? <DataTable label={`Badges of ${person.name}`} columns={columns} rows={badges.data.badges} rowKey={(b) => b.id} empty={`${person.name} has no badge.`} /> : null}
    </>
  );
}

const FIELDS = ['badge', 'format'] as const;

function IssueBadgeForm({ person, onIssued }: { person: PersonJson; onIssued: () => void }) {
  const [badge, setBadge] = useState('');
  const [format, setFormat] = useState<CredentialFormat>('hex');
  const submission = useSubmission(FIELDS);
  const withReauth = useReauth();
  const { fields } = submission.problem;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const issued = await submission.run(() => withReauth(() => adminApi.issueBadge(person.id, badge.trim(), format)), `Badge issued to ${person.name}.`);
    if (issued) {
      setBadge('');
      onIssued();
    }
  };
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="issue-badge-heading" noValidate>
      <h3 id="issue-badge-heading" className="form-title">
        Issue a badge to {person.name}
      </h3>
      <Field label="Badge number" hint="As the reader or the card shows it" error={fields.badge}>
        {(a11y) => <input {...a11y} className="mono" value={badge} onChange={(e) => setBadge(e.target.value)} required maxLength={64} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label="Number format" error={fields.format}>
        {(a11y) => (
          <select {...a11y} value={format} onChange={(e) => setFormat(e.target.value as CredentialFormat)}>
            {BADGE_FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="button-row">
        <button type="submit" className="button primary" disabled={submission.busy}>
          {submission.busy ? 'Issuing…' : 'Issue badge'}
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}
