/**
 * The one way the dashboard talks HTTP. It sends the session cookie (same origin only) and, once
 * sign-in exists, the CSRF token on every state-changing request (X-CSRF-Token, as
 * server/auth/csrf.ts expects). A 401 tells the session layer, which will show the login page.
 */

export const CSRF_HEADER = 'X-CSRF-Token';

interface Credentials {
  csrfToken: string | null;
  onUnauthorized: (() => void) | null;
}

const credentials: Credentials = { csrfToken: null, onUnauthorized: null };

/** Set by the session provider when a session exists (and cleared at logout). */
export function setApiCredentials(next: Partial<Credentials>): void {
  Object.assign(credentials, next);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: { field: string; message: string }[] = [],
    /** The whole JSON error body (routes may add a machine-readable `reason` and details). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The endpoint does not exist on this server (yet). */
  get notFound(): boolean {
    return this.status === 404;
  }
}

/** The network failed or the server is down: distinct from an answer the server gave. */
export class NetworkError extends Error {
  constructor(message = 'the server cannot be reached') {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** A multipart body (file uploads); the browser sets its Content-Type with the boundary. */
  form?: FormData;
  /** A 401 here is the answer to a password check (re-authentication), not the end of the session. */
  unauthorizedIsAnswer?: boolean;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function send(path: string, options: RequestOptions, accept: string): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: accept };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE.has(method) && credentials.csrfToken) headers[CSRF_HEADER] = credentials.csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : options.form ? { body: options.form } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new NetworkError();
  }
  if (response.status === 401 && !options.unauthorizedIsAnswer) credentials.onUnauthorized?.();
  if (!response.ok) {
    let message = `${method} ${path}: ${response.status} ${response.statusText}`;
    let fields: { field: string; message: string }[] = [];
    let body: Record<string, unknown> = {};
    try {
      body = (await response.json()) as Record<string, unknown>;
      if (typeof body.error === 'string') message = body.error;
      if (Array.isArray(body.fields)) fields = body.fields as typeof fields;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message, fields, body);
  }
  return response;
}

export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options, 'application/json');
  return (await response.json()) as T;
}

/** The exact body text, for downloads that must stay byte-for-byte (custody bundles). */
export async function apiText(path: string, options: RequestOptions = {}): Promise<string> {
  const response = await send(path, options, 'application/json, text/plain');
  return response.text();
}
