import { describe, expect, it } from 'vitest';
import { localTime, withinWindow } from '../../server/workflows/office-time';

const fresh = (now: Date, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: get('weekday').toLowerCase(), hhmm: `${get('hour')}:${get('minute')}` };
};

describe('office local time', () => {
  it('matches a fresh conversion across DST changes, repeated minutes and a clock going back', () => {
    // Europe/London springs forward on 2026-03-29 01:00 UTC; New York falls back on 2026-11-01 06:00 UTC.
    const instants = [
      '2026-03-29T00:59:59.999Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:00:30.000Z', '2026-03-29T00:30:00.000Z',
      '2026-11-01T05:59:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T06:00:59.000Z', '2026-11-22T23:59:59.000Z', '2026-11-23T00:00:00.000Z',
    ].map((t) => new Date(t));
    for (const zone of ['Europe/London', 'America/New_York', 'Asia/Kolkata']) {
      for (const now of [...instants, ...instants.reverse()]) expect(localTime(now, zone), `${zone} ${now.toISOString()}`).toEqual(fresh(now, zone));
    }
  });

  it('keeps zones apart within one minute', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    expect(localTime(now, 'Europe/Paris').hhmm).toBe('13:00');
    expect(localTime(now, 'America/Los_Angeles').hhmm).toBe('04:00');
    expect(localTime(now, 'Europe/Paris').hhmm).toBe('13:00');
    expect(withinWindow(now, 'Europe/Paris', { days: ['sun'], from: '09:00', to: '17:00' })).toBe(true);
    expect(withinWindow(now, 'America/Los_Angeles', { days: ['sun'], from: '09:00', to: '17:00' })).toBe(false);
  });
});
