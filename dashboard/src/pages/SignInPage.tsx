import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { authApi, signInProblem } from '../api/auth';
import type { LoginAnswer, TotpEnrolment } from '../api/types';
import { qrSvgPath } from '../lib/qr';
import { useSession } from '../session';

type Step = { name: 'password' } | { name: 'code' } | { name: 'enrol'; enrolment: TotpEnrolment | null };

/**
 * Sign-in: username and password, then the authenticator code (managers and admins always; others
 * if they set one up). An account without an authenticator that needs one enrols it here: a QR
 * code to scan, then its first code. `setupToken` turns the first step into creating the first
 * administrator (the one-time link printed at first start, /setup#token=…).
 */
export function SignInPage({ variant = 'dashboard', setupToken }: { variant?: 'dashboard' | 'kiosk'; setupToken?: string }) {
  const { session, refresh, setCsrfToken } = useSession();
  const [step, setStep] = useState<Step>(session.status === 'mfa' ? { name: 'code' } : { name: 'password' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${setupToken ? 'Set up Safekeep' : 'Sign in'} · Safekeep`;
  }, [setupToken]);
  useLayoutEffect(() => {
    heading.current?.focus();
  }, [step.name]);

  const after = async (answer: LoginAnswer) => {
    setCsrfToken(answer.csrf_token);
    if (answer.status === 'ok') {
      await refresh();
      return;
    }
    if (answer.status === 'mfa_required') setStep({ name: 'code' });
    else {
      setStep({ name: 'enrol', enrolment: null });
      setStep({ name: 'enrol', enrolment: await authApi.enrolTotp() });
    }
  };
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(signInProblem(err));
    } finally {
      setBusy(false);
    }
  };

  const reason = session.status === 'signed-out' ? session.reason : undefined;
  return (
    <div className={`signin signin-${variant}`}>
      <main className="signin-box" id="main">
        <p className="signin-brand">
          <span className="brand-mark" aria-hidden="true" /> Safekeep{variant === 'kiosk' ? ' · Reception' : ''}
        </p>
        {step.name === 'password' ? (
          <PasswordStep heading={heading} setup={setupToken !== undefined} busy={busy} onSubmit={(u, p) => run(async () => after(setupToken ? await authApi.setup({ token: setupToken, username: u, password: p }) : await authApi.login({ username: u, password: p })))} />
        ) : step.name === 'code' ? (
          <CodeStep heading={heading} busy={busy} onSubmit={(code) => run(async () => after(await authApi.verifyTotp(code)))} onEnrol={() => run(async () => setStep({ name: 'enrol', enrolment: await authApi.enrolTotp() }))} />
        ) : (
          <EnrolStep heading={heading} enrolment={step.enrolment} busy={busy} onSubmit={(code) => run(async () => after(await authApi.confirmTotp(code)))} />
        )}
        <div role="alert" className="signin-error">
          {error ?? (step.name === 'password' && reason ? <span className="signin-note">{reason}</span> : null)}
        </div>
      </main>
    </div>
  );
}

function Field({ label, children, hint }: { label: string; children: (id: string) => ReactNode; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <p className="small muted">{hint}</p> : null}
    </div>
  );
}

function PasswordStep({ heading, setup, busy, onSubmit }: { heading: RefObject<HTMLHeadingElement | null>; setup: boolean; busy: boolean; onSubmit: (username: string, password: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = setup && again !== '' && again !== password;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password || mismatch) return;
    onSubmit(username.trim(), password);
  };
  return (
    <form onSubmit={submit} className="signin-form">
      <h1 id="signin-heading" ref={heading} tabIndex={-1}>
        {setup ? 'Create the first administrator' : 'Sign in'}
      </h1>
      {setup ? <p className="small">This one-time link creates the administrator account. You will set up an authenticator app next.</p> : null}
      <Field label="Username">{(id) => <input id={id} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoCapitalize="none" spellCheck={false} required />}</Field>
      <Field label="Password" hint={setup ? 'At least 12 characters; a few unrelated words work well.' : undefined}>
        {(id) => <input id={id} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete={setup ? 'new-password' : 'current-password'} required />}
      </Field>
      {setup ? (
        <Field label="Password again">
          {(id) => <input id={id} type="password" value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" required aria-invalid={mismatch} />}
        </Field>
      ) : null}
      {mismatch ? <p className="field-error">The passwords differ.</p> : null}
      <button type="submit" className="button primary wide" disabled={busy}>
        {busy ? 'Signing in…' : setup ? 'Create account' : 'Sign in'}
      </button>
    </form>
  );
}

function CodeInput({ value, onChange, id }: { value: string; onChange: (v: string) => void; id: string }) {
  return (
    <input
      id={id}
      value={value}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 8))}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6,8}"
      maxLength={8}
      className="code-input"
      required
    />
  );
}

function CodeStep({ heading, busy, onSubmit, onEnrol }: { heading: RefObject<HTMLHeadingElement | null>; busy: boolean; onSubmit: (code: string) => void; onEnrol: () => void }) {
  const [code, setCode] = useState('');
  return (
    <form onSubmit={(e) => (e.preventDefault(), code.length >= 6 && onSubmit(code))} className="signin-form">
      <h1 id="code-heading" ref={heading} tabIndex={-1}>
        Authenticator code
      </h1>
      <p className="small">Enter the 6-digit code your authenticator app shows for Safekeep.</p>
      <Field label="Code">{(id) => <CodeInput id={id} value={code} onChange={setCode} />}</Field>
      <button type="submit" className="button primary wide" disabled={busy || code.length < 6}>
        {busy ? 'Checking…' : 'Continue'}
      </button>
      <button type="button" className="linkish" onClick={onEnrol} disabled={busy}>
        I have not set up an authenticator yet
      </button>
    </form>
  );
}

function EnrolStep({ heading, enrolment, busy, onSubmit }: { heading: RefObject<HTMLHeadingElement | null>; enrolment: TotpEnrolment | null; busy: boolean; onSubmit: (code: string) => void }) {
  const [code, setCode] = useState('');
  const qr = useMemo(() => (enrolment ? qrSvgPath(enrolment.uri, 4) : null), [enrolment]);
  return (
    <form onSubmit={(e) => (e.preventDefault(), code.length >= 6 && onSubmit(code))} className="signin-form">
      <h1 id="enrol-heading" ref={heading} tabIndex={-1}>
        Set up your authenticator
      </h1>
      <p className="small">Your account needs a second factor. Scan this code with an authenticator app (on your phone), then enter the code it shows.</p>
      {qr && enrolment ? (
        <>
          <svg className="enrol-qr" viewBox={`0 0 ${qr.size} ${qr.size}`} role="img" aria-label="QR code for your authenticator app" shapeRendering="crispEdges" data-testid="totp-qr" data-uri={enrolment.uri}>
            <rect width={qr.size} height={qr.size} fill="#fff" />
            <path d={qr.path} fill="#000" />
          </svg>
          <p className="small">
            Or type this key into the app: <code className="break" data-testid="totp-secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
        </>
      ) : (
        <p className="muted">Preparing…</p>
      )}
      <Field label="Code from the app">{(id) => <CodeInput id={id} value={code} onChange={setCode} />}</Field>
      <button type="submit" className="button primary wide" disabled={busy || code.length < 6 || !enrolment}>
        {busy ? 'Checking…' : 'Confirm and continue'}
      </button>
    </form>
  );
}
