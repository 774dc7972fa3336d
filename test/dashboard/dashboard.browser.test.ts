import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { verifyBundle } from '../../server/custody-log/bundle';
import { startTestServer, type ServerFixture } from '../support/server';
import { chromiumAvailable, launchChromium } from './support/chromium';
import { builtDashboard } from './support/dashboard-build';
import { Cab4Board, CAB4_FILE, MANAGER_BADGE, seedOffice } from './support/office';
import { createAccount, totpCode, type Account } from './support/accounts';
import { feedEntrySeen, installFeedClock, screenshot, seriousViolations } from './support/page-tools';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

/**
 * The dashboard, built by vite and served by a whole test office, driven in Debian's Chromium.
 * The browser reaches the office through a TCP proxy so a test can cut its connections; the
 * proxy's address is the office's public URL, so sign-in's Origin checks accept it.
 */
/** A badge nobody holds, different each time (readers debounce a repeated identical read). */
const strangerBadge = () => `DE${Math.floor(Math.random() * 0xffffff).toString(16).toUpperCase().padStart(6, '0')}`;

describe.skipIf(!chromiumAvailable())('the dashboard in Chromium', () => {
  let f: ServerFixture;
  let proxy: TcpProxy;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let board: Cab4Board;
  let manager: Account;
  const pageErrors: string[] = [];
  const size = () => f.server.services.writer.size;

  beforeAll(async () => {
    const build = await builtDashboard();
    if (build.buildMs) console.log(`dashboard built in ${build.buildMs} ms`);
    proxy = await startTcpProxy();
    const publicUrl = process.env.SAFEKEEP_PUBLIC_URL;
    process.env.SAFEKEEP_PUBLIC_URL = proxy.url;
    try {
      // A short debounce: the tests present the same badge again within seconds.
      f = await startTestServer({ dashboardDir: build.dir, devicePolicy: { debounceMs: 100 } });
    } finally {
      if (publicUrl === undefined) delete process.env.SAFEKEEP_PUBLIC_URL;
      else process.env.SAFEKEEP_PUBLIC_URL = publicUrl;
    }
    proxy.target = f.url;
    await seedOffice(f);
    manager = await createAccount(f.server, 'manager', 'margaret');
    board = await Cab4Board.connect(f);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, reducedMotion: 'reduce' });
    await installFeedClock(context);
    // A step that cannot happen fails in 10 s with what it waited for, not at the test's timeout.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    if (process.env.DEBUG_DASHBOARD) page.on('console', (m) => console.log(`[page] ${m.type()} ${m.text()}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await board?.close();
    await proxy?.close();
    await f?.close();
  });

  it('signs a manager in with a password and an authenticator code', async () => {
    await page.goto(`${proxy.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in', { fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Username').fill(manager.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Wrong username, password or code');
    await page.getByLabel('Password').fill(manager.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Authenticator code' }).waitFor();
    await page.getByLabel('Code').fill(totpCode(manager.secret!));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').innerText()).toContain('margaret');
    expect(await page.getByTestId('who').innerText()).toContain('Manager');
    await page.locator('[data-connection="live"]').waitFor();
    // A manager's navigation: every page of the dashboard.
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of ['Live activity', 'Files', 'Alerts', 'Visitors', 'Reports', 'Health and devices']) expect(await nav.getByRole('link', { name: label }).count()).toBe(1);
  });

  it('walks a manager without an authenticator through enrolling one, and gives staff only their pages', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    fresh.setDefaultTimeout(10_000);
    try {
      const p = await fresh.newPage();
      const newManager = await createAccount(f.server, 'manager', 'daniel', { enrolled: false });
      await p.goto(`${proxy.url}/`);
      await p.getByLabel('Username').fill(newManager.username);
      await p.getByLabel('Password').fill(newManager.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
      await p.getByTestId('totp-qr').waitFor();
      expect(await p.getByTestId('totp-qr').getAttribute('data-uri')).toMatch(/^otpauth:\/\/totp\//);
      await screenshot(p, 'sign-in-enrol-authenticator', { fullPage: false });
      const secret = (await p.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
      await p.getByLabel('Code from the app').fill(totpCode(secret));
      await p.getByRole('button', { name: 'Confirm and continue' }).click();
      await p.getByTestId('who').waitFor();
      expect(await p.getByTestId('who').innerText()).toContain('daniel');
      await p.getByRole('button', { name: 'Sign out' }).click();
      await p.getByRole('heading', { name: 'Sign in' }).waitFor();

      const staff = await createAccount(f.server, 'staff', 'priya');
      await p.getByLabel('Username').fill(staff.username);
      await p.getByLabel('Password').fill(staff.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByTestId('who').waitFor();
      const nav = p.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Live activity', 'Files', 'Visitors', 'Shredding']);
      await p.goto(`${proxy.url}/alerts`);
      await p.getByText('Your role does not include this page.').waitFor();
    } finally {
      await fresh.close();
    }
  });

  it('creates the first administrator from the one-time set-up link, authenticator included', async () => {
    const { token } = await f.server.services.auth.setup.issue();
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    fresh.setDefaultTimeout(10_000);
    try {
      const p = await fresh.newPage();
      await p.goto(`${proxy.url}/setup#token=${token}`);
      await p.getByRole('heading', { name: 'Create the first administrator' }).waitFor();
      await p.getByLabel('Username').fill('owen');
      await p.getByLabel('Password', { exact: true }).fill('a long and unguessable passphrase 7');
      await p.getByLabel('Password again').fill('a long and unguessable passphrase 7');
      await p.getByRole('button', { name: 'Create account' }).click();
      await p.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
      const secret = (await p.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
      await p.getByLabel('Code from the app').fill(totpCode(secret));
      await p.getByRole('button', { name: 'Confirm and continue' }).click();
      await p.getByTestId('who').waitFor();
      expect(await p.getByTestId('who').innerText()).toContain('owen · Administrator');
      expect(new URL(p.url()).pathname).toBe('/');
      // The link is used up.
      const again = await fresh.newPage();
      await fresh.clearCookies();
      await again.goto(`${proxy.url}/setup#token=${token}`);
      await again.getByLabel('Username').fill('mallory');
      await again.getByLabel('Password', { exact: true }).fill('a long and unguessable passphrase 8');
      await again.getByLabel('Password again').fill('a long and unguessable passphrase 8');
      await again.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(() => again.locator('.signin-error').innerText()).toMatch(/not valid any more/);
    } finally {
      await fresh.close();
    }
  });

  it('shows a device read published over MQTT in the live feed within one second', async () => {
    await page.goto(`${proxy.url}/`);
    await page.locator('[data-connection="live"]').waitFor();
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const after = size() - 1;
      const published = Date.now();
      await board.publish({ kind: 'badge', uid: strangerBadge(), format: 'hex' });
      const seen = await feedEntrySeen(page, after, 'device.read');
      latencies.push(seen.at - published);
      expect(seen.text).toContain('Badge read at cab-4 (not recognized)');
    }
    console.log(`live feed latency, MQTT publish → line on screen: ${latencies.map((ms) => `${ms} ms`).join(', ')}`);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    // Newest first, and the decisions on the read are there as lines of their own.
    const first = page.locator('[data-testid="feed"] li').first();
    expect(Number(await first.getAttribute('data-index'))).toBe(size() - 1);
    await expect.poll(() => page.locator('[data-testid="feed"] li[data-type="access.denied"]').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="feed"]').innerText()).toContain('Access refused at cab-4: unknown badge');
  });

  it('finds a file, shows its custody timeline verified in the browser, and downloads a bundle that verifies offline', async () => {
    // Margaret opens cabinet D and takes the file out, while the feed watches.
    await page.goto(`${proxy.url}/`);
    await page.locator('.topbar [data-connection="live"]').waitFor();
    await board.read({ kind: 'badge', uid: MANAGER_BADGE, format: 'hex' });
    await board.read({ kind: 'door', state: 'open' });
    await board.read({ kind: 'barcode', data: CAB4_FILE });
    await board.read({ kind: 'door', state: 'closed' });
    await expect.poll(() => page.locator('[data-testid="feed"]').innerText()).toMatch(/checked out by person [0-9a-f]{6} at cab-4/);
    await screenshot(page, 'live-activity-feed', { fullPage: false });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Files' }).click();
    await page.getByLabel('Barcode, client or matter').fill(CAB4_FILE);
    await page.getByLabel('Barcode, client or matter').press('Enter');
    await expect.poll(() => page.url()).toContain(`/files?q=${CAB4_FILE}`);
    const row = page.getByRole('row').filter({ hasText: CAB4_FILE });
    await expect.poll(() => row.innerText()).toMatch(/Checked out/);
    await row.getByRole('link', { name: CAB4_FILE }).click();

    const mark = page.getByTestId('verified-mark');
    await mark.waitFor({ timeout: 10_000 });
    expect(await mark.getAttribute('data-signature')).toBe('verified');
    expect(await mark.innerText()).toContain('Verified in this browser');
    const items = page.locator('[data-testid="timeline"] > li');
    const typesShown = () => items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-type')));
    await expect.poll(typesShown).toEqual(['record.imported', 'record.checked_out']);
    // Looking is logged too: this page's own view of the history is an entry of it, shown on request.
    await page.getByLabel(/Show who viewed or exported this file/).check();
    await expect.poll(typesShown).toEqual(expect.arrayContaining(['record.imported', 'record.checked_out', 'report.viewed']));
    expect(await items.filter({ hasText: 'viewed by' }).first().innerText()).toMatch(/Custody history of file SK-000043 viewed by (user|person) [0-9a-f]{6}/);
    const marks = await items.evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-type'), li.getAttribute('data-mark')]));
    // Everything in the bundle's checkpoint is verified; only entries made after it wait for the next one.
    for (const [type, mark] of marks) expect(['verified', 'later'], `${type} is ${mark}`).toContain(mark);
    expect(marks.filter(([type]) => type?.startsWith('record.')).map(([, mark]) => mark)).toEqual(['verified', 'verified']);
    expect(await items.filter({ hasText: 'checked out' }).innerText()).toMatch(/File SK-000043 checked out by person [0-9a-f]{6} at cab-4/);
    await screenshot(page, 'file-custody-timeline');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download bundle' }).click()]);
    expect(download.suggestedFilename()).toBe(`custody-${CAB4_FILE}.json`);
    const text = readFileSync((await download.path())!, 'utf8');
    const verdict = verifyBundle(text, { trustedKey: f.server.services.key.verifierKey });
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.ok && verdict.entries.map((e) => e.type).filter((t) => t.startsWith('record.'))).toEqual(['record.imported', 'record.checked_out']);

    // She brings it back: the open page follows by itself, and the new entry verifies too.
    await board.read({ kind: 'badge', uid: MANAGER_BADGE, format: 'hex' });
    await board.read({ kind: 'door', state: 'open' });
    await board.read({ kind: 'barcode', data: CAB4_FILE });
    await board.read({ kind: 'door', state: 'closed' });
    const returned = page.locator('[data-testid="timeline"] > li[data-type="record.checked_in"]');
    await expect.poll(() => returned.getAttribute('data-mark'), { timeout: 8000 }).toBe('verified');
    expect(await returned.innerText()).toMatch(/File SK-000043 returned to cab-4/);
    expect(await page.locator('.record-summary').innerText()).toContain('In its cabinet');
  });

  it('refuses a bundle altered on its way to the browser', async () => {
    await page.route(`**/api/v1/records/${CAB4_FILE}/bundle`, async (route) => {
      try {
        const response = await route.fetch();
        const text = await response.text();
        // One base64 character of the first leaf, changed.
        const tampered = text.replace(/"leaf":"(.)/, (_m, c: string) => `"leaf":"${c === 'c' ? 'd' : 'c'}`);
        await route.fulfill({ response, body: tampered });
      } catch {
        // A refetch still in flight when the next test cuts the connections: nothing to tamper with.
        await route.abort().catch(() => undefined);
      }
    });
    try {
      await page.goto(`${proxy.url}/files/${CAB4_FILE}`);
      const bad = page.getByTestId('not-verified');
      await bad.waitFor({ timeout: 10_000 });
      expect(await bad.innerText()).toMatch(/Not verified/);
      expect(await page.getByTestId('verified-mark').count()).toBe(0);
      expect(await page.locator('[data-testid="timeline"] > li[data-mark="verified"]').count()).toBe(0);
    } finally {
      await page.unroute(`**/api/v1/records/${CAB4_FILE}/bundle`);
    }
  });

  it('shows a lost connection, recovers by itself without a reload, counts what it missed, and shows new events', async () => {
    await page.goto(`${proxy.url}/`);
    await page.locator('[data-connection="live"]').waitFor();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    await proxy.drop();
    const lostAt = Date.now();
    await page.getByTestId('connection-lost').waitFor({ timeout: 5000 });
    console.log(`connection loss shown after ${Date.now() - lostAt} ms`);
    expect(await page.locator('.topbar [data-connection]').getAttribute('data-connection')).toBe('reconnecting');
    await screenshot(page, 'live-disconnected', { fullPage: false });

    // Committed while the page cannot hear: must not vanish silently.
    await board.read({ kind: 'badge', uid: strangerBadge(), format: 'hex' });
    await page.waitForTimeout(1500);
    await proxy.resume();
    const resumedAt = Date.now();
    await page.locator('.topbar [data-connection="live"]').waitFor({ timeout: 10_000 });
    console.log(`reconnected ${Date.now() - resumedAt} ms after the network came back`);
    await page.getByTestId('connection-lost').waitFor({ state: 'detached', timeout: 5000 });
    await expect.poll(() => page.locator('[data-testid="feed"] li[data-gap]').first().innerText()).toMatch(/entries committed while disconnected/);

    const after = size() - 1;
    const published = Date.now();
    await board.publish({ kind: 'badge', uid: strangerBadge(), format: 'hex' });
    const seen = await feedEntrySeen(page, after, 'device.read');
    expect(seen.at - published).toBeLessThan(1000);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('raises alerts live on the alerts page', async () => {
    await page.goto(`${proxy.url}/alerts`);
    await page.getByTestId('alerts').waitFor();
    const before = await page.locator('[data-testid="alerts"] > li').count();
    // A door opened with no badge: forced open.
    await board.read({ kind: 'door', state: 'open' });
    await board.read({ kind: 'door', state: 'closed' });
    await expect.poll(() => page.locator('[data-testid="alerts"] > li[data-alert-type="cabinet.forced"]').count(), { timeout: 5000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="alerts"] > li').count()).toBeGreaterThan(before);
    const forced = page.locator('[data-testid="alerts"] > li[data-alert-type="cabinet.forced"]').first();
    expect(await forced.innerText()).toContain('cabinet opened without a badge');

    // Acknowledged with a note: it leaves the open list and shows under "Acknowledged" with the note.
    await forced.getByRole('button', { name: 'Acknowledge…' }).click();
    await forced.getByLabel('What was done?').fill('Checked the cabinet: door was not latched, no file missing.');
    await forced.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid="alerts"] > li[data-alert-type="cabinet.forced"]').count()).toBe(0);
    await page.getByRole('tab', { name: 'Acknowledged' }).click();
    await expect.poll(() => page.getByTestId('alerts').innerText()).toContain('door was not latched');
  });

  it('downloads a custody report as CSV and as PDF, and both open', async () => {
    await page.goto(`${proxy.url}/reports`);
    const card = page.locator('[data-report="custody"]');
    await card.getByLabel('Barcode').fill(CAB4_FILE);
    await card.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => card.locator('.report-preview').innerText()).toContain(`Custody of file ${CAB4_FILE}`);
    await screenshot(page, 'reports');

    const [csv] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^custody-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split(/\r\n/);
    expect(lines.length).toBeGreaterThanOrEqual(4); // header + imported, checked out, checked in
    expect(lines.slice(1).join('\n')).toMatch(/record\.checked_out|checked out/i);

    const [pdf] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Download PDF' }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/^custody-.*\.pdf$/);
    const bytes = readFileSync((await pdf.path())!);
    const text = bytes.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect((text.match(/\/Type \/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(1);
    // Its document information names the report.
    expect(text).toMatch(/\/Title\s*(\(|<|\d+ 0 R)/);
  });

  it('downloads the legal-holds report, filtered, as CSV', async () => {
    await page.goto(`${proxy.url}/reports`);
    const card = page.locator('[data-report="holds"]');
    await card.getByLabel('Holds to show').selectOption('true');
    await card.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => card.locator('.report-preview').innerText()).toContain('Active legal holds');
    const [csv] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^holds-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(readFileSync((await csv.path())!, 'utf8').split('\r\n')[0]).toBe('Scope,Reason,Placed by,Approved by,Placed,Files covered,Status,Released,Released by,Release reason');
  });

  const PAGES: [name: string, path: string, ready: (p: Page) => Promise<unknown>][] = [
    ['live-activity', '/', (p) => p.locator('.topbar [data-connection="live"]').waitFor({ timeout: 30_000 })],
    ['files-search', '/files?q=Delacroix', (p) => p.locator('table tbody tr').first().waitFor()],
    ['file-custody', `/files/${CAB4_FILE}`, (p) => p.getByTestId('verified-mark').waitFor({ timeout: 10_000 })],
    ['alerts', '/alerts', (p) => p.getByTestId('alerts').waitFor()],
    ['health-and-devices', '/system', (p) => p.getByTestId('devices').waitFor()],
    ['cabinets', '/cabinets', (p) => p.getByTestId('cabinets').waitFor()],
    ['visitors', '/visitors', (p) => p.getByRole('heading', { name: /On site now/ }).waitFor()],
    ['roll-call', '/visitors/roll-call', (p) => p.getByTestId('roll-call').waitFor()],
    ['reports', '/reports', (p) => p.locator('[data-report]').first().waitFor()],
    ['shredding', '/shredding', (p) => p.getByRole('heading', { name: /Pickups and certificates/ }).waitFor()],
    ['administration', '/admin', (p) => p.getByRole('table', { name: 'People' }).or(p.getByRole('region', { name: 'People' })).first().waitFor()],
    ['kiosk', '/kiosk', (p) => p.getByRole('button', { name: /I have a QR code/ }).waitFor()],
  ];

  it('has no serious or critical accessibility violations on the main pages, from phone width to a wall screen', async () => {
    const found: string[] = [];
    for (const [width, height, suffix] of [
      [1280, 860, ''],
      [390, 844, '-phone'],
      [2560, 1440, '-wall'],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const [name, path, ready] of PAGES) {
        if (suffix === '-wall' && !['live-activity', 'file-custody'].includes(name)) continue;
        await page.goto(`${proxy.url}${path}`);
        await ready(page);
        await page.locator('.spinner').first().waitFor({ state: 'detached' });
        for (const v of await seriousViolations(page)) found.push(`${name}${suffix}: ${v}`);
        await screenshot(page, `${name}${suffix}`);
        // Nothing sideways: the page fits the screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}${suffix} scrolls sideways`).toBe(true);
      }
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(found).toEqual([]);
  }, 180_000);

  it('works from the keyboard: skip link, focus on the new page heading, and the phone menu', async () => {
    await page.goto(`${proxy.url}/`);
    await page.getByTestId('who').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    await page.getByRole('link', { name: 'Health and devices' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Health and devices');
    expect(await page.title()).toBe('Health and devices · Safekeep');

    await page.setViewportSize({ width: 390, height: 844 });
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    expect(await nav.isVisible()).toBe(true);
    await screenshot(page, 'phone-menu', { fullPage: false });
    await nav.getByRole('link', { name: 'Files' }).click();
    await expect.poll(() => nav.isVisible()).toBe(false);
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(pageErrors).toEqual([]);
  });
});
