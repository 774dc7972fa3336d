import { useCallback, useId, useState, type ReactNode } from 'react';
import { formProblem, NO_PROBLEM, type FormProblem } from '../lib/form-errors';

/** What an input needs to be tied to its label and its error message. */
export interface InputA11y {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/** A labelled input with its hint and, after a refusal, the server's message for it just below. */
export function Field({ label, error, hint, className, children }: { label: string; error?: string | undefined; hint?: string; className?: string; children: (input: InputA11y) => ReactNode }) {
  const id = useId();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <span id={`${id}-hint`} className="small muted">
          {hint}
        </span>
      ) : null}
      {children({ id, ...(error ? { 'aria-invalid': true as const } : {}), ...(described ? { 'aria-describedby': described } : {}) })}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The form's outcome: refusals are announced at once, successes politely. */
export function FormStatus({ problem, done }: { problem: FormProblem; done?: string | null }) {
  return (
    <>
      <div role="alert">{problem.message ? <p className="field-error">{problem.message}</p> : null}</div>
      <div role="status">{done && !problem.message ? <p className="form-done">{done}</p> : null}</div>
    </>
  );
}

export interface Submission {
  busy: boolean;
  problem: FormProblem;
  done: string | null;
  /** Runs the change; true when it went through. Refusals land in `problem`, next to the fields named. */
  run(action: () => Promise<unknown>, doneMessage?: string): Promise<boolean>;
}

/** Busy state, the server's refusal and a success note for one form with the given field names. */
export function useSubmission(fields: readonly string[]): Submission {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>(NO_PROBLEM);
  const [done, setDone] = useState<string | null>(null);
  const known = fields.join('\n');
  const run = useCallback(
    async (action: () => Promise<unknown>, doneMessage?: string) => {
      setBusy(true);
      setProblem(NO_PROBLEM);
      setDone(null);
      try {
        await action();
        setDone(doneMessage ?? null);
        return true;
      } catch (err) {
        setProblem(formProblem(err, known.split('\n')));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [known],
  );
  return { busy, problem, done, run };
}
