import { useId, useState, type FormEvent } from 'react';
import { Field, FormStatus, useSubmission } from '../../components/FormField';
import { useReauth } from '../../components/ReauthDialog';
import { adminApi, WEEKDAY_LABELS, type AccessGroupJson, type Weekday } from './admin-api';

const FIELDS = ['cabinet', 'days', 'from', 'to'] as const;
const WORKING_WEEK: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** A new rule for a group: a cabinet, the weekdays, and optionally the hours (both or neither). */
export function AccessRuleForm({ group, cabinets, onAdded }: { group: AccessGroupJson; cabinets: { id: string; name: string }[]; onAdded: () => void }) {
  const [cabinet, setCabinet] = useState(cabinets[0]?.id ?? '');
  const [days, setDays] = useState<Weekday[]>(WORKING_WEEK);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const submission = useSubmission(FIELDS);
  const withReauth = useReauth();
  const daysId = useId();
  const { fields } = submission.problem;
  const toggle = (day: Weekday, on: boolean) => setDays((d) => (on ? WEEKDAY_LABELS.map((w) => w.value).filter((w) => w === day || d.includes(w)) : d.filter((x) => x !== day)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const rule = { cabinet, days, ...(from ? { from } : {}), ...(to ? { to } : {}) };
    if (await submission.run(() => withReauth(() => adminApi.addRule(group.id, rule)), 'Rule added.')) {
      setFrom('');
      setTo('');
      onAdded();
    }
  };
  return (
    <form className="form-grid rule-form" onSubmit={(e) => void submit(e)} aria-label={`Add a rule to ${group.name}`} noValidate>
      <Field label="Cabinet" error={fields.cabinet}>
        {(a11y) => (
          <select {...a11y} value={cabinet} onChange={(e) => setCabinet(e.target.value)}>
            {cabinets.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.id})
              </option>
            ))}
          </select>
        )}
      </Field>
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
      <div className="button-row">
        <button type="submit" className="button" disabled={submission.busy}>
          Add rule
        </button>
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
      </div>
    </form>
  );
}
