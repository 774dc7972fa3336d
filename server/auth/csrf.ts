import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Cross-site request forgery defences, independent of express so they can be tested on plain
 * values and reused by socket.io's handshake check.
 *
 * Two layers, both required for state-changing (unsafe) methods:
 *
 * 1. checkOrigin: the browser's own word about where a request comes from. Sec-Fetch-Site must be
 *    `same-origin` when present (`same-site` is refused too: another port or host on the office
 *    LAN, such as a printer's web page, is not us), and Origin must be one of the configured
 *    origins when present. Checking Origin against a list, not just Sec-Fetch-Site, also defeats
 *    DNS rebinding, where an attacker's host name points at our address and the browser calls
 *    that same-origin. A request with neither header does not come from a current browser (all
 *    send Origin on POST); it is let through this layer, because scripts, the CLI and devices
 *    send neither, and left to layer 2.
 *
 * 2. A synchronizer token bound to the session: HMAC-SHA256(server key, session id). The page gets
 *    it from the session endpoint and sends it in the X-CSRF-Token header. A cross-site attacker
 *    can make the browser send the cookie but cannot read the token. Stateless (no table) and
 *    dies with the session. Required on every unsafe request that carries a session, whatever
 *    the headers said, so an old browser without Origin is still protected.
 *
 * Requests without a session (login, first-admin set-up) rely on layer 1 alone; that is enough
 * against login CSRF because a browser always sends Origin on a cross-site POST.
 */

export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type HeaderBag = Record<string, string | string[] | undefined>;

export type OriginVerdict =
  | { ok: true; reason: 'safe_method' | 'same_origin' | 'no_browser_headers' }
  | { ok: false; reason: 'cross_site' | 'origin_not_allowed' | 'opaque_origin' };

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** `scheme://host[:port]`, lowercased, default port dropped: the form browsers send. */
export function normalizeOrigin(origin: string): string {
  return new URL(origin).origin;
}

/** Allowed origins from configuration, e.g. the server's public URL(s). */
export function originSet(origins: readonly string[]): ReadonlySet<string> {
  return new Set(origins.map(normalizeOrigin));
}

/** Node lowercases header names; other callers (tests, socket.io handshakes) may not. */
function header(headers: HeaderBag, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  return Array.isArray(value) ? value[0] : value;
}

export function checkOrigin(method: string, headers: HeaderBag, allowedOrigins: ReadonlySet<string>): OriginVerdict {
  if (isSafeMethod(method)) return { ok: true, reason: 'safe_method' };
  const site = header(headers, 'sec-fetch-site')?.trim().toLowerCase();
  const origin = header(headers, 'origin')?.trim();
  // 'none' means typed in the address bar or a bookmark: that never legitimately POSTs.
  if (site !== undefined && site !== 'same-origin') return { ok: false, reason: 'cross_site' };
  if (origin !== undefined) {
    if (origin === 'null') return { ok: false, reason: 'opaque_origin' };
    let normalized: string;
    try {
      normalized = normalizeOrigin(origin);
    } catch {
      return { ok: false, reason: 'origin_not_allowed' };
    }
    return allowedOrigins.has(normalized) ? { ok: true, reason: 'same_origin' } : { ok: false, reason: 'origin_not_allowed' };
  }
  return site === 'same-origin' ? { ok: true, reason: 'same_origin' } : { ok: true, reason: 'no_browser_headers' };
}

/** Session-bound CSRF tokens. `key` is a dedicated 32-byte secret (see secrets.ts). */
export class CsrfTokens {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('CSRF key must be at least 32 bytes');
  }

  /** `sessionId` is the stored session id (the token's hash), not the cookie value. */
  tokenFor(sessionId: string): string {
    return createHmac('sha256', this.key).update(`safekeep/csrf/v1\n${sessionId}`).digest('base64url');
  }

  verify(sessionId: string, presented: unknown): boolean {
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 128) return false;
    const expected = Buffer.from(this.tokenFor(sessionId));
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

export type CsrfVerdict =
  | { ok: true }
  | { ok: false; reason: Exclude<OriginVerdict, { ok: true }>['reason'] | 'missing_token' | 'bad_token' };

export interface CsrfRequest {
  method: string;
  headers: HeaderBag;
  /** The stored id of the session the cookie names, or null when the request has none. */
  sessionId: string | null;
}

/**
 * Both layers for one request: what the HTTP middleware calls. A refusal is answered with 403 and
 * recorded in the custody log as a permission denial.
 */
export function checkCsrf(request: CsrfRequest, allowedOrigins: ReadonlySet<string>, tokens: CsrfTokens): CsrfVerdict {
  const origin = checkOrigin(request.method, request.headers, allowedOrigins);
  if (!origin.ok) return { ok: false, reason: origin.reason };
  if (origin.reason === 'safe_method' || request.sessionId === null) return { ok: true };
  const presented = header(request.headers, CSRF_HEADER);
  if (presented === undefined || presented === '') return { ok: false, reason: 'missing_token' };
  return tokens.verify(request.sessionId, presented) ? { ok: true } : { ok: false, reason: 'bad_token' };
}
