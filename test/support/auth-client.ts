import type { OfficeServer } from '../../server/office-server';
import { provisionAccount } from '../../server/auth/provisioning';
import { generateTotpSecret } from '../../server/auth/totp-enrolment';
import { totp, timeStep } from '../../server/auth/totp';
import { base32Decode } from '../../server/auth/base32';
import type { AccessRole } from '../../server/api/route';

/** A signed-in browser stand-in: sends the session cookie, the CSRF token and this site's Origin. */
/** Roles that can sign in. */
export type SignInRole = Exclude<AccessRole, 'vendor'>;

export interface ApiClient {
  role: SignInRole;
  cookie: string;
  csrf: string;
  origin: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  json<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export const TEST_PASSWORD = 'correct horse battery staple 42';

/** Makes an account of the role (with a confirmed authenticator where the role needs one) and signs it in. */
export async function signIn(server: OfficeServer, role: SignInRole, name = `test-${role}`): Promise<ApiClient> {
  const { auth, writer } = server.services;
  const user = await provisionAccount(auth, writer, role === 'kiosk' ? { kind: 'kiosk', username: name, password: TEST_PASSWORD, by: 'system:test' } : { kind: 'person', username: name, password: TEST_PASSWORD, role, by: 'system:test' });
  let code: string | undefined;
  if (role === 'manager' || role === 'admin') {
    const secret = generateTotpSecret();
    const now = new Date();
    await auth.users.setPendingTotpSecret(user.id, secret);
    // The enrolment used the previous step, so the sign-in's code is not a replay.
    await auth.users.confirmTotp(user.id, secret, timeStep(now) - 1);
    code = totp(base32Decode(secret), now);
  }
  const origin = new URL(server.url).origin;
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ username: name, password: TEST_PASSWORD, ...(code ? { totp: code } : {}) }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${role} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrf_token: csrf } = (await res.json()) as { csrf_token: string };
  const client: ApiClient = {
    role,
    cookie,
    csrf,
    origin,
    fetch: (path, init = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { cookie, 'x-csrf-token': csrf, origin, ...((init.headers as Record<string, string>) ?? {}) } }),
    json: async <T>(method: string, path: string, body?: unknown) => {
      const r = await client.fetch(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
      const text = await r.text();
      return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
    },
  };
  return client;
}
