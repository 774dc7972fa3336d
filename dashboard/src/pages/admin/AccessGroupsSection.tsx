import { useState, type FormEvent } from 'react';
import type { PersonJson } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Field, FormStatus, SelectField } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { Empty, Loaded } from '../../components/Status';
import { useAsync } from '../../hooks';
import { personLabel } from '../../people';
import { adminApi, personChoices, WEEKDAY_LABELS, type AccessGroupJson } from './admin-api';
import { AccessRuleForm } from './AccessRuleForm';

type Cabinet = { id: string; name: string };

/** Who opens which cabinet when: groups of people, and each group's rules (cabinet, days, hours). */
export function AccessGroupsSection({ people, isAdmin }: { people: PersonJson[]; isAdmin: boolean }) {
  const groups = useAsync((signal) => adminApi.accessGroups(signal), 'access-groups');
  const byId = new Map(people.map((p) => [p.id, p]));
  return (
    <section aria-labelledby="groups-heading">
      <h2 id="groups-heading">Access groups</h2>
      <p className="small muted">A person opens a cabinet when a group they belong to has a rule for it at that time, their access is valid, and they acknowledged the current policy.</p>
      {isAdmin ? <NewGroupForm onCreated={groups.reload} /> : null}
      <Loaded state={groups} what="the access groups">
        {(data) => (
          <>
            {data.groups.length === 0 ? <Empty>No access group yet.</Empty> : null}
            {data.groups.map((g) => (
              <GroupCard key={g.id} group={g} people={people} byId={byId} cabinets={data.cabinets} isAdmin={isAdmin} onChanged={groups.reload} />
            ))}
          </>
        )}
      </Loaded>
    </section>
  );
}

const dayNames = (days: string[]) => (days.length === 7 ? 'Every day' : days.map((d) => WEEKDAY_LABELS.find((w) => w.value === d)?.label.slice(0, 3) ?? d).join(', '));

function GroupCard({ group, people, byId, cabinets, isAdmin, onChanged }: { group: AccessGroupJson; people: PersonJson[]; byId: Map<string, PersonJson>; cabinets: Cabinet[]; isAdmin: boolean; onChanged: () => void }) {
  const membership = useReauthSubmission(['person_id']);
  const [adding, setAdding] = useState('');
  const headingId = `group-${group.id}`;
  const cabinetName = (id: string) => cabinets.find((c) => c.id === id)?.name ?? id;
  const change = (person: string, member: boolean) =>
    void membership
      .run(() => adminApi.setMember(group.id, person, member), `${personLabel(person, byId)} ${member ? 'added to' : 'removed from'} ${group.name}.`)
      .then((ok) => {
        if (!ok) return;
        setAdding('');
        onChanged();
      });
  const candidates = people.filter((p) => p.active && !group.members.includes(p.id));
  return (
    <article className="card" aria-labelledby={headingId} data-testid="access-group">
      <h3 id={headingId}>{group.name}</h3>
      <h4>Members ({group.members.length})</h4>
      {group.members.length === 0 ? <p className="muted">Nobody.</p> : null}
      <ul className="chip-list">
        {group.members.map((id) => (
          <li key={id}>
            {personLabel(id, byId)}
            {isAdmin ? (
              <button type="button" className="linkish" onClick={() => change(id, false)} disabled={membership.busy}>
                Remove<span className="visually-hidden"> {personLabel(id, byId)} from {group.name}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {isAdmin ? (
        <form
          className="inline-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            if (adding) change(adding, true);
          }}
        >
          <SelectField label={`Add a member to ${group.name}`} error={membership.problem.fields.person_id} value={adding} onChange={setAdding} options={personChoices(candidates)} placeholder="Choose a person…" />
          <button type="submit" className="button" disabled={membership.busy || !adding}>
            Add member
          </button>
        </form>
      ) : null}
      <FormStatus problem={membership.problem} done={membership.done} />
      <h4>Rules</h4>
      <DataTable
        label={`Rules of ${group.name}`}
        columns={[
          { header: 'Cabinet', rowHeader: true, cell: (r) => cabinetName(r.cabinet) },
          { header: 'Days', cell: (r) => dayNames(r.days) },
          { header: 'Hours', cell: (r) => (r.from && r.to ? `${r.from}–${r.to}` : 'All day') },
        ]}
        rows={group.rules}
        rowKey={(r) => r.id}
        empty="No rule: members of this group open no cabinet through it."
      />
      {isAdmin ? <AccessRuleForm group={group} cabinets={cabinets} onAdded={onChanged} /> : null}
    </article>
  );
}

function NewGroupForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const submission = useReauthSubmission(['name']);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await submission.run(() => adminApi.addGroup(name.trim()), `Group ${name.trim()} created.`)) {
      setName('');
      onCreated();
    }
  };
  return (
    <form className="card inline-form" onSubmit={(e) => void submit(e)} noValidate>
      <Field label="New access group" error={submission.problem.fields.name}>
        {(a11y) => <input {...a11y} value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />}
      </Field>
      <button type="submit" className="button primary" disabled={submission.busy}>
        Create group
      </button>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}
