import type { ReactNode } from 'react';
import { ApiError, NetworkError } from '../api/client';
import type { AsyncState } from '../hooks';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function ErrorMessage({ error, retry, what }: { error: Error; retry?: () => void; what: string }) {
  const detail =
    error instanceof NetworkError
      ? 'The server cannot be reached. It may be restarting; this page retries when you ask.'
      : error instanceof ApiError && error.status === 403
        ? 'Your account may not see this.'
        : error.message;
  return (
    <div className="notice notice-danger" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {detail}
      </p>
      {retry ? (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/**
 * What a fetch has come to: its error (with a retry), a spinner until the first answer, then
 * `children` with the data, kept on screen while it reloads.
 */
export function Loaded<T>({ state, what, children }: { state: AsyncState<T>; what: string; children: (data: NonNullable<T>) => ReactNode }) {
  return (
    <>
      {state.error ? <ErrorMessage error={state.error} retry={state.reload} what={what} /> : null}
      {state.loading && !state.data ? <Loading /> : null}
      {state.data ? children(state.data) : null}
    </>
  );
}
