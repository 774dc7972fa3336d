import { isWellFormedToken } from './secret-tokens';

/**
 * The session cookie, as Set-Cookie text and parsed back from a Cookie header.
 *
 * - HttpOnly: page scripts (and so an XSS) cannot read it.
 * - SameSite=Strict: the browser does not send it on any cross-site request, navigations
 *   included. A link to Safekeep from an e-mail then opens logged out until the next click;
 *   for a custody system that is the right trade.
 * - No Max-Age: it dies with the browser; the server-side timeouts are what really count.
 * - With TLS: Secure and the `__Host-` prefix, which makes browsers refuse the cookie unless it is
 *   Secure, host-only and Path=/, so a plain-HTTP page elsewhere on the LAN cannot plant or
 *   shadow it. Over plain HTTP (loopback development only) the prefix is not allowed, so the
 *   name differs, and a secure server never reads the plain name.
 */

export const SESSION_COOKIE_SECURE = '__Host-safekeep_session';
export const SESSION_COOKIE_PLAIN = 'safekeep_session';

export interface CookieMode {
  /** True whenever the server is reached over TLS. */
  secure: boolean;
}

export function sessionCookieName(mode: CookieMode): string {
  return mode.secure ? SESSION_COOKIE_SECURE : SESSION_COOKIE_PLAIN;
}

export function serializeSessionCookie(token: string, mode: CookieMode): string {
  if (!isWellFormedToken(token)) throw new Error('session cookie: not a session token');
  return [`${sessionCookieName(mode)}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', ...(mode.secure ? ['Secure'] : [])].join('; ');
}

/** Set at logout, and whenever a cookie names no live session. */
export function clearSessionCookie(mode: CookieMode): string {
  return [`${sessionCookieName(mode)}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(mode.secure ? ['Secure'] : [])].join('; ');
}

/**
 * The token from a Cookie header, or null. If the cookie appears more than once (a sign of
 * someone planting a second one), it is refused rather than guessing which is ours.
 */
export function readSessionCookie(cookieHeader: string | undefined, mode: CookieMode): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName(mode);
  const values = cookieHeader
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1));
  if (values.length !== 1) return null;
  return isWellFormedToken(values[0]) ? values[0] : null;
}
