import { useCallback, useId, useState, type ReactNode } from 'react';
import { formProblem, NO_PROBLEM, type FormProblem } from '../lib/form-errors';

/** What an input needs to be tied to its label and its error message. */
export interface InputA11y {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/** A labelled input with its hint and, after a refusal, the server's message for it just below. */
export function Field({ label, error, hint, className, children }: { label: string; error?: string | undefined; hint?: string | undefined; className?: string | undefined; children: (input: InputA11y) => ReactNode }) {
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

/** A labelled drop-down of `options`, optionally headed by an empty "choose" entry. */
export function SelectField<T extends string>({
  label,
  hint,
  error,
  className,
  value,
  onChange,
  options,
  placeholder,
  required,
}: {
  label: string;
  hint?: string;
  error?: string | undefined;
  className?: string;
  value: T;
  onChange: (value: T) => void;
  options: readonly { value: T; label: string }[];
  /** The label of an empty first entry ("Choose…"), for a choice the form cannot make itself. */
  placeholder?: string;
  required?: boolean;
}) {
  return (
    <Field label={label} hint={hint} error={error} className={className}>
      {(a11y) => (
        <select {...a11y} value={value} onChange={(e) => onChange(e.target.value as T)} required={required}>
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
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

/**
 * A form of text fields held in one state: `set(key)` is an input's onChange, `setValue` sets one
 * field from a value, `reset()` goes back to the values the form started with.
 */
export function useFields<T extends { [K in keyof T]: string }>(initial: T) {
  const [start] = useState(initial);
  const [values, setValues] = useState(start);
  const setValue = useCallback((key: keyof T, value: string) => setValues((v) => ({ ...v, [key]: value })), []);
  return {
    values,
    setValue,
    set: (key: keyof T) => (e: { target: { value: string } }) => setValue(key, e.target.value),
    reset: () => setValues(start),
  };
}

/**
 * A form that sends one change: its heading (or, without one, `label`) names it for assistive
 * technology, the browser leaves validation to the server, and below the fields come the submit
 * button (saying `busyLabel` while it runs), an optional Cancel, and the outcome.
 */
export function FormCard({
  title,
  label,
  submission,
  onSubmit,
  submitLabel,
  busyLabel,
  primary = true,
  disabled,
  onCancel,
  className = 'card form-grid',
  testId,
  footnote,
  children,
}: {
  title?: ReactNode;
  label?: string;
  submission: Submission;
  onSubmit: () => unknown;
  submitLabel: string;
  busyLabel?: string;
  /** The section's main action (a filled button); secondary forms pass false. */
  primary?: boolean;
  disabled?: boolean;
  onCancel?: () => void;
  className?: string;
  testId?: string;
  /** Shown below the outcome: a refusal for a control that is not in a Field. */
  footnote?: ReactNode;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
      aria-labelledby={title ? headingId : undefined}
      aria-label={title ? undefined : label}
      data-testid={testId}
      noValidate
    >
      {title ? (
        <h3 id={headingId} className="form-title">
          {title}
        </h3>
      ) : null}
      {children}
      <div className="button-row">
        <button type="submit" className={primary ? 'button primary' : 'button'} disabled={submission.busy || disabled}>
          {submission.busy && busyLabel ? busyLabel : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      <div className="form-wide">
        <FormStatus problem={submission.problem} done={submission.done} />
        {footnote}
      </div>
    </form>
  );
}
