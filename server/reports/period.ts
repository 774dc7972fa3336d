import { z } from 'zod';

/**
 * A report's period: whole days, both ends included, either end open. A period that ends before
 * it starts is refused by the schema (a 400 naming `to`) rather than answered with nothing, since
 * an empty report reads like "nothing happened".
 */
export const periodFields = {
  from: z.iso.date('must be a date (YYYY-MM-DD)').optional(),
  to: z.iso.date('must be a date (YYYY-MM-DD)').optional(),
};

export function checkedPeriod<T extends z.ZodObject>(schema: T) {
  return schema.refine((q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });
}

export const periodQuery = checkedPeriod(z.strictObject(periodFields));

export interface PeriodBounds {
  from: Date | null;
  /** Exclusive: the start of the day after `to`. */
  until: Date | null;
  text: string;
}

export function boundsOf(q: { from?: string | undefined; to?: string | undefined }): PeriodBounds {
  const from = q.from ? new Date(`${q.from}T00:00:00.000Z`) : null;
  const until = q.to ? new Date(new Date(`${q.to}T00:00:00.000Z`).getTime() + 86_400_000) : null;
  const text = q.from || q.to ? `From ${q.from ?? 'the beginning'} to ${q.to ?? 'now'} (UTC days)` : 'All time';
  return { from, until, text };
}

/** True when the instant falls in the period. */
export function inPeriod(bounds: PeriodBounds, at: Date | null): boolean {
  if (!at) return false;
  return (!bounds.from || at >= bounds.from) && (!bounds.until || at < bounds.until);
}
