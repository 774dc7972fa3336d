/**
 * Who is using the dashboard. Sign-in is being built (server/auth); until it is served, the server
 * only listens on loopback and treats its caller as the local operator, so the session is a local
 * manager. When the session endpoint exists, `loadSession` asks it; a 401 then shows the login page
 * (the `signed-out` state) and navigation follows the role.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiCredentials } from './api/client';
import type { Role } from './api/types';

export type Session =
  | { status: 'local'; role: Role; user: null; csrfToken: null }
  | { status: 'signed-in'; role: Role; user: { display_name: string }; csrfToken: string }
  | { status: 'signed-out'; role: null; user: null; csrfToken: null };

/** What the dashboard runs as while the server has no sign-in: loopback-only, full access. */
export const LOCAL_SESSION: Session = { status: 'local', role: 'manager', user: null, csrfToken: null };
const SIGNED_OUT: Session = { status: 'signed-out', role: null, user: null, csrfToken: null };

/** The one place that will ask the server for the session (GET /api/v1/session) once it exists. */
export async function loadSession(): Promise<Session> {
  return LOCAL_SESSION;
}

interface SessionValue {
  session: Session;
  /** Does the current session hold one of these roles? */
  can(roles: readonly Role[]): boolean;
  setSession(next: Session): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children, initial = LOCAL_SESSION }: { children: ReactNode; initial?: Session }) {
  const [session, setSession] = useState<Session>(initial);
  useEffect(() => {
    let live = true;
    void loadSession().then((s) => live && setSession(s));
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    setApiCredentials({ csrfToken: session.csrfToken, onUnauthorized: session.status === 'signed-in' ? () => setSession(SIGNED_OUT) : null });
  }, [session]);
  const value = useMemo<SessionValue>(
    () => ({ session, setSession, can: (roles) => session.role !== null && roles.includes(session.role) }),
    [session],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
