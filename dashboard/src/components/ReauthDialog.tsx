import { createContext, useCallback, useContext, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, apiJson } from '../api/client';
import { useSession } from '../session';
import { Field, useSubmission, type Submission } from './FormField';

/**
 * Sensitive actions (legal holds, user administration) are refused with 403 and a `reauth` field
 * unless the password, and the authenticator code for managers and admins, were confirmed in the
 * last minutes (server/api/access-control.ts). `withReauth(action)` runs the action; on that refusal
 * it asks for them in a dialog, confirms them with POST /api/v1/auth/reauth, and runs it once more.
 */

/** The refusal that asks for the password again. */
export function needsReauth(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403 && err.fields.some((f) => f.field === 'reauth');
}

/** The person closed the dialog: the action was not done. */
export class ReauthCancelled extends Error {
  constructor() {
    super('Not done: your password was not confirmed.');
    this.name = 'ReauthCancelled';
  }
}

type WithReauth = <T>(action: () => Promise<T>) => Promise<T>;

/** Runs `action`; when the server wants the password again, waits for `confirm` and runs it once more. */
export async function retryAfterReauth<T>(action: () => Promise<T>, confirm: () => Promise<void>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (!needsReauth(err)) throw err;
    await confirm();
    return action();
  }
}

const ReauthContext = createContext<WithReauth | null>(null);

/** Runs an action, asking for the password again first when the server wants it. */
export function useReauth(): WithReauth {
  const withReauth = useContext(ReauthContext);
  if (!withReauth) throw new Error('useReauth outside ReauthProvider');
  return withReauth;
}

/** `useSubmission` for sensitive forms: every change it runs goes through `useReauth()`. */
export function useReauthSubmission(fields: readonly string[]): Submission {
  const submission = useSubmission(fields);
  const withReauth = useReauth();
  return { ...submission, run: (action, doneMessage) => submission.run(() => withReauth(action), doneMessage) };
}

export function ReauthProvider({ children }: { children: ReactNode }) {
  const [asking, setAsking] = useState<{ resolve: () => void; reject: (err: Error) => void } | null>(null);
  const ask = useCallback(() => new Promise<void>((resolve, reject) => setAsking({ resolve, reject })), []);
  const withReauth = useCallback<WithReauth>((action) => retryAfterReauth(action, ask), [ask]);
  return (
    <ReauthContext.Provider value={withReauth}>
      {children}
      {asking ? (
        <ReauthDialog
          onConfirmed={() => {
            asking.resolve();
            setAsking(null);
          }}
          onCancel={() => {
            asking.reject(new ReauthCancelled());
            setAsking(null);
          }}
        />
      ) : null}
    </ReauthContext.Provider>
  );
}

/** A modal dialog: the browser keeps focus inside it, Escape cancels, and focus returns where it was. */
export function ReauthDialog({ onConfirmed, onCancel }: { onConfirmed: () => void; onCancel: () => void }) {
  const { session } = useSession();
  const withCode = session.status === 'signed-in' && (session.role === 'manager' || session.role === 'admin');
  const dialog = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const element = dialog.current;
    element?.showModal();
    return () => {
      element?.close();
      opener?.focus();
    };
  }, []);

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await apiJson('/api/v1/auth/reauth', { method: 'POST', body: { password, ...(withCode ? { totp: code.replace(/\s+/g, '') } : {}) }, unauthorizedIsAnswer: true });
      onConfirmed();
    } catch (err) {
      setError(reauthProblem(err, withCode));
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="reauth-dialog"
      aria-labelledby="reauth-title"
      aria-describedby="reauth-why"
      data-testid="reauth-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={(e) => void confirm(e)}>
        <h2 id="reauth-title">Confirm it is you</h2>
        <p id="reauth-why">This action is sensitive: enter your password{withCode ? ' and a code from your authenticator app' : ''} again.</p>
        <Field label="Your password">{(a11y) => <input {...a11y} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />}</Field>
        {withCode ? (
          <Field label="Authenticator code">
            {(a11y) => <input {...a11y} className="code-input" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" value={code} onChange={(e) => setCode(e.target.value)} required />}
          </Field>
        ) : null}
        <div role="alert">{error ? <p className="field-error">{error}</p> : null}</div>
        <div className="button-row">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Checking…' : 'Confirm'}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

function reauthProblem(err: unknown, withCode: boolean): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return withCode ? 'Wrong password or code. A code works once: wait for the next one if you just used it.' : 'Wrong password.';
    if (err.status === 429) return err.message.replace(/^too many attempts/, 'Too many attempts');
    return err.message;
  }
  return 'The server cannot be reached.';
}
