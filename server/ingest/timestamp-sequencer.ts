/**
 * ts_server values strictly increase along the log, at microsecond resolution. A strict order lets
 * `log verify` pinpoint a reordered or slipped-in row; the wall clock alone repeats within a
 * millisecond under load, and may step back.
 */
export function nextTimestamp(now: Date, lastMicros: number): { micros: number; text: string } {
  const micros = Math.max(now.getTime() * 1000, lastMicros + 1);
  return { micros, text: formatMicros(micros) };
}

export function formatMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const sub = String(micros % 1000).padStart(3, '0');
  return `${new Date(ms).toISOString().slice(0, 23)}${sub}Z`;
}

/** Parses an RFC 3339 UTC time with up to microsecond precision into microseconds since the epoch. */
export function parseMicros(text: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(text);
  if (!match) return Number.NaN;
  const seconds = Date.parse(`${match[1]}Z`);
  const fraction = (match[2] ?? '').padEnd(6, '0');
  return seconds * 1000 + Number(fraction);
}
