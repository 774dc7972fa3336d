import { useId, useState } from 'react';
import { Field, FormCard, SelectField } from '../../components/FormField';
import { useReauthSubmission } from '../../components/ReauthDialog';
import { adminApi, WEEKDAY_LABELS, type AccessGroupJson, type Weekday } from './admin-api';

const FIELDS = ['cabinet', 'days', 'from', 'to'] as const;
const WORKING_WEEK: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** A new rule for a group: a cabinet, the weekdays, and optionally the hours (both or neither). */
export function AccessRuleForm({ group, cabinets, onAdded }: { group: AccessGroupJson; cabinets: { id: string; name: string }[]; onAdded: () => void }) {
  const [cabinet, setCabinet] = useState(cabinets[0]?.id ?? '');
  const [days, setDays] = useState<Weekday[]>(WORKING_WEEK);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const submission = useReauthSubmission(FIELDS);
  const daysId = useId();
  const { fields } = submission.problem;
  const toggle = (day: Weekday, on: boolean) => setDays((d) => (on ? WEEKDAY_LABELS.map((w) => w.value).filter((w) => w === day || d.includes(w)) : d.filter((x) => x !== day)));
  const submit = async () => {
    const rule = { cabinet, days, ...(from ? { from } : {}), ...(to ? { to } : {}) };
    if (await submission.run(() => adminApi.addRule(group.id, rule), 'Rule added.')) {
      setFrom('');
      setTo('');
      onAdded();
    }
  };
  return (
    <FormCard className="form-grid rule-form" label={`Add a rule to ${group.name}`} submission={submission} onSubmit={submit} submitLabel="Add rule" primary={false}>
      <SelectField label="Cabinet" error={fields.cabinet} value={cabinet} onChange={setCabinet} options={cabinets.map((c) => ({ value: c.id, label: `${c.name} (${c.id})` }))} />
      <fieldset className="days" aria-describedby={fields.days ? `${daysId}-error` : undefined}>
        <legend>Days</legend>
        {WEEKDAY_LABELS.map((d) => (
          <label key={d.value} className="check">
            <input type="checkbox" checked={days.includes(d.value)} onChange={(e) => toggle(d.value, e.target.checked)} />
            <abbr title={d.label}>{d.label.slice(0, 3)}</abbr>
          </label>
        ))}
        {fields.days ? (
          <span id={`${daysId}-error`} className="field-error">
            {fields.days}
          </span>
        ) : null}
      </fieldset>
      <Field label="From (optional)" error={fields.from}>
        {(a11y) => <input {...a11y} type="time" value={from} onChange={(e) => setFrom(e.target.value)} />}
      </Field>
      <Field label="Until (optional)" error={fields.to}>
        {(a11y) => <input {...a11y} type="time" value={to} onChange={(e) => setTo(e.target.value)} />}
      </Field>
    </FormCard>
  );
}
