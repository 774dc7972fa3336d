import { useState } from 'react';
import type { PersonJson } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Field, FormCard, FormStatus, SelectField } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { Loaded } from '../../components/Status';
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
      <SelectField label="Person" className="narrow" value={personId} onChange={setPersonId} options={people.map((p) => ({ value: p.id, label: p.active ? p.name : `${p.name} (inactive)` }))} />
      {person ? <PersonBadges key={person.id} person={person} /> : null}
    </section>
  );
}

function PersonBadges({ person }: { person: PersonJson }) {
  const badges = useAsync((signal) => adminApi.badges(person.id, signal), `badges-${person.id}`);
  const revoke = useReauthSubmission([]);
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
            onClick={() => void revoke.run(() => adminApi.revokeBadge(b.id), `Badge ${b.canonical} is revoked.`).then((ok) => ok && badges.reload())}
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
      <Loaded state={badges} what="the badges">
        {(data) => <DataTable label={`Badges of ${person.name}`} columns={columns} rows={data.badges} rowKey={(b) => b.id} empty={`${person.name} has no badge.`} />}
      </Loaded>
    </>
  );
}

const FIELDS = ['badge', 'format'] as const;

function IssueBadgeForm({ person, onIssued }: { person: PersonJson; onIssued: () => void }) {
  const [badge, setBadge] = useState('');
  const [format, setFormat] = useState<CredentialFormat>('hex');
  const submission = useReauthSubmission(FIELDS);
  const { fields } = submission.problem;
  const submit = async () => {
    const issued = await submission.run(() => adminApi.issueBadge(person.id, badge.trim(), format), `Badge issued to ${person.name}.`);
    if (issued) {
      setBadge('');
      onIssued();
    }
  };
  return (
    <FormCard title={`Issue a badge to ${person.name}`} submission={submission} onSubmit={submit} submitLabel="Issue badge" busyLabel="Issuing…">
      <Field label="Badge number" hint="As the reader or the card shows it" error={fields.badge}>
        {(a11y) => <input {...a11y} className="mono" value={badge} onChange={(e) => setBadge(e.target.value)} required maxLength={64} autoComplete="off" spellCheck={false} />}
      </Field>
      <SelectField label="Number format" error={fields.format} value={format} onChange={setFormat} options={BADGE_FORMATS} />
    </FormCard>
  );
}
