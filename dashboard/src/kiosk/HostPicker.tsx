import { useId, useMemo, useState } from 'react';
import type { HostChoice } from '../api/visitors';

/** More than this and the visitor is asked to type more: a long list is no help on a touch screen. */
const SHOWN = 8;

/** Case and accents do not matter: "jose" finds "José". */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Any word of the name starting with what was typed: "vo" finds "Daniel Voss". */
function matches(name: string, query: string): boolean {
  const q = fold(query.trim());
  if (!q) return true;
  const folded = fold(name);
  return folded.startsWith(q) || folded.split(/[\s'-]+/).some((word) => word.startsWith(q));
}

/**
 * Whom the walk-in visits: a search box over large radio buttons. Radios inside a fieldset are what
 * screen readers and switch access handle best, and each one is a whole-width touch target.
 */
export function HostPicker({ hosts, value, onChange, error }: { hosts: readonly HostChoice[]; value: string; onChange: (id: string) => void; error?: string | undefined }) {
  const [query, setQuery] = useState('');
  const ids = { search: useId(), count: useId(), error: useId(), group: useId() };
  const found = useMemo(() => hosts.filter((h) => matches(h.name, query)), [hosts, query]);
  const shown = found.slice(0, SHOWN);
  const chosen = hosts.find((h) => h.id === value);
  // The choice stays visible even when the search no longer finds it.
  if (chosen && !shown.includes(chosen)) shown.unshift(chosen);
  const describedBy = [ids.count, error ? ids.error : null].filter(Boolean).join(' ');
  return (
    <fieldset className="kiosk-field host-picker" aria-describedby={describedBy}>
      <legend>Who are you visiting?</legend>
      <label htmlFor={ids.search} className="host-search-label">
        Search by name
      </label>
      <input id={ids.search} type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" spellCheck={false} maxLength={100} aria-controls={ids.group} />
      <p id={ids.count} className="kiosk-small" role="status">
        {found.length === 0 ? 'No one by that name. Please ask at the reception desk.' : found.length > SHOWN ? `${found.length} names: keep typing to narrow them down.` : `${found.length} name${found.length === 1 ? '' : 's'}.`}
      </p>
      <div id={ids.group} className="host-options">
        {shown.map((h) => (
          <label key={h.id} className={`host-option${h.id === value ? ' chosen' : ''}`}>
            <input type="radio" name={ids.group} value={h.id} checked={h.id === value} onChange={() => onChange(h.id)} />
            <span>{h.name}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={ids.error} className="kiosk-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
