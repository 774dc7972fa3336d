import { useEffect } from 'react';
import type { SignInResult } from '../api/visitors';
import { Badge } from './Badge';

/** Signed in: the badge label to print (or the loaner card to collect), and the way out. */
export function BadgeStep({ result, autoprint, onDone }: { result: SignInResult; autoprint: boolean; onDone: () => void }) {
  useEffect(() => {
    if (!autoprint || result.badge.kind !== 'label') return;
    const id = setTimeout(() => window.print(), 300);
    return () => clearTimeout(id);
  }, [autoprint, result.badge.kind]);
  if (result.badge.kind === 'card') {
    return (
      <>
        <h1 tabIndex={-1}>You are signed in</h1>
        <p className="kiosk-lead" role="status">
          Please take visitor card <strong>{result.badge.card_id}</strong> from reception, wear it visibly, and hand it back when you leave.
        </p>
        <button type="button" className="kiosk-button primary" onClick={onDone}>
          Done
        </button>
      </>
    );
  }
  const { label } = result.badge;
  return (
    <>
      <h1 tabIndex={-1}>Welcome, {label.first_name}</h1>
      <p className="kiosk-lead" role="status">
        You are signed in to visit {label.host_name}.{result.escort_required ? ' Please wait here: you will be escorted.' : ''} Please wear your badge, and scan it here when you leave.
      </p>
      <div className="badge-preview">
        <Badge label={label} />
      </div>
      <div className="kiosk-choices row">
        <button type="button" className="kiosk-button secondary" onClick={() => window.print()}>
          Print my badge
        </button>
        <button type="button" className="kiosk-button primary" onClick={onDone}>
          Done
        </button>
      </div>
    </>
  );
}
