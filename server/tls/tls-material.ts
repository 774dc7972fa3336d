import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces, hostname } from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { ConfigError } from '../config/config-error';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, as browsers show it: to check the self-signed one on first visit. */
  fingerprint: string;
  selfSigned: boolean;
}

/** The office's own certificate and key files, checked before anything listens. */
export function loadTlsFiles(files: { certFile: string; keyFile: string }): TlsMaterial {
  const read = (file: string, field: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError([{ field, message: `cannot read ${file}: ${(err as Error).message}` }]);
    }
  };
  const cert = read(files.certFile, 'SAFEKEEP_TLS_CERT');
  const key = read(files.keyFile, 'SAFEKEEP_TLS_KEY');
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(cert);
  } catch {
    throw new ConfigError([{ field: 'SAFEKEEP_TLS_CERT', message: `${files.certFile} is not a PEM certificate` }]);
  }
  return { cert, key, fingerprint: parsed.fingerprint256, selfSigned: false };
}

/**
 * A self-signed certificate for the office LAN, made once in the data directory and reused, so
 * browsers that accepted it keep accepting it. It names this machine and its LAN addresses.
 */
export async function selfSignedTls(dataDir: string, extraNames: string[] = []): Promise<TlsMaterial> {
  const dir = path.join(dataDir, 'tls');
  const certFile = path.join(dir, 'self-signed-cert.pem');
  const keyFile = path.join(dir, 'self-signed-key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) return { ...loadTlsFiles({ certFile, keyFile }), selfSigned: true };
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => !!a && !a.internal && a.family === 'IPv4')
    .map((a) => a.address);
  const dns = [...new Set(['localhost', hostname(), ...extraNames.filter((n) => !/^[\d.:]+$/.test(n))])];
  const ips = [...new Set(['127.0.0.1', '::1', ...addresses, ...extraNames.filter((n) => /^[\d.:]+$/.test(n) && n !== '0.0.0.0' && n !== '::')])];
  const notAfter = new Date();
  notAfter.setDate(notAfter.getDate() + 825);
  const pems = await selfsigned.generate([{ name: 'commonName', value: hostname() }, { name: 'organizationName', value: 'Safekeep office server' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, fingerprint: new X509Certificate(pems.cert).fingerprint256, selfSigned: true };
}

export function shortFingerprint(material: TlsMaterial): string {
  return createHash('sha256').update(material.fingerprint).digest('hex').slice(0, 8);
}
