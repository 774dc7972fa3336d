const DAY_MS = 86_400_000;

/** How long before UTC midnight a test that works with "today" waits for the new day instead. */
export const MIDNIGHT_MARGIN_MS = 120_000;

/**
 * Today's UTC date (YYYY-MM-DD), once midnight is at least `MIDNIGHT_MARGIN_MS` away. These tests
 * take "today" from the real clock and the server stamps its events with its own real clock; a
 * run that crossed midnight in between would look for the events on the wrong day. Close to
 * midnight this waits until it has passed.
 */
export async function utcDayClearOfMidnight(): Promise<string> {
  const untilMidnight = DAY_MS - (Date.now() % DAY_MS);
  if (untilMidnight < MIDNIGHT_MARGIN_MS) await new Promise((resolve) => setTimeout(resolve, untilMidnight + 1_000));
  return new Date().toISOString().slice(0, 10);
}

/** The UTC date `days` after `day` (YYYY-MM-DD). */
export function utcDayAfter(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
