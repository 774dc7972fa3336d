import type { Request, Response } from 'express';
import { Person } from '../db/models';
import type { User } from '../auth/auth-models';
import type { SessionInfo } from '../auth/sessions';
import { clearSessionCookie, readSessionCookie } from '../auth/session-cookie';
import type { AuthServices } from '../auth/auth-services';

/** A signed-in caller. */
export interface Principal {
  user: User;
  session: SessionInfo;
  /** The pseudonym log entries name: the person's, when the account belongs to one, so badge and screen actions agree. */
  actor: string;
}

/** Reads the session cookie; a cookie that names no live session is cleared. */
export async function loadPrincipal(auth: AuthServices, req: Request, res: Response): Promise<Principal | null> {
  const mode = { secure: auth.secure };
  const token = readSessionCookie(req.headers.cookie, mode);
  if (token === null) return null;
  const found = await auth.sessions.validate(token);
  if (!found.ok) {
    res.append('Set-Cookie', clearSessionCookie(mode));
    return null;
  }
  const session = await auth.sessions.touch(found.session);
  const person = found.user.person_id ? await Person.findByPk(found.user.person_id, { attributes: ['pseudonym'] }) : null;
  return { user: found.user, session, actor: person?.pseudonym ?? found.user.pseudonym };
}

/** The client address for throttling and pseudonymous logging. Proxies are not trusted. */
export function clientAddress(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}
