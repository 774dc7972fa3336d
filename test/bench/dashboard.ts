import { randomBytes } from 'node:crypto';
import { sessionCookieName } from '../../server/auth/session-cookie';
import type { Services } from '../../server/services';

/** What the bench's dashboard (the socket.io client) sends in its handshake, like a signed-in browser. */
export interface DashboardHeaders {
  cookie: string;
  origin: string;
}

/**
 * The live socket admits only a signed-in session from a page of this site with a role that hears
 * 'custody' (staff and up). The bench signs a staff user in as the login would leave it: a user
 * row and a fresh, fully authenticated session, whose token goes in the session cookie.
 */
export async function signInDashboard(services: Services, serverUrl: string): Promise<DashboardHeaders> {
  const { users, sessions, hasher, secure } = services.auth;
  const user = await users.create({ kind: 'person', username: 'bench-dashboard', passwordHash: await hasher.hash(randomBytes(24).toString('base64url')), role: 'staff' });
  const { token } = await sessions.create({ id: user.id, kind: 'person' });
  return { cookie: `${sessionCookieName({ secure })}=${token}`, origin: new URL(serverUrl).origin };
}
