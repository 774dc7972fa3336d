import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../support/office';

export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-output/screenshots');

/** Saves a screenshot under test-output/screenshots (gitignored; CI keeps it as an artifact). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: options.fullPage ?? true, animations: 'disabled' });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2.x A and AA rules, and best practices) on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/** Serious and critical violations, formatted to read in a failure message. */
export async function seriousViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page))
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Records, in every page of the context, the wall-clock time at which each feed entry appears in
 * the DOM: latency is measured where it happens, not by the test's polling.
 */
export async function installFeedClock(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: Record<number, { at: number; type: string; text: string }> = {};
    (window as unknown as { __feedSeen: typeof seen }).__feedSeen = seen;
    new MutationObserver(() => {
      for (const li of document.querySelectorAll<HTMLElement>('[data-testid="feed"] li[data-index]')) {
        const index = Number(li.dataset.index);
        if (!(index in seen)) seen[index] = { at: Date.now(), type: li.dataset.type ?? '', text: li.innerText };
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

/** The first feed entry after log index `after` of the given type, and when it appeared. */
export async function feedEntrySeen(page: Page, after: number, type: string, timeout = 5000): Promise<{ at: number; index: number; text: string }> {
  const handle = await page.waitForFunction(
    ({ after, type }) => {
      const seen = (window as unknown as { __feedSeen: Record<number, { at: number; type: string; text: string }> }).__feedSeen;
      const hit = Object.entries(seen).find(([i, e]) => Number(i) > after && e.type === type);
      return hit ? { index: Number(hit[0]), ...hit[1] } : null;
    },
    { after, type },
    { timeout, polling: 50 },
  );
  return (await handle.jsonValue()) as { at: number; index: number; text: string };
}
