/** Sign-in (server/api/routes/auth.ts). Every answer that starts or changes a session carries its CSRF token. */
import { ApiError, apiJson } from './client';
import type { LoginAnswer, SessionJson, TotpEnrolment } from './types';

export const authApi = {
  /** Who is signed in; a server without sign-in (older versions) answers 404. */
  session: (signal?: AbortSignal) => apiJson<SessionJson>('/api/v1/auth/session', { signal }),
  login: (body: { username: string; password: string; totp?: string }) => apiJson<LoginAnswer>('/api/v1/auth/login', { method: 'POST', body }),
  verifyTotp: (code: string) => apiJson<LoginAnswer>('/api/v1/auth/totp/verify', { method: 'POST', body: { code } }),
  enrolTotp: () => apiJson<TotpEnrolment>('/api/v1/auth/totp/enrol', { method: 'POST' }),
  confirmTotp: (code: string) => apiJson<LoginAnswer>('/api/v1/auth/totp/confirm', { method: 'POST', body: { code } }),
  setup: (body: { token: string; username: string; password: string }) => apiJson<LoginAnswer>('/api/v1/auth/setup', { method: 'POST', body }),
  logout: () => apiJson<{ signed_in: false }>('/api/v1/auth/logout', { method: 'POST' }),
};

/** A human sentence for a sign-in refusal. */
export function signInProblem(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Wrong username, password or code.';
    if (err.status === 429) return err.message.replace(/^too many attempts/, 'Too many attempts');
    if (err.fields.length > 0) return err.fields.map((f) => f.message).join('; ');
    return err.message;
  }
  return 'The server cannot be reached.';
}
