import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type ServerFixture } from '../support/server';
import { chromiumAvailable, desktopPage, launchChromium } from './support/chromium';
import { builtDashboard } from './support/dashboard-build';
import { Cab4Board, DEMO_PEOPLE, MANAGER_BADGE, seedOffice } from './support/office';
import { createAccount, signInOnPage } from './support/accounts';
import { screenshot, seriousViolations } from './support/page-tools';

/**
 * The cabinets page following cabinet D's board live (MQTT → server → socket → refetch), and the
 * evacuation roll call as it prints.
 */
describe.skipIf(!chromiumAvailable())('the cabinets page and the printed roll call in Chromium', () => {
  let f: ServerFixture;
  let browser: Browser;
  let page: Page;
  let board: Cab4Board;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const build = await builtDashboard();
    f = await startTestServer({ dashboardDir: build.dir, devicePolicy: { debounceMs: 100 } });
    await seedOffice(f);
    const manager = await createAccount(f.server, 'manager', 'helen');
    board = await Cab4Board.connect(f);
    browser = await launchChromium();
    ({ page } = await desktopPage(browser, pageErrors));
    await page.goto(`${f.url}/cabinets`);
    await signInOnPage(page, manager);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await board?.close();
    await f?.close();
  });

  const cabinetD = () => page.locator('[data-cabinet="cab-4"]');

  it('shows every cabinet, then who opened cabinet D and since when, as it happens', async () => {
    await page.getByTestId('cabinets').waitFor();
    await page.locator('.topbar [data-connection="live"]').waitFor();
    expect(await page.locator('[data-cabinet]').count()).toBe(4);
    expect(await cabinetD().getByTestId('cabinet-visit').innerText()).toBe('No one');
    expect(await cabinetD().innerText()).toMatch(/\d+ in · \d+ out/);

    // Margaret badges in and opens the door: the open page follows without a reload.
    await board.read({ kind: 'badge', uid: MANAGER_BADGE, format: 'hex' });
    await board.read({ kind: 'door', state: 'open' });
    await page.locator('[data-cabinet="cab-4"][data-door="open"]').waitFor();
    await expect.poll(() => cabinetD().getByTestId('cabinet-visit').innerText()).toMatch(new RegExp(`${DEMO_PEOPLE[0].name} since .+\\(`));
    expect(await cabinetD().innerText()).toContain('Door open');
    const violations = await seriousViolations(page);
    await screenshot(page, 'cabinets');
    expect(violations).toEqual([]);

    // Closing the door ends the visit.
    await board.read({ kind: 'door', state: 'closed' });
    await page.locator('[data-cabinet="cab-4"][data-door="closed"]').waitFor();
    await expect.poll(() => cabinetD().getByTestId('cabinet-visit').innerText()).toBe('No one');
  });

  it('shows an alert on the cabinet it is about', async () => {
    // Opened with no badge after the visit ended: forced.
    await board.read({ kind: 'door', state: 'open' });
    await cabinetD().locator('[data-alert-type="cabinet.forced"]').waitFor();
    expect(await page.locator('[data-cabinet="cab-1"] [data-alert-type]').count()).toBe(0);
    await board.read({ kind: 'door', state: 'closed' });
  });

  it('prints the evacuation roll call without the navigation or buttons', async () => {
    const desk = await f.as('manager');
    const people = (await desk.json<{ people: { id: string; name: string }[] }>('GET', '/api/v1/people')).body.people;
    const host = people.find((p) => p.name === DEMO_PEOPLE[1].name)!.id;
    expect((await desk.json('POST', '/api/v1/visitors/nda', { text: 'Everything you see or hear here stays confidential, always.' })).status).toBe(201);
    const nda = (await desk.json<{ version: number; sha256: string }>('GET', '/api/v1/visitors/nda')).body;
    const signIn = await desk.json('POST', '/api/v1/visitors/sign-in', {
      visitor: { person: { name: 'Mary Somerville' } },
      host_person_id: host,
      nda: { version: nda.version, sha256: nda.sha256, typed_name: 'Mary Somerville' },
    });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(201);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Visitors' }).click();
    await page.getByRole('link', { name: 'Evacuation roll call' }).click();
    const roll = page.getByTestId('roll-call');
    await roll.waitFor();
    expect(await roll.innerText()).toContain('Mary Somerville');
    expect(await page.getByRole('button', { name: 'Print' }).isEnabled()).toBe(true);

    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
      expect(await page.locator('.topbar').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
      expect(await page.getByRole('heading', { name: 'Evacuation roll call' }).isVisible()).toBe(true);
      expect(await roll.getByRole('row').filter({ hasText: 'Mary Somerville' }).isVisible()).toBe(true);
      await screenshot(page, 'roll-call-print');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    expect(pageErrors).toEqual([]);
  });
});
