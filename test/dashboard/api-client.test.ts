import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiJson, CSRF_HEADER, NetworkError, setApiCredentials } from '../../dashboard/src/api/client';
import { NdaRequired, visitorsApi, VisitorRefused, VisitorsUnavailable } from '../../dashboard/src/api/visitors';

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
    await visitorsApi.signOutByToken('abc');
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

  it('tells a missing visitors endpoint from a visitor refusal, and brings the agreement text with an NDA refusal', async () => {
    answer = () => Response.json({ error: 'no route POST /api/v1/visitors/sign-out' }, { status: 404 });
    await expect(visitorsApi.signOutByToken('T')).rejects.toBeInstanceOf(VisitorsUnavailable);
    answer = () => Response.json({ error: 'This code is not valid: please ask at reception', reason: 'token_unknown' }, { status: 404 });
    await expect(visitorsApi.signIn({ token: 'T' })).rejects.toEqual(new VisitorRefused(404, 'token_unknown', 'This code is not valid: please ask at reception'));
    const nda = { version: 3, sha256: 'a'.repeat(64), text: 'Keep it secret.' };
    answer = () => Response.json({ error: 'Please read and accept the confidentiality agreement', reason: 'nda_required', nda }, { status: 409 });
    const refusal = await visitorsApi.signIn({ token: 'T' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(NdaRequired);
    expect(refusal).toMatchObject({ nda, outdated: false });
    answer = () => Response.json({ error: 'no confidentiality agreement is set' }, { status: 404 });
    expect(await visitorsApi.currentNda()).toBeNull();
    answer = () => Response.json({ visit_id: 'v1' }, { status: 201 });
    await visitorsApi.signIn({ token: 'T' }, { version: 3, sha256: 'a'.repeat(64), typed_name: 'Ada Lovelace' });
    expect(JSON.parse(calls.at(-1)!.init.body as string)).toEqual({ token: 'T', nda: { version: 3, sha256: 'a'.repeat(64), typed_name: 'Ada Lovelace' }, badge: { kind: 'label' } });
  });
});
