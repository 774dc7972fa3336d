import { readFileSync } from 'node:fs';
import { isUserRole, MFA_ROLES } from '../auth/accounts';
import { createAuthServices } from '../auth/auth-services';
import { provisionAccount } from '../auth/provisioning';
import { EventBus } from '../ingest/event-bus';
import { CustodyWriter } from '../ingest/custody-writer';
import { openOfficeDatabase } from '../office-server';
import { systemClock } from '../shared/clock';
import { UsageError, type CliContext } from './context';

/**
 * `safekeep user add` for scripted installs. The password comes from SAFEKEEP_NEW_PASSWORD or
 * standard input, never from the command line, where other users could read it in the process list.
 */
export async function userAdd(ctx: CliContext, opts: { username: string; role: string; kiosk?: boolean }): Promise<number> {
  if (!opts.kiosk && !isUserRole(opts.role)) throw new UsageError(`--role must be one of reception, staff, manager, admin (not "${opts.role}")`);
  const password = (process.env.SAFEKEEP_NEW_PASSWORD ?? readFileSync(0, 'utf8')).replace(/\r?\n$/, '');
  if (!password) throw new UsageError('give the password in SAFEKEEP_NEW_PASSWORD or on standard input');
  const db = await openOfficeDatabase(ctx.env, ctx.logger);
  try {
    const writer = new CustodyWriter({ db, clock: systemClock, logger: ctx.logger, bus: new EventBus() });
    await writer.start();
    const auth = await createAuthServices({ db, writer, clock: systemClock, logger: ctx.logger, dataDir: ctx.env.dataDir });
    const user = await provisionAccount(
      auth,
      writer,
      opts.kiosk
        ? { kind: 'kiosk', username: opts.username, password, by: 'system:cli' }
        : { kind: 'person', username: opts.username, password, role: opts.role as 'staff', by: 'system:cli' },
    );
    await writer.stop();
    console.log(`created ${user.kind === 'kiosk' ? 'the kiosk account' : `${user.role} account`} ${user.username}`);
    if (MFA_ROLES.includes(user.role as 'admin')) console.log('at the first sign-in the account enrols an authenticator app (TOTP) before it can do anything');
    return 0;
  } catch (err) {
    if ((err as { field?: string }).field) throw new UsageError(`${(err as { field: string }).field}: ${(err as Error).message}`, 1);
    throw err;
  } finally {
    await db.close();
  }
}
