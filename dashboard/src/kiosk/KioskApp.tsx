/**
 * The reception kiosk at /kiosk: a touch screen where visitors sign in (pre-registered: their QR
 * code; walk-ins: a short form), accept the NDA, get a printed badge, and sign out by scanning that
 * badge. It forgets everything and returns to the welcome screen after `?idle=` seconds (default
 * 60) without a touch. `?autoprint=1` prints the badge as soon as it is shown (run Chromium with
 * --kiosk --kiosk-printing for silent printing on the label printer).
 *
 * The visitors API is being built; while the server answers 404 the kiosk says so on every screen
 * and ends each flow with "please sign the visitor book at the desk".
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, NetworkError } from '../api/client';
import { visitorsApi, VisitorsUnavailable, type NdaVersion, type SignInResult, type SignOutResult, type WalkInFields } from '../api/visitors';
import { Badge } from './Badge';
import { QrScanner } from './QrScanner';
import { useIdle } from './useIdle';
import './kiosk.css';

type Step =
  | { name: 'welcome' }
  | { name: 'scan-in' }
  | { name: 'walk-in' }
  | { name: 'nda'; who: { token: string } | { walk_in: WalkInFields } }
  | { name: 'badge'; result: SignInResult }
  | { name: 'scan-out' }
  | { name: 'signed-out'; result: SignOutResult }
  | { name: 'unavailable'; code?: string }
  | { name: 'problem'; message: string };

type Service = { state: 'checking' } | { state: 'available'; nda: NdaVersion } | { state: 'unavailable' } | { state: 'error'; message: string };

/** The "are you still there?" warning shows for the last 10 s (less when the idle time is short). */
const WARN_SECONDS = 10;

function readNumber(name: string, fallback: number, min: number): number {
  const value = Number(new URLSearchParams(window.location.search).get(name));
  return Number.isFinite(value) && value >= min ? value : fallback;
}

function describeProblem(err: unknown): string {
  if (err instanceof NetworkError) return 'The kiosk cannot reach the server. Please ask at the reception desk.';
  if (err instanceof ApiError) return err.status === 404 || err.status === 410 ? 'This code is not valid or has expired. Please ask at the reception desk.' : err.message;
  return 'Something went wrong. Please ask at the reception desk.';
}

export default function KioskApp() {
  const idleSeconds = readNumber('idle', 60, 3);
  const autoprint = new URLSearchParams(window.location.search).get('autoprint') === '1';
  const [step, setStep] = useState<Step>({ name: 'welcome' });
  const [service, setService] = useState<Service>({ state: 'checking' });
  const [busy, setBusy] = useState(false);
  const main = useRef<HTMLElement>(null);

  const checkService = useCallback(async () => {
    try {
      setService({ state: 'available', nda: await visitorsApi.currentNda() });
    } catch (err) {
      setService(err instanceof VisitorsUnavailable ? { state: 'unavailable' } : { state: 'error', message: describeProblem(err) });
    }
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

  // Each new screen is announced and starts at the top.
  useEffect(() => {
    window.scrollTo(0, 0);
    main.current?.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  }, [step.name]);

  const unavailable = service.state === 'unavailable';

  const signIn = async (who: { token: string } | { walk_in: WalkInFields }, nda: NdaVersion) => {
    setBusy(true);
    try {
      const result = await visitorsApi.signIn({ ...who, nda_version: nda.version });
      setStep({ name: 'badge', result });
    } catch (err) {
      setStep(err instanceof VisitorsUnavailable ? { name: 'unavailable' } : { name: 'problem', message: describeProblem(err) });
    } finally {
      setBusy(false);
    }
  };

  const signOut = async (token: string) => {
    if (unavailable) {
      setStep({ name: 'unavailable', code: token });
      return;
    }
    setBusy(true);
    try {
      setStep({ name: 'signed-out', result: await visitorsApi.signOut({ token }) });
    } catch (err) {
      setStep(err instanceof VisitorsUnavailable ? { name: 'unavailable', code: token } : { name: 'problem', message: describeProblem(err) });
    } finally {
      setBusy(false);
    }
  };

  const afterIdentity = (who: { token: string } | { walk_in: WalkInFields }) => {
    if (service.state === 'available') setStep({ name: 'nda', who });
    else setStep({ name: 'unavailable', ...('token' in who ? { code: who.token } : {}) });
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
          <QrScanner prompt="Hold the QR code from your invitation (on your phone or on paper) in front of the camera." onCode={(token) => afterIdentity({ token })} />
        </>
      );
      break;
    case 'walk-in':
      screen = <WalkInForm onSubmit={(walk_in) => afterIdentity({ walk_in })} />;
      break;
    case 'nda':
      screen =
        service.state === 'available' ? (
          <NdaStep nda={service.nda} code={'token' in step.who ? step.who.token : undefined} busy={busy} onAccept={() => void signIn(step.who, service.nda)} />
        ) : null;
      break;
    case 'badge':
      screen = <BadgeStep result={step.result} autoprint={autoprint} onDone={reset} />;
      break;
    case 'scan-out':
      screen = (
        <>
          <h1 tabIndex={-1}>Sign out</h1>
          <QrScanner prompt="Hold your visitor badge’s QR code in front of the camera." onCode={(token) => void signOut(token)} />
        </>
      );
      break;
    case 'signed-out':
      screen = (
        <>
          <h1 tabIndex={-1}>Goodbye, {step.result.name}</h1>
          <p className="kiosk-lead" role="status">
            You are signed out at {new Date(step.result.signed_out_at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}. Please leave your badge in the tray.
          </p>
          <button type="button" className="kiosk-button primary" onClick={reset}>
            Done
          </button>
        </>
      );
      break;
    case 'unavailable':
      screen = (
        <>
          <h1 tabIndex={-1}>Please sign in at the desk</h1>
          {step.code ? (
            <p className="kiosk-lead" data-testid="decoded">
              Code read: <span className="mono break">{step.code}</span>
            </p>
          ) : null}
          <p className="kiosk-lead" role="alert">
            Visitor sign-in is not available on this system yet, so nothing was recorded. Please sign the visitor book at the reception desk.
          </p>
          <button type="button" className="kiosk-button primary" onClick={reset}>
            Start again
          </button>
        </>
      );
      break;
    case 'problem':
      screen = (
        <>
          <h1 tabIndex={-1}>Sorry</h1>
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

function WalkInForm({ onSubmit }: { onSubmit: (fields: WalkInFields) => void }) {
  const ids = { name: useId(), company: useId(), visiting: useId(), purpose: useId() };
  const [fields, setFields] = useState<WalkInFields>({ name: '', company: '', visiting: '', purpose: '' });
  const [tried, setTried] = useState(false);
  const missing = { name: !fields.name.trim(), visiting: !fields.visiting.trim() };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (missing.name || missing.visiting) return;
    const clean = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
    onSubmit({ name: fields.name.trim(), visiting: fields.visiting.trim(), ...(clean(fields.company) ? { company: clean(fields.company) } : {}), ...(clean(fields.purpose) ? { purpose: clean(fields.purpose) } : {}) });
  };
  const set = (key: keyof WalkInFields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [key]: e.target.value }));
  return (
    <form className="kiosk-form" onSubmit={submit} noValidate>
      <h1 tabIndex={-1}>Sign in</h1>
      <div className="kiosk-field">
        <label htmlFor={ids.name}>Your name</label>
        <input id={ids.name} value={fields.name} onChange={set('name')} autoComplete="name" required aria-invalid={tried && missing.name} aria-describedby={tried && missing.name ? `${ids.name}-err` : undefined} maxLength={200} />
        {tried && missing.name ? (
          <p id={`${ids.name}-err`} className="kiosk-error">
            Please enter your name.
          </p>
        ) : null}
      </div>
      <div className="kiosk-field">
        <label htmlFor={ids.company}>Company (optional)</label>
        <input id={ids.company} value={fields.company} onChange={set('company')} autoComplete="organization" maxLength={200} />
      </div>
      <div className="kiosk-field">
        <label htmlFor={ids.visiting}>Who are you visiting?</label>
        <input id={ids.visiting} value={fields.visiting} onChange={set('visiting')} required aria-invalid={tried && missing.visiting} aria-describedby={tried && missing.visiting ? `${ids.visiting}-err` : undefined} maxLength={200} />
        {tried && missing.visiting ? (
          <p id={`${ids.visiting}-err`} className="kiosk-error">
            Please tell us whom you are visiting.
          </p>
        ) : null}
      </div>
      <div className="kiosk-field">
        <label htmlFor={ids.purpose}>Purpose of the visit (optional)</label>
        <input id={ids.purpose} value={fields.purpose} onChange={set('purpose')} maxLength={200} />
      </div>
      <button type="submit" className="kiosk-button primary">
        Continue
      </button>
    </form>
  );
}

function NdaStep({ nda, code, busy, onAccept }: { nda: NdaVersion; code: string | undefined; busy: boolean; onAccept: () => void }) {
  const [agreed, setAgreed] = useState(false);
  const checkId = useId();
  return (
    <>
      <h1 tabIndex={-1}>{nda.title}</h1>
      {code ? (
        <p className="kiosk-small" data-testid="decoded">
          Invitation code read: <span className="mono break">{code}</span>
        </p>
      ) : null}
      <div className="nda-text" tabIndex={0} aria-label="Non-disclosure agreement text">
        {nda.text.split(/\n{2,}/).map((para, i) => (
          <p key={i}>{para}</p>
        ))}
        <p className="kiosk-small">Version {nda.version}</p>
      </div>
      <div className="kiosk-check">
        <input id={checkId} type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
        <label htmlFor={checkId}>I have read this agreement and accept it.</label>
      </div>
      <button type="button" className="kiosk-button primary" disabled={!agreed || busy} onClick={onAccept}>
        {busy ? 'Signing in…' : 'Accept and sign in'}
      </button>
    </>
  );
}

function BadgeStep({ result, autoprint, onDone }: { result: SignInResult; autoprint: boolean; onDone: () => void }) {
  useEffect(() => {
    if (!autoprint) return;
    const id = setTimeout(() => window.print(), 300);
    return () => clearTimeout(id);
  }, [autoprint]);
  return (
    <>
      <h1 tabIndex={-1}>Welcome, {result.badge.name}</h1>
      <p className="kiosk-lead" role="status">
        You are signed in to visit {result.badge.visiting}. Please wear your badge, and scan it here when you leave.
      </p>
      <div className="badge-preview">
        <Badge badge={result.badge} />
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
