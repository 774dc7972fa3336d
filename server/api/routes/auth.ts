import type { Response } from 'express';
import { z } from 'zod';
import { USER_ROLES } from '../../auth/accounts';
import { authEvent } from '../../auth/audit-events';
import type { LoginResult } from '../../auth/login-service';
import { provisionAccount } from '../../auth/provisioning';
import { clearSessionCookie, serializeSessionCookie } from '../../auth/session-cookie';
import { checkPassword, describeRefusal } from '../../auth/password-policy';
import type { Services } from '../../services';
import { clientAddress, type Principal } from '../principal';
import { defineRoute, HttpError, type AccessRole } from '../route';

const EVERYONE: readonly AccessRole[] = ['reception', 'staff', 'manager', 'admin', 'kiosk'];
const code = z.string().trim().regex(/^\d{6,8}$/, 'must be the 6-digit code from your authenticator');
const password = z.string().min(1).max(1024);
export const sessionSchema = z.object({
  signed_in: z.boolean(),
  mfa_pending: z.boolean().optional(),
  username: z.string().optional(),
  role: z.string().optional(),
  csrf_token: z.string().optional(),
});

function setSession(s: Services, res: Response, token: string): void {
  res.append('Set-Cookie', serializeSessionCookie(token, { secure: s.auth.secure }));
}

/** Maps the login service's answer to HTTP: a new cookie on success, 401 or 429 otherwise. */
function answerLogin(s: Services, res: Response, result: LoginResult) {
  if (result.status === 'refused') throw new HttpError(401, 'wrong username, password or code');
  if (result.status === 'throttled') {
    res.set('Retry-After', String(Math.ceil(result.retryAfterMs / 1000)));
    throw new HttpError(429, `too many attempts: try again in ${Math.ceil(result.retryAfterMs / 1000)} s`);
  }
  setSession(s, res, result.token);
  return { status: result.status, csrf_token: s.auth.csrf.tokenFor(result.session.id) };
}

const need = (principal: Principal | null): Principal => {
  if (!principal) throw new HttpError(401, 'sign in first');
  return principal;
};

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.string(),
  kind: z.string(),
  person_id: z.string().nullable(),
  second_factor: z.boolean(),
  disabled: z.boolean(),
  created_at: z.string(),
});

export const authRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/auth/session',
    summary: 'Who is signed in, and the CSRF token to send back in X-CSRF-Token',
    tags: ['sign-in'],
    access: { public: true },
    response: sessionSchema,
    async handler(s, { principal }) {
      if (!principal) return { signed_in: false };
      return {
        signed_in: true,
        mfa_pending: principal.session.mfaPending,
        username: principal.user.username,
        role: principal.user.role,
        csrf_token: s.auth.csrf.tokenFor(principal.session.id),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Sign in with username and password (and the authenticator code for managers and admins)',
    tags: ['sign-in'],
    access: { public: true },
    body: z.strictObject({ username: z.string().trim().min(1).max(64), password, totp: code.optional() }),
    async handler(s, { body, req, res }) {
      const result = await s.auth.login.login({ username: body.username, password: body.password, address: clientAddress(req), ...(body.totp ? { totpCode: body.totp } : {}) });
      return answerLogin(s, res, result);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/totp/verify',
    summary: 'The authenticator code after a password that needs one',
    tags: ['sign-in'],
    access: { roles: EVERYONE, mfaPending: true },
    body: z.strictObject({ code }),
    async handler(s, { body, principal, req, res }) {
      const p = need(principal);
      return answerLogin(s, res, await s.auth.login.verifySecondFactor({ session: p.session, user: p.user, code: body.code, address: clientAddress(req) }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/totp/enrol',
    summary: 'Start enrolling an authenticator: shows its QR code',
    tags: ['sign-in'],
    access: { roles: EVERYONE, mfaPending: true },
    response: z.object({ secret: z.string(), uri: z.string(), qr_svg: z.string() }),
    async handler(s, { principal }) {
      const p = need(principal);
      const enrolment = await s.auth.login.beginTotpEnrolment({ session: p.session, user: p.user, issuer: `Safekeep ${s.origin.replace('safekeep/', '')}` });
      if ('status' in enrolment) throw new HttpError(403, 'confirm your password and code again before replacing your authenticator');
      return { secret: enrolment.secret, uri: enrolment.uri, qr_svg: enrolment.qrSvg };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/totp/confirm',
    summary: 'Confirm a new authenticator with its first code',
    tags: ['sign-in'],
    access: { roles: EVERYONE, mfaPending: true },
    body: z.strictObject({ code }),
    async handler(s, { body, principal, req, res }) {
      const p = need(principal);
      const result = await s.auth.login.confirmTotpEnrolment({ session: p.session, user: p.user, code: body.code, address: clientAddress(req) });
      if (result.status !== 'ok') return answerLogin(s, res, result);
      if (result.created) setSession(s, res, result.created.token);
      return { status: 'ok', csrf_token: s.auth.csrf.tokenFor(result.created?.session.id ?? p.session.id) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/reauth',
    summary: 'Confirm password (and code) again before a sensitive action',
    tags: ['sign-in'],
    access: { roles: EVERYONE },
    body: z.strictObject({ password, totp: code.optional() }),
    async handler(s, { body, principal, req, res }) {
      const p = need(principal);
      const result = await s.auth.login.reauthenticate({ session: p.session, user: p.user, password: body.password, address: clientAddress(req), ...(body.totp ? { totpCode: body.totp } : {}) });
      if (result.status !== 'ok') return answerLogin(s, res, result);
      return { status: 'ok' };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/logout',
    summary: 'Sign out: ends this session and closes its live connections',
    tags: ['sign-in'],
    access: { roles: EVERYONE, mfaPending: true },
    async handler(s, { principal, req, res }) {
      const p = need(principal);
      await s.auth.login.logout({ session: p.session, user: p.user, address: clientAddress(req) });
      s.disconnectUser(p.user.id);
      res.append('Set-Cookie', clearSessionCookie({ secure: s.auth.secure }));
      return { signed_in: false };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/password',
    summary: 'Change your password: every other session of yours ends',
    tags: ['sign-in'],
    access: { roles: EVERYONE, reauth: true },
    body: z.strictObject({ new_password: password }),
    async handler(s, { body, principal, res, actor }) {
      const p = need(principal);
      const verdict = checkPassword(body.new_password, { breached: s.auth.breached, context: [p.user.username] });
      if (!verdict.ok) throw new HttpError(400, verdict.reasons.map(describeRefusal).join(' '), [{ field: 'body.new_password', message: verdict.reasons.join(',') }]);
      const hash = await s.auth.hasher.hash(body.new_password);
      const created = await s.writer.submit({
        run: async (ctx) => {
          await s.auth.users.changePassword(p.user.id, hash, { transaction: ctx.transaction });
          await ctx.append(authEvent('user.password_changed', { actor }));
          return s.auth.sessions.create({ id: p.user.id, kind: p.user.kind }, { transaction: ctx.transaction });
        },
      });
      s.disconnectUser(p.user.id);
      if (!created.duplicate) setSession(s, res, created.value.token);
      return { status: 'ok', csrf_token: created.duplicate ? null : s.auth.csrf.tokenFor(created.value.session.id) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/setup',
    summary: 'Create the first administrator with the one-time link printed at first start',
    tags: ['sign-in'],
    access: { public: true },
    body: z.strictObject({ token: z.string().min(10).max(200), username: z.string().trim().min(2).max(64), password }),
    async handler(s, { body, req, res }) {
      await provisionAccount(s.auth, s.writer, { kind: 'person', username: body.username, password: body.password, role: 'admin', by: 'system:setup', setupToken: body.token });
      // Straight on to enrolling an authenticator: an admin account must not work without one.
      const result = await s.auth.login.login({ username: body.username, password: body.password, address: clientAddress(req) });
      return answerLogin(s, res, result);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create a sign-in account for a person, or the reception kiosk account',
    tags: ['administration'],
    access: { roles: ['admin'], reauth: true },
    body: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('person'), username: z.string().trim().min(2).max(64), password, role: z.enum(USER_ROLES), person_id: z.string().max(64).optional() }),
      z.strictObject({ kind: z.literal('kiosk'), username: z.string().trim().min(2).max(64), password }),
    ]),
    response: z.object({ id: z.string(), username: z.string(), role: z.string() }),
    status: 201,
    async handler(s, { body, actor }) {
      const user = await provisionAccount(s.auth, s.writer, body.kind === 'kiosk' ? { ...body, by: actor } : { ...body, personId: body.person_id ?? null, by: actor });
      return { id: user.id, username: user.username, role: user.role };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/users',
    summary: 'Sign-in accounts: whose they are, their role, second factor and whether disabled',
    tags: ['administration'],
    access: { roles: ['admin'] },
    response: z.object({ users: z.array(userSchema) }),
    async handler(s) {
      const users = await s.auth.users.list();
      return {
        users: users.map((u) => ({
          id: u.id,
          username: u.username,
          role: u.role,
          kind: u.kind,
          person_id: u.person_id,
          second_factor: u.totp_confirmed_at !== null,
          disabled: Boolean(u.disabled),
          created_at: new Date(u.created_at).toISOString(),
        })),
      };
    },
  }),
  accountSwitch('disable', 'Disable an account: its sessions and live connections end at once'),
  accountSwitch('enable', 'Enable a disabled account again: it signs in with its existing password and second factor'),
];

/** Disables or enables an account, audited; an administrator cannot lock themselves out. */
function accountSwitch(action: 'disable' | 'enable', summary: string) {
  return defineRoute({
    method: 'post',
    path: `/api/v1/users/:id/${action}`,
    summary,
    tags: ['administration'],
    access: { roles: ['admin'], reauth: true },
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    async handler(s, { params, actor, principal }) {
      const user = await s.auth.users.findById(params.id);
      if (!user) throw new HttpError(404, `no user ${params.id}`);
      if (action === 'disable' && user.id === principal?.user.id) throw new HttpError(409, 'you cannot disable your own account: ask another administrator');
      await s.writer.submit({
        run: async (ctx) => {
          await s.auth.users.setDisabled(user.id, action === 'disable', { transaction: ctx.transaction });
          await ctx.append(authEvent(action === 'disable' ? 'user.disabled' : 'user.enabled', { actor, subject: user.pseudonym }));
        },
      });
      if (action === 'disable') s.disconnectUser(user.id);
      return action === 'disable' ? { disabled: true } : { enabled: true };
    },
  });
}
