import { useId, useState } from 'react';
import type { NdaText } from '../api/visitors';

/** The confidentiality agreement, signed by typing one's name: the server commits to it, salted. */
export function NdaStep({ nda, outdated, code, busy, onAccept }: { nda: NdaText; outdated: boolean; code: string | undefined; busy: boolean; onAccept: (typedName: string) => void }) {
  const [agreed, setAgreed] = useState(false);
  const [name, setName] = useState('');
  const checkId = useId();
  const nameId = useId();
  const ready = agreed && name.trim().length > 0;
  return (
    <>
      <h1 tabIndex={-1}>Confidentiality agreement</h1>
      {code ? (
        <p className="kiosk-small" data-testid="decoded">
          Invitation code read: <span className="mono break">{code}</span>
        </p>
      ) : null}
      <p className="kiosk-lead">{outdated ? 'The agreement has changed since your last visit. Please read it and sign again.' : 'Please read this agreement and sign it by typing your name.'}</p>
      <div className="nda-text" tabIndex={0} role="document" aria-label="Confidentiality agreement text">
        {nda.text.split(/\n{2,}/).map((para, i) => (
          <p key={i}>{para}</p>
        ))}
        <p className="kiosk-small">Version {nda.version}</p>
      </div>
      <div className="kiosk-field">
        <label htmlFor={nameId}>Type your full name to sign</label>
        <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" maxLength={200} />
      </div>
      <div className="kiosk-check">
        <input id={checkId} type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
        <label htmlFor={checkId}>I have read this agreement and accept it.</label>
      </div>
      <button type="button" className="kiosk-button primary" disabled={!ready || busy} onClick={() => onAccept(name.trim())}>
        {busy ? 'Signing in…' : 'Accept and sign in'}
      </button>
    </>
  );
}
