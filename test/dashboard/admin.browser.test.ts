import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { QueryTypes } from 'sequelize';
import { startTestServer, type ServerFixture } from '../support/server';
import { boardClient } from '../support/board-client';
import { importCsv } from '../../server/domain/csv-import';
import { FileRecord } from '../../server/db/models';
import { Session } from '../../server/auth/auth-models';
import { chromiumAvailable, desktopPage, launchChromium } from './support/chromium';
import { builtDashboard } from './support/dashboard-build';
import { createAccount, signInOnPage, totpCode, type Account } from './support/accounts';
import { DEMO_PEOPLE, seedOffice } from './support/office';
import { screenshot, seriousViolations } from './support/page-tools';

/**
 * Administration and shredding in Chromium, against a whole test office with the demo data: an
 * administrator adds a person and issues a badge, a manager places and releases a legal hold (the
 * server asks for the password and code again), and records the contractor's certificate for a
 * pickup of files deposited through the shred bin's real MQTT boards.
 */
const HELD_FILE = 'SK-000007';
const SHRED_FILES = ['SK-900001', 'SK-900002'];
const PRIYA_BADGE = DEMO_PEOPLE[2].badge;

describe.skipIf(!chromiumAvailable())('administration and shredding in Chromium', () => {
  let f: ServerFixture;
  let browser: Browser;
  let admin: Account;
  let manager: Account;
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];

  const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) => f.server.services.db.sequelize.query<T>(query, { type: QueryTypes.SELECT, replacements });
  const waitForLog = async (before: number) => {
    for (let i = 0; i < 250 && f.server.services.writer.size === before; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
  };

  /**
   * One browser session per account, signed in with password and authenticator code: a second
   * sign-in within the same 30 s would replay the code, which the server refuses.
   */
  const pages = new Map<string, Promise<Page>>();
  const signedIn = (account: Account): Promise<Page> => {
    if (!pages.has(account.username)) pages.set(account.username, signIn(account));
    return pages.get(account.username)!;
  };
  const signIn = async (account: Account): Promise<Page> => {
    const { context, page } = await desktopPage(browser, pageErrors);
    contexts.push(context);
    await page.goto(`${f.url}/`);
    await signInOnPage(page, account);
    return page;
  };

  /** The sign-in counts as a fresh authentication for some minutes; move it back, as if they had passed. */
  const expireReauthentication = async (account: Account) => {
    const [user] = await sql<{ id: string }>('SELECT id FROM users WHERE username = :u', { u: account.username });
    await Session.update({ reauth_at: new Date(Date.now() - 60 * 60_000) }, { where: { user_id: user!.id } });
  };

  /** Deposits files in shred-1 the way its boards report it: a staff badge at the reader, then each barcode scanned. */
  const depositAtShredBin = async (barcodes: string[]) => {
    const boot = `adm${Date.now().toString(36)}`;
    const reader: MqttClient = await boardClient(f, 'safekeep/shred-1', { clientId: `shred-1-board-${boot}` });
    const scanner: MqttClient = await boardClient(f, 'safekeep/shred-1-scanner', { clientId: `shred-1-scanner-${boot}` });
    try {
      let before = f.server.services.writer.size;
      // ESPHome publishes a Wiegand-26 read as the decimal of the card's 24 bits.
      await reader.publishAsync('safekeep/shred-1/wiegand', String(Number.parseInt(PRIYA_BADGE.slice(-6), 16)));
      await waitForLog(before);
      for (const [seq, barcode] of barcodes.entries()) {
        before = f.server.services.writer.size;
        await scanner.publishAsync('safekeep/shred-1-scanner/read', JSON.stringify({ boot, seq, kind: 'barcode', data: barcode }), { qos: 1 });
        await waitForLog(before);
      }
    } finally {
      await reader.endAsync();
      await scanner.endAsync();
    }
  };

  beforeAll(async () => {
    const build = await builtDashboard();
    f = await startTestServer({ dashboardDir: build.dir });
    await seedOffice(f);
    admin = await createAccount(f.server, 'admin', 'owen-admin');
    manager = await createAccount(f.server, 'manager', 'margaret');
    // Holds name the signed-in person as their requester: Margaret's account is Margaret.
    const [margaret] = await sql<{ id: string }>('SELECT id FROM people WHERE email = :email', { email: DEMO_PEOPLE[0].email });
    await f.server.services.db.sequelize.query("UPDATE users SET person_id = :p WHERE username = 'margaret'", { replacements: { p: margaret!.id } });

    // Two files of a matter closed long ago: due for destruction, then deposited in shred-1.
    const records = `barcode,client,matter,title,home_cabinet,retention_class\n${SHRED_FILES.map((b) => `${b},Zephyr Shipping,Z-1,Old charter parties,cab-4,closed+7y`).join('\n')}\n`;
    expect((await importCsv(f.server.services.writer, 'records', records, 'system:test')).ok).toBe(true);
    const api = await f.as('manager');
    expect([201, 409]).toContain((await api.json('POST', '/api/v1/retention-classes', { name: 'closed+7y', trigger: 'matter_closed', years: 7 })).status);
    expect((await api.json('PUT', '/api/v1/matters', { client: 'Zephyr Shipping', matter: 'Z-1', closed_at: '2010-06-30T00:00:00Z' })).status).toBe(200);
    await depositAtShredBin(SHRED_FILES);
    for (const barcode of SHRED_FILES) expect((await FileRecord.findOne({ where: { barcode } }))?.status, barcode).toBe('deposited');

    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await f?.close();
  });

  it('lets an administrator add a person, with the refusal next to its field, and issue them a badge', async () => {
    const page = await signedIn(admin);
    await page.goto(`${f.url}/admin`);
    const people = page.getByRole('table', { name: 'People' });
    await people.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-people');

    // The browser does not validate: the server's 400 names the field, shown beside it.
    const form = page.getByRole('form', { name: 'Add a person' });
    await form.getByLabel('Email (optional)').fill('erin@example.com');
    await form.getByRole('button', { name: 'Add person' }).click();
    const name = form.getByLabel('Full name');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-error').first().innerText()).toMatch(/empty|required|at least/i);

    await name.fill('Erin Example');
    await form.getByLabel('Role').selectOption('staff');
    await form.getByRole('button', { name: 'Add person' }).click();
    await people.getByRole('rowheader', { name: 'Erin Example' }).waitFor();
    expect(await form.getByRole('status').innerText()).toContain('Erin Example was added');
    expect(await name.inputValue()).toBe('');

    await page.getByRole('navigation', { name: 'Administration sections' }).getByRole('link', { name: 'Badges' }).click();
    await page.getByLabel('Person', { exact: true }).selectOption({ label: 'Erin Example' });
    await page.getByText('Erin Example has no badge.').waitFor();
    await page.getByLabel('Badge number').fill('0A0B0C0D');
    await page.getByRole('button', { name: 'Issue badge' }).click();
    const badges = page.getByRole('table', { name: 'Badges of Erin Example' });
    await badges.getByRole('rowheader', { name: '0A0B0C0D' }).waitFor();
    expect(await badges.locator('tbody tr').first().innerText()).toContain('valid');

    // The same number in another spelling is refused, and said so beside the badge number.
    await page.getByLabel('Badge number').fill('0a-0b-0c-0d');
    await page.getByRole('button', { name: 'Issue badge' }).click();
    const issueForm = page.getByRole('form', { name: 'Issue a badge to Erin Example' });
    await expect.poll(() => issueForm.getByRole('alert').innerText()).toContain('Check the fields marked below');
    expect(await issueForm.getByLabel('Badge number').getAttribute('aria-invalid')).toBe('true');
    expect(await issueForm.locator('.field-error').first().innerText()).toContain('badge 0A0B0C0D is already issued');

    const [erin] = await sql<{ id: string }>("SELECT id FROM people WHERE name = 'Erin Example'");
    expect(await sql('SELECT id FROM badges WHERE person_id = :p AND active = :yes', { p: erin!.id, yes: true })).toHaveLength(1);
  });

  it('asks the administrator to confirm it is them before creating a sign-in account, then changes the role', async () => {
    const page = await signedIn(admin);
    await expireReauthentication(admin);
    await page.getByRole('navigation', { name: 'Administration sections' }).getByRole('link', { name: 'People' }).click();
    await page.getByRole('button', { name: 'Edit Erin Example' }).click();
    const account = page.getByRole('form', { name: 'Sign-in account for Erin Example' });
    await account.getByLabel('Username').fill('erin');
    await account.getByLabel('First password').fill('a long and unguessable passphrase 9');
    await account.getByRole('button', { name: 'Create account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.getByLabel('Your password').fill(admin.password);
    await dialog.getByLabel('Authenticator code').fill(totpCode(admin.secret!, new Date(Date.now() + 30_000)));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => account.getByRole('status').innerText()).toContain('Erin Example can sign in as erin');
    const [user] = await sql<{ role: string; person_id: string }>("SELECT u.role, u.person_id FROM users u WHERE u.username = 'erin'");
    const [erin] = await sql<{ id: string }>("SELECT id FROM people WHERE name = 'Erin Example'");
    expect(user).toEqual({ role: 'staff', person_id: erin!.id });

    const editor = page.getByTestId('person-editor');
    await editor.getByLabel('Role').selectOption('manager');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('table', { name: 'People' }).getByRole('row', { name: /Erin Example/ }).innerText()).toContain('Manager');
  });

  it('lists the sign-in accounts, disables one and enables it again; never offers to disable your own', async () => {
    await createAccount(f.server, 'staff', 'sam-staff');
    const page = await signedIn(admin);
    await page.goto(`${f.url}/admin?section=accounts`);
    const table = page.getByRole('table', { name: 'Sign-in accounts' });
    const row = table.getByRole('row', { name: /sam-staff/ });
    await expect.poll(() => row.innerText()).toContain('active');
    const own = table.getByRole('row', { name: /owen-admin/ });
    expect(await own.innerText()).toContain('you');
    expect(await own.getByRole('button').count()).toBe(0);

    const before = f.server.services.writer.size;
    await row.getByRole('button', { name: 'Disable account sam-staff' }).click();
    await expect.poll(() => row.innerText()).toContain('disabled');
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('sam-staff is disabled');
    const [sam] = await sql<{ disabled: number | boolean }>("SELECT disabled FROM users WHERE username = 'sam-staff'");
    expect(Boolean(sam!.disabled)).toBe(true);
    expect(f.server.services.writer.size).toBeGreaterThan(before);

    await row.getByRole('button', { name: 'Enable account sam-staff' }).click();
    await expect.poll(() => row.innerText()).toContain('active');
    const [again] = await sql<{ disabled: number | boolean }>("SELECT disabled FROM users WHERE username = 'sam-staff'");
    expect(Boolean(again!.disabled)).toBe(false);
  });

  it('has no serious accessibility violations in any administration section, and fits a phone', async () => {
    const page = await signedIn(admin);
    await page.setViewportSize({ width: 390, height: 844 });
    const found: string[] = [];
    for (const section of ['people', 'badges', 'accounts', 'access', 'walls', 'retention', 'holds', 'policy', 'nda']) {
      await page.goto(`${f.url}/admin?section=${section}`);
      await page.locator('main h2').first().waitFor();
      await page.locator('.spinner').first().waitFor({ state: 'detached' });
      for (const v of await seriousViolations(page)) found.push(`${section}: ${v}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${section} scrolls sideways`).toBe(true);
    }
    await page.goto(`${f.url}/admin?section=access`);
    await page.getByTestId('access-group').first().waitFor();
    await screenshot(page, 'admin-access-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(found).toEqual([]);
  }, 90_000);

  it('asks a manager for the password and code again before a legal hold, then places and releases it', async () => {
    const page = await signedIn(manager);
    await expireReauthentication(manager);

    await page.goto(`${f.url}/admin?section=holds`);
    const form = page.getByRole('form', { name: 'Place a legal hold' });
    await form.waitFor();
    await form.getByLabel('File barcode').fill(HELD_FILE);
    await form.getByLabel('Approved by').selectOption({ label: 'Daniel Voss' });
    await form.getByLabel('Reason').fill('Litigation expected: keep every file of this matter');
    await form.getByRole('button', { name: 'Place hold' }).click();

    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('password');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-reauth', { fullPage: false });
    // A wrong password is refused in the dialog, without ending the session.
    await dialog.getByLabel('Your password').fill('not my password');
    await dialog.getByLabel('Authenticator code').fill(totpCode(manager.secret!, new Date(Date.now() + 30_000)));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText()).toContain('Wrong password or code');
    // The sign-in used this step's code: the next one is not a replay.
    await dialog.getByLabel('Your password').fill(manager.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'detached' });

    const holds = page.getByTestId('holds');
    await holds.getByRole('rowheader', { name: `File ${HELD_FILE}` }).waitFor();
    expect(await holds.innerText()).toContain('in force');
    expect(await form.getByRole('status').innerText()).toContain('The hold is in force');
    const holdsNow = async () => (await (await f.as('manager')).json<{ holds: { barcode: string | null; placed_by: string; released_at: string | null; release_reason: string | null }[] }>('GET', '/api/v1/holds')).body.holds;
    const [margaret] = await sql<{ id: string }>('SELECT id FROM people WHERE email = :email', { email: DEMO_PEOPLE[0].email });
    expect(await holdsNow()).toEqual([expect.objectContaining({ barcode: HELD_FILE, placed_by: margaret!.id, released_at: null })]);
    await screenshot(page, 'admin-holds');

    await holds.getByRole('button', { name: `Release the hold on ${HELD_FILE}` }).click();
    const release = page.getByTestId('release-hold');
    await release.getByLabel('Approved by').selectOption({ label: 'Daniel Voss' });
    await release.getByLabel('Reason for the release').fill('Matter settled');
    await release.getByRole('button', { name: 'Release hold' }).click();
    await release.waitFor({ state: 'detached' });
    await expect.poll(() => holds.innerText()).toContain('Matter settled');
    expect(await holds.innerText()).toContain('released');
    expect(await page.getByRole('dialog').count()).toBe(0);
    const [released] = await holdsNow();
    expect(released).toMatchObject({ barcode: HELD_FILE, release_reason: 'Matter settled', released_at: expect.any(String) });
  });

  it('lets a manager start a pickup and record its certificate of destruction, and reconciles it', async () => {
    const page = await signedIn(manager);
    await page.goto(`${f.url}/shredding`);
    const start = page.getByRole('form', { name: 'Start a pickup' });
    await expect.poll(() => start.getByLabel('Shred bin').innerText()).toMatch(/2 files waiting/);
    await start.getByLabel('Seal number').fill('SEAL-7731');
    await start.getByRole('button', { name: 'Start pickup' }).click();
    const pickups = page.getByTestId('pickups');
    await pickups.getByText('SEAL-7731').waitFor();
    expect(await pickups.innerText()).toContain('0 of 2');

    await pickups.getByRole('button', { name: /Record certificate/ }).click();
    const form = page.getByTestId('certificate-form');
    await form.getByLabel('Serial number').fill('COD-2026-0042');
    await form.getByLabel('Place of destruction').fill('ShredCo plant, Dock Road');
    await form.getByLabel('Method').fill('cross-cut shredding');
    await form.getByLabel('Operator or witness').fill('Walter Witness');
    // Without the file the server says what is missing, beside the file field.
    await form.getByRole('button', { name: 'Record certificate' }).click();
    await expect.poll(() => form.getByLabel('Certificate file').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Certificate file').setInputFiles({ name: 'cod-2026-0042.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% Certificate of destruction COD-2026-0042\n') });
    await form.getByRole('button', { name: 'Record certificate' }).click();
    const recorded = page.getByTestId('certificate-recorded');
    await recorded.waitFor();
    expect(await recorded.innerText()).toContain('2 files are now recorded as destroyed');

    await expect.poll(() => pickups.innerText()).toContain('all 2');
    expect(await pickups.getByRole('link', { name: 'COD-2026-0042' }).count()).toBe(1);
    const reconciliation = page.getByTestId('reconciliation');
    await expect.poll(() => reconciliation.innerText()).toContain('Reconciled');
    for (const barcode of SHRED_FILES) expect((await FileRecord.findOne({ where: { barcode } }))?.status, barcode).toBe('destroyed');
    await recorded.getByRole('button', { name: 'Done' }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'shredding-certified');
    expect(pageErrors).toEqual([]);
  });
});
