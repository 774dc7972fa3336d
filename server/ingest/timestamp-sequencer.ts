/**
 * ts_server values strictly increase along the log, at microsecond resolution. A strict order lets
 * `log verify` pinpoint a reordered or slipped-in row; the wall clock alone repeats within a
 * millisecond under load, and may step back.
 */
export function nextTimestamp(now: Date, lastMicros: number): { micros: number; text: string } {
  const micros = Math.max(now.getTime() * 1000, lastMicros + 1);
  return { micros, text: formatMicros(micros) };
}

// The text up to the second ("2026-12-07T04:47:20."): under load thousands of leaves a second
// share it, and making it is most of the cost of a timestamp.
let prefixSecond = Number.NaN;
let prefix = '';

export function formatMicros(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  if (second !== prefixSecond) {
    prefix = new Date(second * 1000).toISOString().slice(0, 20);
    prefixSecond = second;
  }
  return `${prefix}${String(micros - second * 1_000_000).padStart(6, '0')}Z`;
}

/** Parses an RFC 3339 UTC time with up to microsecond precision into microseconds since the epoch. */
export function parseMicros(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(text);
  if (!match) return Number.NaN;
  const seconds = Date.parse(`${match[1]}Z`);
  const fraction = (match[2] ?? '').padEnd(6, '0');
  return seconds * 1000 + Number(fraction);
}
