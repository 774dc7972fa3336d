import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
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
