import { describe, expect, it } from 'vitest';
import { clearSessionCookie, readSessionCookie, serializeSessionCookie } from '../../server/auth/session-cookie';
import { hashToken, isWellFormedToken, newSecretToken } from '../../server/auth/secret-tokens';

const secure = { secure: true };
const plain = { secure: false };

describe('secret tokens', () => {
  it('are 32 random bytes in base64url, stored as SHA-256 hex', () => {
    const token = newSecretToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newSecretToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(isWellFormedToken(token)).toBe(true);
    for (const junk of [undefined, 1, '', 'short', `${token}x`, token.replace(/.$/, '!')]) expect(isWellFormedToken(junk)).toBe(false);
  });
});

describe('session cookie', () => {
  const token = newSecretToken();

  it('is HttpOnly, SameSite=Strict, Secure and __Host- prefixed under TLS', () => {
    expect(serializeSessionCookie(token, secure)).toBe(`__Host-safekeep_session=${token}; Path=/; HttpOnly; SameSite=Strict; Secure`);
  });

  it('drops Secure and the prefix only over plain HTTP', () => {
    expect(serializeSessionCookie(token, plain)).toBe(`safekeep_session=${token}; Path=/; HttpOnly; SameSite=Strict`);
  });

  it('has no Domain and no Max-Age: host-only, ends with the browser', () => {
    expect(serializeSessionCookie(token, secure)).not.toMatch(/Domain|Max-Age|Expires/i);
  });

  it('clears with Max-Age=0 under the same name and attributes', () => {
    expect(clearSessionCookie(secure)).toBe('__Host-safekeep_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure');
  });

  it('refuses to serialize something that is not a token', () => {
    expect(() => serializeSessionCookie('x; Domain=evil', secure)).toThrow();
  });

  it('reads its own cookie among others', () => {
    expect(readSessionCookie(`theme=dark; __Host-safekeep_session=${token}; lang=de`, secure)).toBe(token);
    expect(readSessionCookie(`safekeep_session=${token}`, plain)).toBe(token);
  });

  it('under TLS ignores the plain-named cookie a LAN attacker could set over HTTP', () => {
    expect(readSessionCookie(`safekeep_session=${token}`, secure)).toBeNull();
  });

  it('refuses a repeated cookie rather than guess which is genuine', () => {
    expect(readSessionCookie(`__Host-safekeep_session=${token}; __Host-safekeep_session=${newSecretToken()}`, secure)).toBeNull();
  });

  it('returns null for missing or malformed values', () => {
    expect(readSessionCookie(undefined, secure)).toBeNull();
    expect(readSessionCookie('', secure)).toBeNull();
    expect(readSessionCookie('__Host-safekeep_session=abc', secure)).toBeNull();
  });
});
