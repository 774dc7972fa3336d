import type { OfficeServer } from '../../../server/office-server';
import type { AccessRole } from '../../../server/api/route';
import { provisionAccount } from '../../../server/auth/provisioning';
import { generateTotpSecret } from '../../../server/auth/totp-enrolment';
import { timeStep } from '../../../server/auth/totp';
import { SESSION_COOKIE_PLAIN, SESSION_COOKIE_SECURE } from '../../../server/auth/session-cookie';
import { TEST_PASSWORD, type ApiClient } from '../../support/auth-client';
import { COOKIE_FAULTS, type AuthFault } from './requests';

/** Who a fuzz request is sent as, and how its credentials are spoilt. */
export interface Identity {
  name: string;
  role: AccessRole | null;
  mfaPending: boolean;
  /** The session token (the cookie's value), absent without a session. */
  token?: string;
  csrf?: string;
  origin: string;
  /** A CSRF token valid for some other session. */
  otherCsrf: string;
}

export function identityOf(client: ApiClient, otherCsrf: string, name: string = client.role): Identity {
  return { name, role: client.role, mfaPending: false, token: client.cookie.slice(client.cookie.indexOf('=') + 1), csrf: client.csrf, origin: client.origin, otherCsrf };
}

export function anonymous(origin: string, otherCsrf: string): Identity {
  return { name: 'anonymous', role: null, mfaPending: false, origin, otherCsrf };
}

/** A manager with a confirmed authenticator who gave the password but not yet the code. */
export async function halfSignedIn(server: OfficeServer, otherCsrf: string, name = 'fuzz-mfa-pending'): Promise<Identity> {
  const { auth, writer } = server.services;
  const user = await provisionAccount(auth, writer, { kind: 'person', username: name, password: TEST_PASSWORD, role: 'manager', by: 'system:test' });
  const secret = generateTotpSecret();
  await auth.users.setPendingTotpSecret(user.id, secret);
  await auth.users.confirmTotp(user.id, secret, timeStep(new Date()) - 1);
  const origin = new URL(server.url).origin;
  const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ username: name, password: TEST_PASSWORD }) });
  const body = (await res.json()) as { status: string; csrf_token: string };
  if (res.status !== 200 || body.status !== 'mfa_required') throw new Error(`half sign-in failed: ${res.status} ${JSON.stringify(body)}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { name: 'mfa-pending', role: 'manager', mfaPending: true, token: cookie.slice(cookie.indexOf('=') + 1), csrf: body.csrf_token, origin, otherCsrf };
}

/** Whether the request still carries the identity's live session after the fault. */
export function keepsSession(id: Identity, fault: AuthFault): boolean {
  return id.token !== undefined && !COOKIE_FAULTS.includes(fault);
}

const MADE_UP_TOKEN = 'A'.repeat(43);

function tamper(token: string): string {
  const i = 21;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

/** Cookie, X-CSRF-Token, Origin and Sec-Fetch-Site headers for the identity, spoilt as `fault` says. */
export function authHeaders(id: Identity, fault: AuthFault): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = {};
  const token = id.token ?? MADE_UP_TOKEN;
  const plain = SESSION_COOKIE_PLAIN;
  switch (fault) {
    case 'cookie-tampered':
      h.cookie = `${plain}=${tamper(token)}`;
      break;
    case 'cookie-truncated':
      h.cookie = `${plain}=${token.slice(0, 30)}`;
      break;
    case 'cookie-twice':
      h.cookie = `${plain}=${token}; theme=dark; ${plain}=${token}`;
      break;
    case 'cookie-wrong-name':
      h.cookie = `${plain.toUpperCase()}=${token}`;
      break;
    case 'cookie-garbage':
      h.cookie = `${plain}=\u00ff\u0080;;; =; =${token}; ${plain}`;
      break;
    case 'cookie-huge-garbage':
      h.cookie = `junk=${'z'.repeat(12_000)}; ${plain}=${'%'.repeat(43)}`;
      break;
    case 'cookie-empty':
      h.cookie = `${plain}=`;
      break;
    case 'cookie-secure-name':
      h.cookie = `${SESSION_COOKIE_SECURE}=${token}`;
      break;
    case 'cookie-padded':
      h.cookie = `pad=${'p'.repeat(9_000)}; ${id.token !== undefined ? `${plain}=${id.token}; ` : ''}x=${'é'.repeat(10)}; =; ;`;
      break;
    default:
      if (id.token !== undefined) h.cookie = `${plain}=${id.token}`;
  }
  if (id.csrf !== undefined || fault.startsWith('csrf-')) {
    const csrf = id.csrf ?? id.otherCsrf;
    switch (fault) {
      case 'csrf-missing':
        break;
      case 'csrf-empty':
        h['x-csrf-token'] = '';
        break;
      case 'csrf-wrong':
        h['x-csrf-token'] = tamper(csrf.padEnd(43, 'A'));
        break;
      case 'csrf-other-session':
        h['x-csrf-token'] = id.otherCsrf;
        break;
      case 'csrf-too-long':
        h['x-csrf-token'] = csrf.repeat(12);
        break;
      case 'csrf-twice':
        h['x-csrf-token'] = [csrf, csrf];
        break;
      default:
        if (id.csrf !== undefined) h['x-csrf-token'] = id.csrf;
    }
  }
  const port = Number(new URL(id.origin).port);
  switch (fault) {
    case 'origin-evil':
      h.origin = 'https://evil.example';
      break;
    case 'origin-null':
      h.origin = 'null';
      break;
    case 'origin-garbage':
      h.origin = 'http://[::1';
      break;
    case 'origin-other-port':
      h.origin = `http://127.0.0.1:${port + 1}`;
      break;
    case 'origin-other-scheme':
      h.origin = id.origin.replace(/^http:/, 'https:');
      break;
    case 'fetch-cross-site':
      h.origin = id.origin;
      h['sec-fetch-site'] = 'cross-site';
      break;
    case 'fetch-same-site':
      h.origin = id.origin;
      h['sec-fetch-site'] = 'same-site';
      break;
    case 'fetch-none':
      h.origin = id.origin;
      h['sec-fetch-site'] = 'none';
      break;
    case 'fetch-same-origin':
      h.origin = id.origin;
      h['sec-fetch-site'] = 'same-origin';
      break;
    case 'no-origin':
      break;
    default:
      h.origin = id.origin;
  }
  return h;
}
