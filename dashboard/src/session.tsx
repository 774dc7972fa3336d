/**
 * Who is using the dashboard, from GET /api/v1/auth/session. The API client sends the session's
 * CSRF token on state-changing requests; any 401 sends the page back to sign-in. Navigation and
 * pages follow the role. A server without sign-in (404 on the session endpoint, older versions
 * listening on loopback only) is used as the local operator, a manager.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi } from './api/auth';
import { ApiError, setApiCredentials } from './api/client';
import { forgetPeople } from './people';
import type { Role } from './api/types';

export type Session =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: string }
  /** Password accepted; the authenticator code (or enrolling one) is still owed. */
  | { status: 'mfa'; username: string; role: Role; csrfToken: string }
  | { status: 'signed-in'; username: string; role: Role; csrfToken: string }
  | { status: 'local'; role: Role };

const LOCAL: Session = { status: 'local', role: 'manager' };

export async function loadSession(signal?: AbortSignal): Promise<Session> {
  try {
    const s = await authApi.session(signal);
    if (!s.signed_in || !s.username || !s.role || !s.csrf_token) return { status: 'signed-out' };
    const base = { username: s.username, role: s.role as Role, csrfToken: s.csrf_token };
    return s.mfa_pending ? { status: 'mfa', ...base } : { status: 'signed-in', ...base };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return LOCAL;
    throw err;
  }
}

interface SessionValue {
  session: Session;
  /** May the current session use something open to these roles? */
  can(roles: readonly Role[]): boolean;
  /** Ask the server again (after signing in, or when a request was refused). */
  refresh(): Promise<void>;
  /** Keep using the CSRF token a sign-in step answered, before the session is complete. */
  setCsrfToken(token: string): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children, initial }: { children: ReactNode; initial?: Session }) {
  const [session, setSession] = useState<Session>(initial ?? { status: 'loading' });
  const refresh = useCallback(async () => {
    try {
      setSession(await loadSession());
    } catch {
      setSession({ status: 'signed-out', reason: 'The server cannot be reached. Try again in a moment.' });
    }
  }, []);
  useEffect(() => {
    if (!initial) void refresh();
  }, [initial, refresh]);
  useEffect(() => {
    forgetPeople();
  }, [session.status]);
  useEffect(() => {
    const token = session.status === 'signed-in' || session.status === 'mfa' ? session.csrfToken : null;
    setApiCredentials({
      csrfToken: token,
      onUnauthorized: session.status === 'signed-in' ? () => setSession({ status: 'signed-out', reason: 'Your session has ended. Please sign in again.' }) : null,
    });
  }, [session]);
  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setSession({ status: 'signed-out', reason: 'You are signed out.' });
    }
  }, []);
  const value = useMemo<SessionValue>(
    () => ({
      session,
      refresh,
      signOut,
      setCsrfToken: (token) => setApiCredentials({ csrfToken: token }),
      can: (roles) => (session.status === 'signed-in' || session.status === 'local') && roles.includes(session.role),
    }),
    [session, refresh, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
