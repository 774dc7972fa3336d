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
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, NetworkError } from '../api/client';
import { hostChoices, NdaRequired, visitorsApi, VisitorRefused, VisitorsUnavailable, type HostChoice, type NdaText, type SignInResult, type SignInWho } from '../api/visitors';
import { useSession } from '../session';
import { BadgeStep } from './BadgeStep';
import { NdaStep } from './NdaStep';
import { NoticeStep, WelcomeStep } from './NoticeSteps';
import { QrScanner } from './QrScanner';
import { ScanOutStep, SignedOutStep } from './SignOutSteps';
import { useIdle } from './useIdle';
import { WalkInForm } from './WalkInForm';
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

export default function KioskApp() {
  const idleSeconds = readNumber('idle', 60, 3);
  const autoprint = new URLSearchParams(window.location.search).get('autoprint') === '1';
  const { session, signOut: endSession } = useSession();
  const [step, setStep] = useState<Step>({ name: 'welcome' });
  const [service, setService] = useState<Service>({ state: 'checking' });
  const [hosts, setHosts] = useState<HostChoice[] | null | undefined>(undefined);
  const role = session.status === 'signed-in' || session.status === 'local' ? session.role : undefined;
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
    setHosts(await hostChoices(role).catch(() => null));
  }, [role]);
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
      screen = <WelcomeStep onScanIn={() => setStep({ name: 'scan-in' })} onWalkIn={() => setStep({ name: 'walk-in' })} onScanOut={() => setStep({ name: 'scan-out' })} />;
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
      // Walk-ins choose whom they visit from the list of hosts; an account that cannot read it sends them to the desk.
      screen =
        hosts === undefined ? (
          <p className="kiosk-lead" role="status">
            One moment…
          </p>
        ) : hosts === null ? (
          <NoticeStep title="Please sign in at the desk" message="Reception will sign you in and tell your host you are here." onDone={reset} />
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
      screen = <ScanOutStep busy={busy} onCode={(token) => void signOutByScan(token)} />;
      break;
    case 'signed-out':
      screen = <SignedOutStep at={step.at} firstName={step.firstName} onDone={reset} />;
      break;
    case 'desk':
      screen = <NoticeStep title={step.title} message={step.message} code={step.code} onDone={reset} />;
      break;
    case 'problem':
      screen = <NoticeStep title="Sorry" message={step.message} code={step.code} onDone={reset} />;
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
