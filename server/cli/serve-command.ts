import { OfficeServer } from '../office-server';
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

export function requireLoopback(host: string): void {
  // Anyone who can reach the port can read client data until sign-in exists: keep it on this machine.
  if (!LOOPBACK.has(host)) {
    throw new UsageError(`HOST: ${host} would expose the server beyond this machine, and this version has no sign-in yet; use 127.0.0.1`);
  }
}

export async function serveCommand(ctx: CliContext): Promise<number> {
  requireLoopback(ctx.env.host);
  const server = await OfficeServer.start({ env: ctx.env, office: ctx.office, logger: ctx.logger });
  console.log(`Safekeep is running at ${server.url}`);
  const link = await firstAdminLink(server.services.auth, server.url);
  if (link) console.log(`No administrator yet. Create the first one within the hour at:\n  ${link}`);
  return runUntilSignal(server);
}

export { demoCommand } from '../demo/demo-command';
