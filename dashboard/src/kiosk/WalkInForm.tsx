import { useId, useState, type FormEvent } from 'react';
import type { HostChoice, WalkIn } from '../api/visitors';
import { HostPicker } from './HostPicker';

/** A walk-in's details and whom they visit: the least the desk needs, nothing more. */
export function WalkInForm({ hosts, busy, onSubmit }: { hosts: readonly HostChoice[]; busy: boolean; onSubmit: (visitor: WalkIn, hostId: string, purpose?: string) => void }) {
  const ids = { name: useId(), company: useId(), purpose: useId() };
  const [fields, setFields] = useState({ name: '', company: '', host: '', purpose: '' });
  const [tried, setTried] = useState(false);
  const missing = { name: !fields.name.trim(), host: !fields.host };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (missing.name || missing.host) return;
    onSubmit({ person: { name: fields.name.trim() }, ...(fields.company.trim() ? { company: fields.company.trim() } : {}) }, fields.host, fields.purpose.trim() || undefined);
  };
  const set = (key: keyof typeof fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [key]: e.target.value }));
  const nameError = tried && missing.name;
  return (
    <form className="kiosk-form" onSubmit={submit} noValidate>
      <h1 tabIndex={-1}>Sign in</h1>
      <div className="kiosk-field">
        <label htmlFor={ids.name}>Your full name</label>
        <input id={ids.name} value={fields.name} onChange={set('name')} autoComplete="name" required aria-invalid={nameError} aria-describedby={nameError ? `${ids.name}-err` : undefined} maxLength={200} />
        {nameError ? (
          <p id={`${ids.name}-err`} className="kiosk-error">
            Please enter your name.
          </p>
        ) : null}
      </div>
      <div className="kiosk-field">
        <label htmlFor={ids.company}>Company (optional)</label>
        <input id={ids.company} value={fields.company} onChange={set('company')} autoComplete="organization" maxLength={200} />
      </div>
      <HostPicker hosts={hosts} value={fields.host} onChange={(host) => setFields((f) => ({ ...f, host }))} error={tried && missing.host ? 'Please choose whom you are visiting.' : undefined} />
      <div className="kiosk-field">
        <label htmlFor={ids.purpose}>Purpose of the visit (optional)</label>
        <input id={ids.purpose} value={fields.purpose} onChange={set('purpose')} maxLength={500} />
      </div>
      <button type="submit" className="kiosk-button primary" disabled={busy}>
        Continue
      </button>
    </form>
  );
}
