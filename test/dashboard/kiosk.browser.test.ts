import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type ServerFixture } from '../support/server';
import type { ApiClient } from '../support/auth-client';
import { chromiumAvailable, launchChromium } from './support/chromium';
import { builtDashboard } from './support/dashboard-build';
import { createAccount, type Account } from './support/accounts';
import { seedOffice } from './support/office';
import { screenshot, seriousViolations } from './support/page-tools';
import { qrCodeY4m } from './support/y4m';

/**
 * The reception kiosk in Chromium with a fake camera: Chromium plays a Y4M video of a QR code as
 * its webcam (--use-file-for-fake-video-capture), and the page decodes it with @zxing/library.
 * The visitor is pre-registered through the real visitors API; the kiosk signs them in, and out
 * again when the badge it printed is shown to the camera or the handheld scanner.
 */
const NDA_TEXT = 'Everything you see or hear in this office about our clients is confidential.\n\nYou will not copy, photograph or remove any document.';

describe.skipIf(!chromiumAvailable())('the reception kiosk in Chromium', () => {
  let f: ServerFixture;
  let manager: ApiClient;
  let kiosk: Account;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tmp: string;
  let camera: string;
  let invitation: string;
  let badgeToken: string | null = null;
  let hostId: string;
  const violations: string[] = [];

  /** What the webcam shows. Replaced by rename: a capture still open keeps reading the old file whole. */
  const showToCamera = (text: string) => {
    const next = `${camera}.next`;
    writeFileSync(next, qrCodeY4m(text));
    renameSync(next, camera);
  };
  const checkA11y = async (screen: string) => {
    for (const v of await seriousViolations(page)) violations.push(`${screen}: ${v}`);
  };
  /** What the kiosk sends once the visitor has read the agreement and typed their name. */
  const ndaAcceptance = async (typed_name: string) => {
    const nda = await manager.json<{ version: number; sha256: string }>('GET', '/api/v1/visitors/nda');
    return { version: nda.body.version, sha256: nda.body.sha256, typed_name };
  };
  const preregister = async (name: string, company: string) => {
    const r = await manager.json<{ token: string }>('POST', '/api/v1/visitors/preregistrations', {
      visitor: { person: { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com` }, company },
      host_person_id: hostId,
      expected_at: new Date().toISOString(),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.token;
  };

  beforeAll(async () => {
    const build = await builtDashboard();
    f = await startTestServer({ dashboardDir: build.dir });
    await seedOffice(f);
    manager = await f.as('manager');
    expect((await manager.json('POST', '/api/v1/visitors/nda', { text: NDA_TEXT })).status).toBe(201);
    const people = (await manager.json<{ people: { id: string; name: string }[] }>('GET', '/api/v1/people')).body.people;
    hostId = people.find((p) => p.name === 'Margaret Hartley')!.id;
    invitation = await preregister('Ada Lovelace', 'Analytical Engines Ltd');
    kiosk = await createAccount(f.server, 'kiosk', 'front-desk-kiosk');

    tmp = mkdtempSync(path.join(os.tmpdir(), 'safekeep-kiosk-'));
    camera = path.join(tmp, 'camera.y4m');
    showToCamera(invitation);
    browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    await context.grantPermissions(['camera']);
    // A step that cannot happen fails in 10 s with what it waited for, not at the test's timeout.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs under the kiosk account: signs in at /kiosk and stays there', async () => {
    await page.goto(`${f.url}/kiosk`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkA11y('kiosk sign-in');
    await page.getByLabel('Username').fill(kiosk.username);
    await page.getByLabel('Password').fill(kiosk.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
    await checkA11y('kiosk welcome');
    await screenshot(page, 'kiosk-welcome');
    // The kiosk account has no dashboard: any other page brings it back here.
    await page.goto(`${f.url}/files`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/kiosk');
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
  });

  it('signs a pre-registered visitor in from the QR code the camera sees, with the agreement, and prints the badge', async () => {
    const started = Date.now();
    await page.getByRole('button', { name: /I have a QR code/ }).click();
    await page.getByRole('heading', { name: 'Scan your QR code' }).waitFor();
    await checkA11y('kiosk scan');
    // The camera shows the invitation: the page decodes it and asks for the agreement.
    const decoded = page.getByTestId('decoded');
    await decoded.waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\ncamera: ${await page.locator('.camera').getAttribute('class').catch(() => 'gone')}\nscreen: ${await page.locator('main').innerText()}`);
    });
    console.log(`QR code decoded from the fake camera in ${Date.now() - started} ms`);
    expect(await decoded.innerText()).toContain(invitation);
    await page.getByRole('heading', { name: 'Confidentiality agreement' }).waitFor();
    expect(await page.getByRole('document', { name: 'Confidentiality agreement text' }).innerText()).toContain('You will not copy, photograph or remove any document.');
    await checkA11y('kiosk agreement');
    await screenshot(page, 'kiosk-agreement');

    const accept = page.getByRole('button', { name: 'Accept and sign in' });
    expect(await accept.isDisabled()).toBe(true);
    await page.getByLabel('Type your full name to sign').fill('Ada Lovelace');
    await page.getByLabel('I have read this agreement and accept it.').check();
    await accept.click().catch(async (err: unknown) => {
      throw new Error(`${String(err).slice(0, 200)}\nname: ${await page.getByLabel('Type your full name to sign').inputValue()} checked: ${await page.getByLabel('I have read this agreement and accept it.').isChecked()}\nscreen: ${await page.locator('main').innerText()}`);
    });

    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    const label = page.getByTestId('badge-label');
    expect(await label.innerText()).toMatch(/VISITOR[\s\S]*Ada[\s\S]*Analytical Engines Ltd[\s\S]*Visiting Margaret Hartley/);
    badgeToken = await label.locator('svg[data-token]').getAttribute('data-token');
    expect(badgeToken).toMatch(/^SKV:[0-9A-Z]{20,}$/);
    await checkA11y('kiosk badge');
    await screenshot(page, 'kiosk-badge');

    // Printed, the label is all there is on the page.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.kiosk-top').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Done' }).isVisible()).toBe(false);
    expect(await label.isVisible()).toBe(true);
    await screenshot(page, 'kiosk-badge-print', { fullPage: false });
    await page.emulateMedia({ media: 'screen' });

    // The visit is on site, with the agreement accepted.
    const onSite = (await manager.json<{ visits: { name: string; status: string }[] }>('GET', '/api/v1/visitors/visits?status=on_site')).body.visits;
    expect(onSite.map((v) => v.name)).toContain('Ada Lovelace');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
  }, 90_000);

  it('reads the printed badge back through the camera to sign out, and greets by first name only', async () => {
    expect(badgeToken).not.toBeNull();
    // The visitor now holds up the badge the kiosk printed.
    showToCamera(badgeToken!);
    await page.goto(`${f.url}/kiosk`);
    await page.getByRole('button', { name: /I’m leaving/ }).click();
    await page.getByRole('heading', { name: 'Sign out' }).waitFor();
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/visitors/sign-out'), { timeout: 30_000 });
    const response = await answered.catch(async (err: unknown) => {
      throw new Error(`${String(err)}\ncamera: ${await page.locator('.camera').getAttribute('class').catch(() => 'gone')}\nscreen: ${await page.locator('main').innerText()}`);
    });
    expect(response.status()).toBe(200);
    expect(response.request().postDataJSON()).toEqual({ token: badgeToken });
    await page.getByRole('heading', { name: 'Goodbye, Ada' }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('Lovelace');
    await checkA11y('kiosk signed out');
    await screenshot(page, 'kiosk-signed-out');
    const signedOut = (await manager.json<{ visits: { name: string; sign_out_reason: string }[] }>('GET', '/api/v1/visitors/visits?status=signed_out')).body.visits;
    expect(signedOut.find((v) => v.name === 'Ada Lovelace')?.sign_out_reason).toBe('badge_returned');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
    showToCamera(invitation);
  }, 90_000);

  it('signs a walk-in in under the kiosk account, choosing the host from a searchable list', async () => {
    await page.goto(`${f.url}/kiosk`);
    await page.getByRole('button', { name: /I don’t have a code/ }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.locator('.kiosk-error').allInnerTexts()).toEqual(['Please enter your name.', 'Please choose whom you are visiting.']);
    await checkA11y('kiosk walk-in');
    await page.getByLabel('Your full name').fill('Charles Babbage');
    await page.getByLabel('Company (optional)').fill('Difference Engines');
    const hosts = page.getByRole('group', { name: 'Who are you visiting?' });
    await hosts.getByLabel('Search by name').fill('vo');
    await expect.poll(() => hosts.getByRole('radio').count()).toBe(1);
    await hosts.getByRole('radio', { name: 'Daniel Voss' }).check();
    await checkA11y('kiosk walk-in host chosen');
    await screenshot(page, 'kiosk-walk-in');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Confidentiality agreement' }).waitFor();
    await page.getByLabel('Type your full name to sign').fill('Charles Babbage');
    await page.getByLabel('I have read this agreement and accept it.').check();
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Charles' }).waitFor();
    expect(await page.getByTestId('badge-label').innerText()).toContain('Visiting Daniel Voss');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
  });

  it('forgets everything and returns to the welcome screen when left idle', async () => {
    await page.goto(`${f.url}/kiosk?idle=3`);
    await page.getByRole('button', { name: /I have a QR code/ }).waitFor();
    await page.getByRole('button', { name: /I’m leaving/ }).click();
    await page.getByRole('heading', { name: 'Sign out' }).waitFor();
    // No touch for 3 s: a warning, then the welcome screen.
    await page.getByTestId('idle-warning').waitFor({ timeout: 5000 });
    await page.getByRole('heading', { name: 'Welcome' }).waitFor({ timeout: 5000 });
    expect(await page.locator('.kiosk').getAttribute('data-step')).toBe('welcome');
  });

  it('takes the codes from a keyboard-wedge scanner when there is no camera: an invitation in, a badge out', async () => {
    const second = await preregister('Grace Hopper', 'Navy Computing');
    // A visitor signed in at the desk, wearing the badge printed there.
    const walkIn = await manager.json<{ visit_id: string; badge: { kind: 'label'; label: { token: string } } }>('POST', '/api/v1/visitors/sign-in', {
      visitor: { person: { name: 'Katherine Johnson' } },
      host_person_id: hostId,
      nda: await ndaAcceptance('Katherine Johnson'),
    });
    expect(walkIn.status, JSON.stringify(walkIn.body)).toBe(201);
    const walkInToken = walkIn.body.badge.label.token;
    const walkInVisit = walkIn.body.visit_id;
    const noCamera = await launchChromium();
    try {
      const ctx = await noCamera.newContext({ viewport: { width: 800, height: 1280 } });
      ctx.setDefaultTimeout(10_000);
      const p = await ctx.newPage();
      await p.goto(`${f.url}/kiosk`);
      await p.getByLabel('Username').fill(kiosk.username);
      await p.getByLabel('Password').fill(kiosk.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('button', { name: /I have a QR code/ }).click();
      await expect.poll(() => p.locator('.camera').getAttribute('class')).toMatch(/camera-(unavailable|denied)/);
      // The scanner types into the focused field and presses Enter.
      await p.keyboard.type(second);
      await p.keyboard.press('Enter');
      await p.getByRole('heading', { name: 'Confidentiality agreement' }).waitFor();
      expect(await p.getByTestId('decoded').innerText()).toContain(second);
      await screenshot(p, 'kiosk-portrait-agreement');

      // Leaving: the handheld scanner reads the badge label and types it in.
      await p.getByRole('button', { name: 'Cancel' }).click();
      await p.getByRole('button', { name: /I’m leaving/ }).click();
      await p.getByRole('heading', { name: 'Sign out' }).waitFor();
      await expect.poll(() => p.locator('.camera').getAttribute('class')).toMatch(/camera-(unavailable|denied)/);
      const scan = async (token: string) => {
        const answered = p.waitForResponse((r) => r.url().endsWith('/api/v1/visitors/sign-out'));
        await p.keyboard.type(token);
        await p.keyboard.press('Enter');
        return answered;
      };
      expect((await scan(walkInToken)).status()).toBe(200);
      await p.getByRole('heading', { name: 'Goodbye, Katherine' }).waitFor();
      const visit = (await manager.json<{ visits: { id: string; status: string; sign_out_reason: string }[] }>('GET', '/api/v1/visitors/visits?status=signed_out')).body.visits.find((v) => v.id === walkInVisit);
      expect(visit).toMatchObject({ status: 'signed_out', sign_out_reason: 'badge_returned' });

      // The same badge again: nothing to sign out, and the kiosk says so.
      await p.getByRole('button', { name: 'Done' }).click();
      await p.getByRole('button', { name: /I’m leaving/ }).click();
      await p.getByRole('heading', { name: 'Sign out' }).waitFor();
      expect((await scan(walkInToken)).status()).toBe(404);
      await p.getByRole('heading', { name: 'Sorry' }).waitFor();
      expect(await p.getByRole('alert').innerText()).toMatch(/already signed out/);
    } finally {
      await noCamera.close();
    }
  });

  it('has no serious or critical accessibility violations on the kiosk screens', () => {
    expect(violations).toEqual([]);
  });
});
