import { provisionAccount } from '../../../server/auth/provisioning';
import { generateTotpSecret } from '../../../server/auth/totp-enrolment';
import { base32Decode } from '../../../server/auth/base32';
import { timeStep, totp } from '../../../server/auth/totp';
import type { Page } from 'playwright-core';
import type { OfficeServer } from '../../../server/office-server';
import { TEST_PASSWORD } from '../../support/auth-client';

export interface Account {
  username: string;
  password: string;
  /** Base32 TOTP secret, for accounts with a confirmed authenticator. */
  secret?: string;
}

/** A sign-in account; managers and admins get a confirmed authenticator unless `enrolled: false`. */
export async function createAccount(server: OfficeServer, role: 'kiosk' | 'reception' | 'staff' | 'manager' | 'admin', username: string, options: { enrolled?: boolean } = {}): Promise<Account> {
  const { auth, writer } = server.services;
  const user = await provisionAccount(
    auth,
    writer,
    role === 'kiosk' ? { kind: 'kiosk', username, password: TEST_PASSWORD, by: 'system:test' } : { kind: 'person', username, password: TEST_PASSWORD, role, by: 'system:test' },
  );
  if ((role === 'manager' || role === 'admin') && options.enrolled !== false) {
    const secret = generateTotpSecret();
    await auth.users.setPendingTotpSecret(user.id, secret);
    // Enrolled a step ago, so the first sign-in's code is not a replay.
    await auth.users.confirmTotp(user.id, secret, timeStep(new Date()) - 1);
    return { username, password: TEST_PASSWORD, secret };
  }
  return { username, password: TEST_PASSWORD };
}

/** The authenticator app's code for a base32 secret, now. */
export function totpCode(secret: string, at = new Date()): string {
  return totp(base32Decode(secret.replace(/\s+/g, '')), at);
}

/** Signs in on the page it is on (the sign-in form shows on any page), with the code when the account has one. */
export async function signInOnPage(page: Page, account: Account): Promise<void> {
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (account.secret) {
    await page.getByLabel('Code').fill(totpCode(account.secret));
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.getByTestId('who').waitFor();
}
