import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Person } from '../db/models';
import type { AuthServices } from '../auth/auth-services';
import { MFA_ROLES, type UserRole } from '../auth/accounts';
import { provisionAccount } from '../auth/provisioning';
import { generateTotpSecret, otpauthUri } from '../auth/totp-enrolment';
import { timeStep } from '../auth/totp';
import type { CustodyWriter } from '../ingest/custody-writer';
import type { Clock } from '../shared/clock';

export interface DemoAccount {
  username: string;
  role: string;
  password: string;
  totpSecret?: string;
  totpUri?: string;
}

const FILE = 'demo-credentials.json';

/**
 * Sign-in accounts for the demo's people and its kiosk, made once and kept (mode 0600) in the demo's
 * data directory so every later start can print them. Managers and admins get an authenticator
 * already enrolled: its secret is printed, to add to any TOTP app.
 */
export async function demoAccounts(auth: AuthServices, writer: CustodyWriter, clock: Clock, dataDir: string): Promise<DemoAccount[]> {
  const file = path.join(dataDir, FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoAccount[];
  const accounts: DemoAccount[] = [];
  for (const person of await Person.findAll({ order: [['name', 'ASC']] })) {
    if (person.role === 'vendor') continue;
    const username = person.name.split(' ')[0]!.toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '');
    const password = randomBytes(9).toString('base64url');
    const user = await provisionAccount(auth, writer, { kind: 'person', username, password, role: person.role as UserRole, personId: person.id, by: 'system:demo' });
    const account: DemoAccount = { username, role: person.role, password };
    if (MFA_ROLES.includes(person.role as UserRole)) {
      const secret = generateTotpSecret();
      await auth.users.setPendingTotpSecret(user.id, secret);
      await auth.users.confirmTotp(user.id, secret, timeStep(clock.now()) - 1);
      Object.assign(account, { totpSecret: secret, totpUri: otpauthUri({ secret, account: username, issuer: 'Safekeep demo' }) });
    }
    accounts.push(account);
  }
  const kiosk = { username: 'kiosk', role: 'kiosk', password: randomBytes(9).toString('base64url') };
  await provisionAccount(auth, writer, { kind: 'kiosk', username: kiosk.username, password: kiosk.password, by: 'system:demo' });
  accounts.push(kiosk);
  writeFileSync(file, JSON.stringify(accounts, null, 2), { mode: 0o600 });
  return accounts;
}

export function describeAccounts(accounts: DemoAccount[]): string[] {
  return accounts.map((a) => `    ${a.role.padEnd(9)} ${a.username.padEnd(10)} password ${a.password}${a.totpSecret ? `   authenticator secret ${a.totpSecret}` : ''}`);
}
