import { QueryTypes, type Sequelize } from 'sequelize';
import { z } from 'zod';
import type { Services } from '../services';
import { custodyMovesPerBucket, indexRange } from './activity-log';
import { boundsOf } from './period';
import { when, type BuiltReport } from './report';

/** At most this many days per report: 92 whole days (a quarter), or 7 days by the hour. */
export const MAX_DAYS = { day: 92, hour: 7 } as const;

// Years both databases take as they are (PostgreSQL has no year 0; the day after 9999-12-31 is year 10000).
const date = z.iso.date('must be a date (YYYY-MM-DD)').refine((d) => d >= '1970-01-01' && d <= '9999-12-30', 'must be a date from 1970-01-01 to 9999-12-30');
const daysIn = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/**
 * Both ends are required (an open period has no bars to draw); the period is checked like the
 * other reports' (a 400 naming `to` when it ends before it starts) and capped per bucket size.
 */
export const activityQuery = z
  .strictObject({ from: date, to: date, bucket: z.enum(['day', 'hour']).default('day') })
  .refine((q) => q.from <= q.to, { message: 'must not be before from', path: ['to'] })
  .refine((q) => q.from > q.to || daysIn(q.from, q.to) <= MAX_DAYS[q.bucket], {
    message: `the period may cover at most ${MAX_DAYS.day} days, or ${MAX_DAYS.hour} days with bucket=hour`,
    path: ['to'],
  });
export type ActivityQuery = z.infer<typeof activityQuery>;

/** What the report counts, in the order the chart stacks and the CSV lists them. */
export const ACTIVITY_CATEGORIES = [
  { key: 'checked_out', label: 'File check-outs' },
  { key: 'checked_in', label: 'File check-ins' },
  { key: 'transferred', label: 'File transfers' },
  { key: 'cabinet_opened', label: 'Cabinet openings' },
  { key: 'access_denied', label: 'Access denied' },
  { key: 'other_alerts', label: 'Other alerts' },
  { key: 'visitor_sign_ins', label: 'Visitor sign-ins' },
  { key: 'shred_deposits', label: 'Shred-bin deposits' },
  { key: 'device_reads', label: 'Device reads' },
] as const;
export type ActivityCategory = (typeof ACTIVITY_CATEGORIES)[number]['key'];
const categoryKeys = ACTIVITY_CATEGORIES.map((c) => c.key) as [ActivityCategory, ...ActivityCategory[]];

/** Alerts that are a refusal: a badge without access at a cabinet, a visitor's badge, a screened person. */
export const ACCESS_DENIED_ALERTS = ['cabinet.access_denied', 'cabinet.visitor_badge', 'record.ethical_wall'];

const counts = z.record(z.enum(categoryKeys), z.number().int());

/** GET /api/v1/reports/activity as JSON. */
export const activityReportSchema = z.object({
  title: z.string(),
  subtitle: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  bucket: z.enum(['day', 'hour']),
  /** Buckets are UTC days or hours, like the other reports' periods (server/reports/period.ts). */
  time_zone: z.literal('UTC'),
  categories: z.array(z.object({ key: z.enum(categoryKeys), label: z.string() })),
  buckets: z.array(
    z.object({
      /** 'YYYY-MM-DD', or 'YYYY-MM-DDTHH' for hours. */
      key: z.string(),
      /** The bucket's first instant, RFC 3339 UTC. */
      start: z.string(),
      counts,
      total: z.number().int(),
    }),
  ),
  totals: counts,
});
export type ActivityReport = z.infer<typeof activityReportSchema>;

/** Bucket keys: the first 10 (day) or 13 (hour) characters of an ISO instant, 'T' between date and hour. */
const keyOfIso = (bucket: 'day' | 'hour', iso: string) => (bucket === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 10)}T${iso.slice(11, 13)}`);

/**
 * The SQL of a bucket key for a column. SQLite keeps dates as UTC text ('YYYY-MM-DD HH:MM:SS.SSS
 * +00:00'), device_events.ts_received is ISO text in both databases: the key is a prefix of the
 * text. PostgreSQL keeps dates as timestamptz: formatted in UTC.
 */
function keySql(dialect: string, column: string, isText: boolean, bucket: 'day' | 'hour'): string {
  if (dialect === 'postgres' && !isText) return `to_char(${column} AT TIME ZONE 'UTC', '${bucket === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM-DD"T"HH24'}')`;
  return bucket === 'day' ? `substr(${column}, 1, 10)` : `substr(${column}, 1, 10) || 'T' || substr(${column}, 12, 2)`;
}

interface Counted {
  category: ActivityCategory;
  table: string;
  column: string;
  /** The column holds ISO text rather than a date. */
  isText?: boolean;
  where?: string;
}

const COUNTED: Counted[] = [
  { category: 'cabinet_opened', table: 'cabinet_visits', column: 'started_at' },
  { category: 'access_denied', table: 'alerts', column: 'created_at', where: 'type IN (:denied)' },
  { category: 'other_alerts', table: 'alerts', column: 'created_at', where: 'type NOT IN (:denied)' },
  { category: 'visitor_sign_ins', table: 'visits', column: 'signed_in_at' },
  { category: 'shred_deposits', table: 'disposal_deposits', column: 'deposited_at' },
  { category: 'device_reads', table: 'device_events', column: 'ts_received', isText: true },
];

/**
 * Rows per bucket of one table. The range is compared as text in SQLite ('YYYY-MM-DD' is a prefix
 * of every spelling a date may have there) and as instants in PostgreSQL.
 */
async function tableCounts(sequelize: Sequelize, c: Counted, q: ActivityQuery, until: string): Promise<Map<string, number>> {
  const dialect = sequelize.getDialect();
  const instant = dialect === 'postgres' && !c.isText;
  const sql = `SELECT ${keySql(dialect, c.column, !!c.isText, q.bucket)} AS k, COUNT(*) AS n FROM ${c.table}
    WHERE ${c.column} >= ${instant ? 'CAST(:lo AS timestamptz)' : ':lo'} AND ${c.column} < ${instant ? 'CAST(:hi AS timestamptz)' : ':hi'}
    ${c.where ? `AND ${c.where}` : ''} GROUP BY 1`;
  const replacements = { lo: instant ? `${q.from}T00:00:00Z` : q.from, hi: instant ? `${until}T00:00:00Z` : until, denied: ACCESS_DENIED_ALERTS };
  const rows = await sequelize.query<{ k: string; n: number | string }>(sql, { type: QueryTypes.SELECT, replacements });
  return new Map(rows.map((r) => [r.k, Number(r.n)]));
}

const zero = () => Object.fromEntries(categoryKeys.map((k) => [k, 0])) as Record<ActivityCategory, number>;

/** Counts of a period per UTC day or hour: custody moves from the custody log, the rest from their tables. */
export async function activityCounts(s: Services, q: ActivityQuery): Promise<ActivityReport> {
  const period = boundsOf(q);
  const from = period.from!;
  const until = period.until!;
  const step = q.bucket === 'day' ? 86_400_000 : 3_600_000;
  const buckets: ActivityReport['buckets'] = [];
  for (let t = from.getTime(); t < until.getTime(); t += step) {
    const start = new Date(t).toISOString();
    buckets.push({ key: keyOfIso(q.bucket, start), start, counts: zero(), total: 0 });
  }
  const byKey = new Map(buckets.map((b) => [b.key, b]));

  const sequelize = s.db.sequelize;
  const moves = await custodyMovesPerBucket(sequelize, await indexRange(sequelize, s.store, from, until), (ts) => (byKey.has(keyOfIso(q.bucket, ts)) ? keyOfIso(q.bucket, ts) : null));
  for (const [key, tally] of moves) Object.assign(byKey.get(key)!.counts, tally);
  const untilDay = until.toISOString().slice(0, 10);
  for (const c of COUNTED) {
    for (const [key, n] of await tableCounts(sequelize, c, q, untilDay)) {
      const b = byKey.get(key);
      if (b) b.counts[c.category] += n;
    }
  }

  const totals = zero();
  for (const b of buckets) {
    for (const k of categoryKeys) {
      b.total += b.counts[k];
      totals[k] += b.counts[k];
    }
  }
  const all = categoryKeys.reduce((n, k) => n + totals[k], 0);
  return {
    title: 'Activity over time',
    subtitle: [
      `From ${q.from} to ${q.to}, per ${q.bucket === 'day' ? 'day' : 'hour'} (UTC)`,
      `${all} event(s): ${ACTIVITY_CATEGORIES.map((c) => `${totals[c.key]} ${c.label.toLowerCase()}`).join(', ')}`,
      `Made ${when(s.clock.now())}`,
    ],
    from: q.from,
    to: q.to,
    bucket: q.bucket,
    time_zone: 'UTC',
    categories: ACTIVITY_CATEGORIES.map((c) => ({ key: c.key, label: c.label })),
    buckets,
    totals,
  };
}

/** The report for the route: the same numbers as a table (CSV, PDF), the structured JSON for the chart. */
export async function activityReport(s: Services, q: ActivityQuery): Promise<BuiltReport & { json: ActivityReport }> {
  const data = await activityCounts(s, q);
  return {
    title: data.title,
    subtitle: data.subtitle,
    columns: [{ key: 'bucket', label: q.bucket === 'day' ? 'Day (UTC)' : 'Hour (UTC)' }, ...ACTIVITY_CATEGORIES.map((c) => ({ key: c.key, label: c.label })), { key: 'total', label: 'Total' }],
    rows: data.buckets.map((b) => ({ bucket: q.bucket === 'day' ? b.key : `${b.key.replace('T', ' ')}:00`, ...b.counts, total: b.total })),
    logged: { from: q.from, to: q.to, bucket: q.bucket, events: data.buckets.reduce((n, b) => n + b.total, 0) },
    json: data,
  };
}
