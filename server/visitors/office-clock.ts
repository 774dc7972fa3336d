/**
 * Wall-clock dates and times in the office's time zone, turned into instants. Pure: only Intl.
 * Daylight saving is handled by asking Intl for the zone's offset at the instant itself.
 */

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(at: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24, minute: get('minute'), second: get('second') };
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms. */
function offsetAt(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(at.getTime() / 1000) * 1000;
}

export function localDate(at: Date, timeZone: string): LocalDate {
  const { year, month, day } = wallClock(at, timeZone);
  return { year, month, day };
}

/** YYYY-MM-DD in the office's zone: for labels and for "once a day". */
export function localDateText(at: Date, timeZone: string): string {
  const d = localDate(at, timeZone);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/**
 * The instant the office's clocks show `hhmm` on `date`. A time skipped by a spring-forward change
 * is moved forward by the gap (02:30 becomes 03:30, as Temporal's "compatible" does); a repeated
 * time (autumn) is its first occurrence.
 */
export function zonedInstant(date: LocalDate, hhmm: string, timeZone: string): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const wall = Date.UTC(date.year, date.month - 1, date.day, h, m);
  // Two passes: the first guess may sit on the other side of a DST change from the answer.
  const first = wall - offsetAt(new Date(wall), timeZone);
  const second = wall - offsetAt(new Date(first), timeZone);
  if (second === first) return new Date(first);
  // Near a change: of the candidates that show the wanted time, the earliest; none (a gap): the later one.
  const shows = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return w.hour === h && w.minute === m;
  };
  const candidates = [first, second].filter(shows).sort((a, b) => a - b);
  return new Date(candidates[0] ?? Math.max(first, second));
}

export function startOfLocalDay(at: Date, timeZone: string): Date {
  return zonedInstant(localDate(at, timeZone), '00:00', timeZone);
}
