import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { OfficeServer } from '../../server/office-server';
import { selfSignedTls, type TlsMaterial } from '../../server/tls/tls-material';
import { silentLogger } from '../../server/shared/logger';
import { demoOffice, testEnv } from '../support/office';
import { provisionAccount } from '../../server/auth/provisioning';
import { TEST_PASSWORD } from '../support/auth-client';

/** HTTPS for the office LAN: a self-signed certificate made once, HSTS, and Secure session cookies. */
describe('TLS', () => {
  let server: OfficeServer;
  let tls: TlsMaterial;
  let dataDir: string;
  // The certificate is self-signed: trust exactly it, as a browser does after the first visit.
  let agent: Agent;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'safekeep-tls-'));
    tls = await selfSignedTls(dataDir, ['127.0.0.1']);
    agent = new Agent({ connect: { ca: tls.cert } });
    server = await OfficeServer.start({ env: testEnv({ dataDir, databaseUrl: `sqlite:${dataDir}/db.sqlite` }), office: demoOffice(), logger: silentLogger, tls });
  });
  afterAll(async () => {
    await server?.stop();
    await agent?.close();
  });

  it('makes a certificate naming this machine, and reuses it on the next start', async () => {
    const cert = new X509Certificate(tls.cert);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect((await selfSignedTls(dataDir)).fingerprint).toBe(tls.fingerprint);
  });

  it('serves HTTPS with HSTS', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/api/health`, { dispatcher: agent } as RequestInit);
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('sets the session cookie Secure, HttpOnly, SameSite and host-only', async () => {
    await provisionAccount(server.services.auth, server.services.writer, { kind: 'person', username: 'tls-staff', password: TEST_PASSWORD, role: 'staff', by: 'system:test' });
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(server.url).origin },
      body: JSON.stringify({ username: 'tls-staff', password: TEST_PASSWORD }),
      dispatcher: agent,
    } as RequestInit);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-safekeep_session=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//i);
  });
});
