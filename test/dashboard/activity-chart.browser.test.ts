import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type ServerFixture } from '../support/server';
import { chromiumAvailable, desktopPage, launchChromium } from './support/chromium';
import { builtDashboard } from './support/dashboard-build';
import { Cab4Board, CAB4_FILE, MANAGER_BADGE, seedOffice } from './support/office';
import { createAccount, signInOnPage } from './support/accounts';
import { screenshot, seriousViolations } from './support/page-tools';
import { MIDNIGHT_MARGIN_MS, utcDayClearOfMidnight } from '../support/utc-day';

/**
 * The activity chart of the reports page: a cabinet visit and a check-out made on cabinet D's
 * board (MQTT), then drawn as bars, readable as a table, and accessible from phone to wall screen.
 */
describe.skipIf(!chromiumAvailable())('the activity chart on the reports page in Chromium', () => {
  let f: ServerFixture;
  let browser: Browser;
  let page: Page;
  let board: Cab4Board;
  const pageErrors: string[] = [];
  let today = '';
  const card = () => page.locator('[data-report="activity"]');

  beforeAll(async () => {
    today = await utcDayClearOfMidnight();
    const build = await builtDashboard();
    f = await startTestServer({ dashboardDir: build.dir, devicePolicy: { debounceMs: 100 } });
    await seedOffice(f);
    const manager = await createAccount(f.server, 'manager', 'helen');
    board = await Cab4Board.connect(f);
    await board.read({ kind: 'badge', uid: MANAGER_BADGE, format: 'hex' });
    await board.read({ kind: 'barcode', data: CAB4_FILE });
    browser = await launchChromium();
    ({ page } = await desktopPage(browser, pageErrors));
    await page.goto(`${f.url}/reports`);
    await signInOnPage(page, manager);
  }, 120_000 + MIDNIGHT_MARGIN_MS);

  afterAll(async () => {
    await browser?.close();
    await board?.close();
    await f?.close();
  });

  const showChart = async () => {
    await card().getByRole('button', { name: 'Show' }).click();
    await card().getByTestId('activity-chart').waitFor();
  };

  it("draws the last two weeks' activity as bars, with a legend, a summary and the numbers as a table", async () => {
    await card().waitFor();
    expect(await card().getByLabel('To', { exact: true }).inputValue()).toBe(today);
    await showChart();
    const chart = card().getByTestId('activity-chart');
    expect(await chart.locator('rect.activity-bar').count()).toBeGreaterThanOrEqual(1);
    expect(await chart.locator(`[data-bucket="${today}"] rect.activity-bar[data-category="checked_out"]`).count()).toBe(1);
    const svg = chart.getByRole('img');
    expect(await svg.getAttribute('aria-labelledby')).toBeTruthy();
    expect(await chart.locator('svg desc').textContent()).toMatch(/1 file check-outs?/);
    for (const label of ['File check-outs', 'Cabinet openings', 'Device reads']) expect(await chart.locator('.chart-legend').innerText()).toContain(label);

    // The numbers, behind a disclosure that the keyboard opens.
    const table = chart.getByRole('table');
    expect(await table.isVisible()).toBe(false);
    await chart.getByText('The numbers as a table').focus();
    await page.keyboard.press('Enter');
    expect(await table.isVisible()).toBe(true);
    const row = table.locator('tbody tr', { has: page.getByRole('rowheader', { name: today }) });
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe('1'); // check-outs
    expect(cells[3]).toBe('1'); // cabinet openings
    await screenshot(page, 'reports-activity');
    expect(await seriousViolations(page)).toEqual([]);

    // A category left out of the bars from the legend, by keyboard.
    await chart.locator('[data-category="device_reads"] input').focus();
    await page.keyboard.press('Space');
    expect(await chart.locator('rect.activity-bar[data-category="device_reads"]').count()).toBe(0);
    expect(await chart.locator('rect.activity-bar[data-category="checked_out"]').count()).toBe(1);
  });

  it('draws a day by the hour at phone width and on a wall screen without the page scrolling sideways, and passes axe', async () => {
    for (const [width, height, name] of [
      [390, 844, 'phone'],
      [2560, 1440, 'wall'],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(`${f.url}/reports`);
      await card().waitFor();
      await card().getByLabel('From', { exact: true }).fill(today);
      await card().getByLabel('Per', { exact: true }).selectOption('hour');
      await showChart();
      const chart = card().getByTestId('activity-chart');
      expect(await chart.locator('[data-bucket]').count()).toBe(24);
      expect(await chart.locator('rect.activity-bar').count()).toBeGreaterThanOrEqual(1);
      // The chart scrolls inside its own region when the bars need it; the page does not.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name} scrolls sideways`).toBe(true);
      const region = chart.getByRole('region', { name: /Activity chart/ });
      await region.focus();
      expect(await region.evaluate((el) => el === document.activeElement)).toBe(true);
      await screenshot(page, `reports-activity-${name}`);
      expect(await seriousViolations(page), name).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('refuses a period longer than the server answers before asking it', async () => {
    await page.goto(`${f.url}/reports`);
    await card().getByLabel('From', { exact: true }).fill('2020-01-01');
    await card().getByLabel('To', { exact: true }).fill('2020-12-31');
    expect(await card().getByRole('alert').innerText()).toContain('At most 92 days');
    expect(await card().getByRole('button', { name: 'Show' }).isDisabled()).toBe(true);
  });
});
