import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiJson, CSRF_HEADER, NetworkError, setApiCredentials } from '../../dashboard/src/api/client';
import { visitorsApi, VisitorsUnavailable } from '../../dashboard/src/api/visitors';

interface Call {
  url: string;
  init: RequestInit;
}

describe('the dashboard API client', () => {
  let calls: Call[];
  let answer: () => Response;
  beforeEach(() => {
    calls = [];
    answer = () => Response.json({ ok: true });
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return answer();
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setApiCredentials({ csrfToken: null, onUnauthorized: null });
  });

  const header = (c: Call, name: string) => (c.init.headers as Record<string, string>)[name];

  it('sends the session cookie same-origin, and the CSRF token only on state-changing requests', async () => {
    setApiCredentials({ csrfToken: 'tok-123' });
    await apiJson('/api/v1/records', { query: { q: 'Birch', status: undefined, limit: 50 } });
    await visitorsApi.signOut({ token: 'abc' });
    expect(calls[0]!.url).toBe('/api/v1/records?q=Birch&limit=50');
    expect(calls[0]!.init.credentials).toBe('same-origin');
    expect(header(calls[0]!, CSRF_HEADER)).toBeUndefined();
    expect(calls[1]!.init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"token":"abc"}' });
    expect(header(calls[1]!, CSRF_HEADER)).toBe('tok-123');
    expect(header(calls[1]!, 'Content-Type')).toBe('application/json');
  });

  it('turns error answers into ApiError with the fields at fault, and tells the session about a 401', async () => {
    const unauthorized = vi.fn();
    setApiCredentials({ onUnauthorized: unauthorized });
    answer = () => Response.json({ error: 'invalid query: query.limit: too big', fields: [{ field: 'query.limit', message: 'too big' }] }, { status: 400 });
    await expect(apiJson('/api/v1/records')).rejects.toMatchObject({ status: 400, message: 'invalid query: query.limit: too big', fields: [{ field: 'query.limit', message: 'too big' }] });
    answer = () => new Response('nope', { status: 401 });
    await expect(apiJson('/api/v1/records')).rejects.toBeInstanceOf(ApiError);
    expect(unauthorized).toHaveBeenCalledTimes(1);
  });

  it('tells a network failure apart from an answer', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(apiJson('/api/health')).rejects.toBeInstanceOf(NetworkError);
  });

  it('maps a missing visitors API (404) to VisitorsUnavailable, and keeps other errors', async () => {
    answer = () => Response.json({ error: 'no route GET /api/v1/visitors/nda' }, { status: 404 });
    await expect(visitorsApi.currentNda()).rejects.toBeInstanceOf(VisitorsUnavailable);
    await expect(visitorsApi.signIn({ token: 't', nda_version: '1' })).rejects.toBeInstanceOf(VisitorsUnavailable);
    answer = () => Response.json({ error: 'this invitation has expired' }, { status: 410 });
    await expect(visitorsApi.signIn({ token: 't', nda_version: '1' })).rejects.toMatchObject({ status: 410, message: 'this invitation has expired' });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['GET /api/v1/visitors/nda', 'POST /api/v1/visitors/sign-in', 'POST /api/v1/visitors/sign-in']);
  });
});
