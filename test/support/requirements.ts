/**
 * Tests that need a real component (PostgreSQL, Mosquitto, socat, Chromium) never skip silently:
 * under CI=true a missing component fails the suite; locally the test is skipped with the reason
 * printed.
 */
export const IN_CI = process.env.CI === 'true';

export function missingComponent(name: string, why: string): never | void {
  const message = `${name} is not available (${why})`;
  if (IN_CI) throw new Error(`${message}: CI requires it`);
  console.warn(`SKIPPED: tests needing ${message}`);
}
