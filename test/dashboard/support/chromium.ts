import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { missingComponent } from '../../support/requirements';

/** Debian's Chromium (`apt-get install chromium`); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when Chromium is installed; otherwise fails under CI=true and warns locally. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  missingComponent('Chromium', `${CHROMIUM_PATH} not found; install it with \`apt-get install -y chromium\``);
  return false;
}

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Headless Chromium through playwright-core. Playwright gives every launch a fresh temporary
 * profile (its own --user-data-dir), removed on close.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...BASE_ARGS, ...extraArgs], timeout: 30_000 });
}

/**
 * A page in a fresh context at desktop size, motion reduced, failing a step after 10 s with what it
 * waited for (not at the test's timeout), and collecting uncaught page errors into `errors`.
 */
export async function desktopPage(browser: Browser, errors: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page };
}
