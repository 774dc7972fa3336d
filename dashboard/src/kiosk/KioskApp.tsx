/**
 * The reception kiosk at /kiosk, run under the kiosk account: a touch screen where visitors sign in
 * (pre-registered: the QR code from their invitation, by camera or handheld scanner; walk-ins: a
 * short form), accept the confidentiality agreement when it is due, get a printed badge label, and
 * sign out by scanning that label. It forgets everything and returns to the welcome screen after
 * `?idle=` seconds (default 60) without a touch. `?autoprint=1` prints the label as soon as it is
 * shown (run Chromium with --kiosk --kiosk-printing for silent printing on the label printer).
 *
 * What the server cannot do yet, the kiosk says plainly and sends the visitor to the desk.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, NetworkError } from '../api/client';
import type { PersonJson } from '../api/types';
import { hostDirectory, NdaRequired, visitorsApi, VisitorRefused, VisitorsUnavailable, type NdaText, type SignInResult, type SignInWho, type WalkIn } from '../api/visitors';
import { useSession } from '../session';
import { Badge } from './Badge';
import { QrScanner } from './QrScanner';
import { useIdle } from './useIdle';
import './kiosk.css';

type Step =
  | { name: 'welcome' }
  | { name: 'scan-in' }
  | { name: 'walk-in' }
  | { name: 'nda'; who: SignInWho; nda: NdaText; outdated: boolean; code?: string }
  | { name: 'badge'; result: SignInResult }
  | { name: 'scan-out' }
  | { name: 'signed-out'; at: string; firstName?: string }
  | { name: 'desk'; title: string; message: string; code?: string }
  | { name: 'problem'; message: string; code?: string };

type Service = { state: 'checking' } | { state: 'available' } | { state: 'unavailable' } | { state: 'error'; message: string };

/** The "are you still there?" warning shows for the last 10 s (less when the idle time is short). */
const WARN_SECONDS = 10;

function readNumber(name: string, fallback: number, min: number): number {
  const value = Number(new URLSearchParams(window.location.search).get(name));
  return Number.isFinite(value) && value >= min ? value : fallback;
}

function describeProblem(err: unknown): string {
  if (err instanceof VisitorRefused) return err.message;
  if (err instanceof NetworkError) return 'The kiosk cannot reach the server. Please ask at the reception desk.';
  if (err instanceof ApiError && err.status === 400 && err.fields.length > 0) return `Please check your details: ${err.fields.map((f) => f.message).join('; ')}.`;
  return 'Something went wrong. Please ask at the reception desk.';
}

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export default function KioskApp() {
  const idleSeconds = readNumber('idle', 60, 3);
  const autoprint = new URLSearchParams(window.location.search).get('autoprint') === '1';
  const { session, signOut: endSession } = useSession();
  const [step, setStep] = useState<Step>({ name: 'welcome' });
  const [service, setService] = useState<Service>({ state: 'checking' });
  const [hosts, setHosts] = useState<PersonJson[] | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const main = useRef<HTMLElement>(null);
  const firstStep = useRef(true);

  const checkService = useCallback(async () => {
    try {
      await visitorsApi.currentNda();
      setService({ state: 'available' });
    } catch (err) {
      setService(err instanceof VisitorsUnavailable ? { state: 'unavailable' } : { state: 'error', message: describeProblem(err) });
    }
    setHosts(await hostDirectory().catch(() => null));
  }, []);
  useEffect(() => {
    document.title = 'Reception · Safekeep';
    void checkService();
  }, [checkService]);

  const reset = useCallback(() => {
    setStep({ name: 'welcome' });
    setBusy(false);
    void checkService();
  }, [checkService]);
  const secondsLeft = useIdle(idleSeconds, step.name !== 'welcome', reset);
  const warnAt = Math.min(WARN_SECONDS, Math.floor(idleSeconds / 3));

  // Each new screen is announced and starts at the top. Before paint: focus must not move while
  // someone (or a scanner) is already typing into the new screen.
  useLayoutEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    window.scrollTo(0, 0);
    // A field that must keep the focus (the scanner types into it) wins over the heading.
    const target = main.current?.querySelector<HTMLElement>('[data-autofocus]') ?? main.current?.querySelector<HTMLElement>('h1');
    target?.focus({ preventScroll: true });
  }, [step.name]);

  const unavailable = service.state === 'unavailable';

  const signIn = async (who: SignInWho, nda?: { version: number; sha256: string; typed_name: string }, code?: string) => {
    setBusy(true);
    try {
      setStep({ name: 'badge', result: await visitorsApi.signIn(who, nda) });
    } catch (err) {
      if (err instanceof NdaRequired) setStep({ name: 'nda', who, nda: err.nda, outdated: err.outdated, ...(code ? { code } : {}) });
      else if (err instanceof VisitorsUnavailable) setStep({ name: 'desk', title: 'Please sign in at the desk', message: 'Visitor sign-in is not available on this system yet, so nothing was recorded. Please sign the visitor book at the reception desk.', ...(code ? { code } : {}) });
      else setStep({ name: 'problem', message: describeProblem(err), ...(code ? { code } : {}) });
    } finally {
      setBusy(false);
    }
  };

  const signOutByScan = async (token: string) => {
    setBusy(true);
    try {
      const r = await visitorsApi.signOutByToken(token);
      setStep({ name: 'signed-out', at: r.signed_out_at, ...(r.first_name ? { firstName: r.first_name } : {}) });
    } catch (err) {
      if (err instanceof VisitorsUnavailable) {
        setStep({ name: 'desk', title: 'Please sign out at the desk', code: token, message: 'Signing out here is not available yet. Please scan your badge at the reception desk scanner, or hand it to reception.' });
      } else setStep({ name: 'problem', message: describeProblem(err), code: token });
    } finally {
      setBusy(false);
    }
  };

  let screen: ReactNode;
  switch (step.name) {
    case 'welcome':
      screen = (
        <>
          <h1 tabIndex={-1}>Welcome</h1>
          <p className="kiosk-lead">Please sign in while you wait. It takes a minute.</p>
          <div className="kiosk-choices">
            <button type="button" className="kiosk-button primary" onClick={() => setStep({ name: 'scan-in' })}>
              I have a QR code
              <span className="kiosk-hint">from my invitation</span>
            </button>
            <button type="button" className="kiosk-button primary" onClick={() => setStep({ name: 'walk-in' })}>
              I don’t have a code
              <span className="kiosk-hint">sign in as a walk-in visitor</span>
            </button>
            <button type="button" className="kiosk-button secondary" onClick={() => setStep({ name: 'scan-out' })}>
              I’m leaving
              <span className="kiosk-hint">scan your visitor badge to sign out</span>
            </button>
          </div>
        </>
      );
      break;
    case 'scan-in':
      screen = (
        <>
          <h1 tabIndex={-1}>Scan your QR code</h1>
          <QrScanner prompt="Hold the QR code from your invitation (on your phone or on paper) in front of the camera." onCode={(token) => void signIn({ token }, undefined, token)} />
          {busy ? (
            <p className="kiosk-lead" role="status">
              Signing you in…
            </p>
          ) : null}
        </>
      );
      break;
    case 'walk-in':
      // Walk-ins choose whom they visit from the staff directory; without it, reception signs them in.
      screen =
        hosts === undefined ? (
          <p className="kiosk-lead" role="status">
            One moment…
          </p>
        ) : hosts === null ? (
          <>
            <h1 tabIndex={-1}>Please sign in at the desk</h1>
            <p className="kiosk-lead" role="alert">
              Reception will sign you in and tell your host you are here.
            </p>
            <button type="button" className="kiosk-button primary" onClick={reset}>
              Start again
            </button>
          </>
        ) : (
          <WalkInForm hosts={hosts} busy={busy} onSubmit={(visitor, host, purpose) => void signIn({ visitor, host_person_id: host, ...(purpose ? { purpose } : {}) })} />
        );
      break;
    case 'nda':
      screen = <NdaStep nda={step.nda} outdated={step.outdated} code={step.code} busy={busy} onAccept={(typed_name) => void signIn(step.who, { version: step.nda.version, sha256: step.nda.sha256, typed_name }, step.code)} />;
      break;
    case 'badge':
      screen = <BadgeStep result={step.result} autoprint={autoprint} onDone={reset} />;
      break;
    case 'scan-out':
      screen = (
        <>
          <h1 tabIndex={-1}>Sign out</h1>
          <QrScanner prompt="Hold your visitor badge’s QR code in front of the camera." onCode={(token) => void signOutByScan(token)} />
        </>
      );
      break;
    case 'signed-out':
      screen = (
        <>
          <h1 tabIndex={-1}>Goodbye{step.firstName ? `, ${step.firstName}` : ''}</h1>
          <p className="kiosk-lead" role="status">
            You are signed out at {time(step.at)}. Please leave your badge in the tray.
          </p>
          <button type="button" className="kiosk-button primary" onClick={reset}>
            Done
          </button>
        </>
      );
      break;
    case 'desk':
    case 'problem':
      screen = (
        <>
          <h1 tabIndex={-1}>{step.name === 'desk' ? step.title : 'Sorry'}</h1>
          {step.code ? (
            <p className="kiosk-small" data-testid="decoded">
              Code read: <span className="mono break">{step.code}</span>
            </p>
          ) : null}
          <p className="kiosk-lead" role="alert">
            {step.message}
          </p>
          <button type="button" className="kiosk-button primary" onClick={reset}>
            Start again
          </button>
        </>
      );
      break;
  }

  return (
    <div className="kiosk" data-step={step.name}>
      <header className="kiosk-top">
        <span className="kiosk-brand">
          <span className="brand-mark" aria-hidden="true" /> Reception
        </span>
        {step.name !== 'welcome' ? (
          <button type="button" className="kiosk-button small secondary" onClick={reset}>
            Cancel
          </button>
        ) : session.status === 'signed-in' && session.role !== 'kiosk' ? (
          <button type="button" className="kiosk-button small secondary" onClick={() => void endSession()}>
            Sign out {session.username}
          </button>
        ) : null}
      </header>
      {unavailable ? (
        <div className="kiosk-notice" role="status" data-testid="visitors-unavailable">
          Visitor sign-in is not set up on this server yet: this kiosk can show the steps but records nothing. Please sign the visitor book at the desk.
        </div>
      ) : null}
      {service.state === 'error' ? (
        <div className="kiosk-notice" role="status">
          {service.message}
        </div>
      ) : null}
      <main ref={main} className="kiosk-main">
        {screen}
      </main>
      {step.name !== 'welcome' && secondsLeft <= warnAt ? (
        <div className="kiosk-idle" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" data-testid="idle-warning">
          <div className="kiosk-idle-box">
            <p id="idle-title" className="kiosk-lead">
              Are you still there? Starting over in {secondsLeft} s.
            </p>
            <button type="button" className="kiosk-button primary" autoFocus>
              I’m still here
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function WalkInForm({ hosts, busy, onSubmit }: { hosts: PersonJson[]; busy: boolean; onSubmit: (visitor: WalkIn, hostId: string, purpose?: string) => void }) {
  const ids = { name: useId(), company: useId(), host: useId(), purpose: useId() };
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
  const error = (key: 'name' | 'host', text: string) =>
    tried && missing[key] ? (
      <p id={`${ids[key]}-err`} className="kiosk-error">
        {text}
      </p>
    ) : null;
  const described = (key: 'name' | 'host') => (tried && missing[key] ? `${ids[key]}-err` : undefined);
  return (
    <form className="kiosk-form" onSubmit={submit} noValidate>
      <h1 tabIndex={-1}>Sign in</h1>
      <div className="kiosk-field">
        <label htmlFor={ids.name}>Your full name</label>
        <input id={ids.name} value={fields.name} onChange={set('name')} autoComplete="name" required aria-invalid={tried && missing.name} aria-describedby={described('name')} maxLength={200} />
        {error('name', 'Please enter your name.')}
      </div>
      <div className="kiosk-field">
        <label htmlFor={ids.company}>Company (optional)</label>
        <input id={ids.company} value={fields.company} onChange={set('company')} autoComplete="organization" maxLength={200} />
      </div>
      <div className="kiosk-field">
        <label htmlFor={ids.host}>Who are you visiting?</label>
        <select id={ids.host} value={fields.host} onChange={set('host')} required aria-invalid={tried && missing.host} aria-describedby={described('host')}>
          <option value="">Choose a name…</option>
          {hosts.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
        </select>
        {error('host', 'Please choose whom you are visiting.')}
      </div>
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

function NdaStep({ nda, outdated, code, busy, onAccept }: { nda: NdaText; outdated: boolean; code: string | undefined; busy: boolean; onAccept: (typedName: string) => void }) {
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

function BadgeStep({ result, autoprint, onDone }: { result: SignInResult; autoprint: boolean; onDone: () => void }) {
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
