import type { Request } from 'express';
import { checkCsrf } from '../auth/csrf';
import { authEvent } from '../auth/audit-events';
import type { Services } from '../services';
import { clientAddress, type Principal } from './principal';
import { HttpError, type RouteDef } from './route';

/**
 * The gate every route passes: CSRF and Origin first (for everyone), then the route's own rule.
 * Nothing is open unless the route says so. Refusals of a signed-in caller are custody-log entries.
 */
export async function authorize(services: Services, route: RouteDef, req: Request, principal: Principal | null): Promise<void> {
  const { auth } = services;
  const target = `${route.method.toUpperCase()} ${route.path}`;
  const csrf = checkCsrf({ method: req.method, headers: req.headers, sessionId: principal?.session.id ?? null }, services.allowedOrigins(), auth.csrf);
  if (!csrf.ok) {
    await logDenial(services, req, principal, target, `csrf:${csrf.reason}`);
    throw new HttpError(403, 'request refused: it did not come from this site (CSRF/Origin check)');
  }
  const access = route.access;
  if ('public' in access) return;
  if (!principal) throw new HttpError(401, 'sign in first');
  if (principal.session.mfaPending && !access.mfaPending) {
    throw new HttpError(403, 'finish signing in with your authenticator code first');
  }
  if (!access.roles.includes(principal.user.role as never)) {
    await logDenial(services, req, principal, target, 'role');
    throw new HttpError(403, 'your role does not allow this');
  }
  if (access.reauth && !auth.sessions.isRecentlyReauthenticated(principal.session)) {
    await logDenial(services, req, principal, target, 'reauth_required');
    throw new HttpError(403, 'confirm your password and code again for this action', [{ field: 'reauth', message: 'reauth_required' }]);
  }
}

async function logDenial(services: Services, req: Request, principal: Principal | null, target: string, reason: string): Promise<void> {
  // Anonymous refusals are not logged one by one: anyone could grow the permanent log without bound.
  if (!principal) return;
  await services.writer.submit({
    run: (ctx) => ctx.append(authEvent('user.access_denied', { actor: principal.actor, address: services.auth.pseudonyms.address(clientAddress(req)), reason, target })),
  });
}
