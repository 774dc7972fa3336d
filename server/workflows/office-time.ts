import type { Weekday } from '../config/office-schema';

const WEEKDAY_OF: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

/** Building a formatter costs ~100 µs, formatting with one ~9 µs: keep one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The last answer per zone, by the minute it is for: every badge checks several schedule rules
 * within the same minute, and every zone offset in use is a whole number of minutes.
 */
const lastByZone = new Map<string, { minute: number; local: { day: Weekday; hhmm: string } }>();

/** Wall-clock day and time in the office's zone: schedules are written in local time. */
export function localTime(now: Date, timeZone: string): { day: Weekday; hhmm: string } {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastByZone.get(timeZone);
  if (last?.minute === minute) return last.local;
  const parts = formatterFor(timeZone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const local = Object.freeze({ day: WEEKDAY_OF[get('weekday')] ?? 'mon', hhmm: `${get('hour')}:${get('minute')}` });
  lastByZone.set(timeZone, { minute, local });
  return local;
}

/** True when `now` falls on one of `days` between `from` (inclusive) and `to` (exclusive); no times means all day. */
export function withinWindow(now: Date, timeZone: string, window: { days: readonly string[]; from?: string | null; to?: string | null }): boolean {
  const { day, hhmm } = localTime(now, timeZone);
  if (!window.days.includes(day)) return false;
  if (!window.from || !window.to) return true;
  return hhmm >= window.from && hhmm < window.to;
}
