import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCsrf, checkOrigin, CsrfTokens, originSet } from '../../server/auth/csrf';

const allowed = originSet(['https://safekeep.office.lan:8443', 'https://192.168.10.5:8443/']);

describe('checkOrigin', () => {
  it('lets safe methods through whatever the headers say', () => {
    for (const method of ['GET', 'head', 'OPTIONS']) {
      expect(checkOrigin(method, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, allowed)).toEqual({
        ok: true,
        reason: 'safe_method',
      });
    }
  });

  it('accepts same-origin browser requests from a configured origin', () => {
    const headers = { origin: 'https://safekeep.office.lan:8443', 'sec-fetch-site': 'same-origin' };
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(checkOrigin(method, headers, allowed)).toEqual({ ok: true, reason: 'same_origin' });
    // Origins compare in their normal form: case and a default port do not matter.
    expect(checkOrigin('POST', { origin: 'HTTPS://SAFEKEEP.office.lan:8443' }, allowed).ok).toBe(true);
    expect(checkOrigin('POST', { origin: 'https://a.lan:443' }, originSet(['https://a.lan'])).ok).toBe(true);
  });

  it('refuses cross-site and same-site requests by Sec-Fetch-Site', () => {
    for (const site of ['cross-site', 'same-site', 'none', 'weird']) {
      const verdict = checkOrigin('POST', { origin: 'https://safekeep.office.lan:8443', 'sec-fetch-site': site }, allowed);
      expect(verdict, site).toEqual({ ok: false, reason: 'cross_site' });
    }
  });

  it('refuses an Origin not configured, even when the browser calls it same-origin (DNS rebinding)', () => {
    expect(checkOrigin('POST', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, allowed)).toEqual({
      ok: false,
      reason: 'origin_not_allowed',
    });
    expect(checkOrigin('POST', { origin: 'http://safekeep.office.lan:8443' }, allowed)).toMatchObject({ ok: false });
    expect(checkOrigin('POST', { origin: 'https://safekeep.office.lan:9443' }, allowed)).toMatchObject({ ok: false });
    expect(checkOrigin('POST', { origin: 'not a url' }, allowed)).toEqual({ ok: false, reason: 'origin_not_allowed' });
  });

  it('refuses the opaque origin "null" (sandboxed frames, file: pages, some redirects)', () => {
    expect(checkOrigin('POST', { origin: 'null' }, allowed)).toEqual({ ok: false, reason: 'opaque_origin' });
  });

  it('lets requests without browser headers through to the token check (scripts, CLI, devices)', () => {
    expect(checkOrigin('POST', {}, allowed)).toEqual({ ok: true, reason: 'no_browser_headers' });
    expect(checkOrigin('POST', { 'sec-fetch-site': 'same-origin' }, allowed)).toEqual({ ok: true, reason: 'same_origin' });
  });

  it('reads headers in any case and takes the first of repeated ones', () => {
    expect(checkOrigin('POST', { Origin: 'https://evil.example' }, allowed).ok).toBe(false);
    expect(checkOrigin('POST', { 'Sec-Fetch-Site': 'cross-site' }, allowed).ok).toBe(false);
    expect(checkOrigin('POST', { origin: ['https://evil.example', 'https://safekeep.office.lan:8443'] }, allowed).ok).toBe(false);
  });
});

describe('CSRF tokens', () => {
  const tokens = new CsrfTokens(randomBytes(32));

  it('are bound to the session: valid for it, not for another', () => {
    const token = tokens.tokenFor('session-a');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.tokenFor('session-a')).toBe(token);
    expect(tokens.verify('session-a', token)).toBe(true);
    expect(tokens.verify('session-b', token)).toBe(false);
  });

  it('are bound to the server key', () => {
    const other = new CsrfTokens(randomBytes(32));
    expect(other.verify('session-a', tokens.tokenFor('session-a'))).toBe(false);
  });

  it('refuse junk of any type or length without throwing', () => {
    for (const junk of [undefined, null, 42, '', 'x', 'a'.repeat(43), 'a'.repeat(10_000), ['t'], {}]) {
      expect(tokens.verify('session-a', junk)).toBe(false);
    }
  });

  it('need a key of at least 32 bytes', () => {
    expect(() => new CsrfTokens(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});

describe('checkCsrf: both layers for one request', () => {
  const tokens = new CsrfTokens(randomBytes(32));
  const sessionId = 'a'.repeat(64);
  const same = { origin: 'https://safekeep.office.lan:8443', 'sec-fetch-site': 'same-origin' };

  it('requires the token on every unsafe request with a session, even same-origin', () => {
    expect(checkCsrf({ method: 'POST', headers: same, sessionId }, allowed, tokens)).toEqual({ ok: false, reason: 'missing_token' });
    expect(checkCsrf({ method: 'POST', headers: { ...same, 'x-csrf-token': 'forged' }, sessionId }, allowed, tokens)).toEqual({
      ok: false,
      reason: 'bad_token',
    });
    const headers = { ...same, 'x-csrf-token': tokens.tokenFor(sessionId) };
    expect(checkCsrf({ method: 'POST', headers, sessionId }, allowed, tokens)).toEqual({ ok: true });
  });

  it('requires the token from clients without browser headers too', () => {
    expect(checkCsrf({ method: 'DELETE', headers: {}, sessionId }, allowed, tokens)).toEqual({ ok: false, reason: 'missing_token' });
    const headers = { 'x-csrf-token': tokens.tokenFor(sessionId) };
    expect(checkCsrf({ method: 'DELETE', headers, sessionId }, allowed, tokens)).toEqual({ ok: true });
  });

  it('refuses a cross-site request before looking at the token', () => {
    const headers = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'x-csrf-token': tokens.tokenFor(sessionId) };
    expect(checkCsrf({ method: 'POST', headers, sessionId }, allowed, tokens)).toEqual({ ok: false, reason: 'cross_site' });
  });

  it('guards login and set-up (no session yet) by origin alone', () => {
    expect(checkCsrf({ method: 'POST', headers: same, sessionId: null }, allowed, tokens)).toEqual({ ok: true });
    const cross = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
    expect(checkCsrf({ method: 'POST', headers: cross, sessionId: null }, allowed, tokens)).toEqual({ ok: false, reason: 'cross_site' });
  });

  it('lets safe methods through without a token', () => {
    expect(checkCsrf({ method: 'GET', headers: {}, sessionId }, allowed, tokens)).toEqual({ ok: true });
  });
});
