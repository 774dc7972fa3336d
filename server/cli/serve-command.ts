import { OfficeServer } from '../office-server';
import { loadTlsFiles, selfSignedTls, type TlsMaterial } from '../tls/tls-material';
import { firstAdminLink } from '../auth/first-admin';
import { UsageError, type CliContext } from './context';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Runs until SIGINT or SIGTERM, then stops cleanly: the last commits are signed before exit. */
export async function runUntilSignal(server: OfficeServer, onStop?: () => Promise<void>): Promise<number> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await onStop?.();
  await server.stop();
  return 0;
}

/** Passwords and session cookies must not cross the office network in clear text. */
export function requireTlsOffLoopback(host: string, tls: boolean): void {
  if (!LOOPBACK.has(host) && !tls) {
    throw new UsageError(`HOST: ${host} reaches beyond this machine; serve it over HTTPS (npm start -- --tls, or SAFEKEEP_TLS_CERT and SAFEKEEP_TLS_KEY)`);
  }
}

/** The office's certificate when configured, else (with --tls) a self-signed one kept in the data dir. */
async function tlsFor(ctx: CliContext, wanted: boolean): Promise<TlsMaterial | undefined> {
  if (ctx.env.tls) return loadTlsFiles(ctx.env.tls);
  return wanted ? selfSignedTls(ctx.env.dataDir, [ctx.env.host]) : undefined;
}

export async function serveCommand(ctx: CliContext, opts: { tls?: boolean } = {}): Promise<number> {
  const tls = await tlsFor(ctx, opts.tls ?? false);
  requireTlsOffLoopback(ctx.env.host, !!tls);
  const server = await OfficeServer.start({ env: ctx.env, office: ctx.office, logger: ctx.logger, ...(tls ? { tls } : {}) });
  console.log(`Safekeep is running at ${server.url}`);
  if (tls?.selfSigned) console.log(`  self-signed certificate, SHA-256 fingerprint ${tls.fingerprint}: check it in the browser on first visit`);
  const link = await firstAdminLink(server.services.auth, server.url);
  if (link) console.log(`No administrator yet. Create the first one within the hour at:\n  ${link}`);
  return runUntilSignal(server);
}

export { demoCommand } from '../demo/demo-command';
