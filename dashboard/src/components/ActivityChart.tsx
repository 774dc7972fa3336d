import { useEffect, useId, useRef, useState } from 'react';
import type { ActivityCategoryKey, ActivityReportJson } from '../api/types';
import { TableWrap } from './TableWrap';

/** One colour per category, each at least 3:1 against white (WCAG 1.4.11); stacks are split by white lines. */
const COLOURS: Record<ActivityCategoryKey, string> = {
  checked_out: '#1d3557',
  checked_in: '#1f7a70',
  transferred: '#6a4c93',
  cabinet_opened: '#0a58a8',
  access_denied: '#c0392b',
  other_alerts: '#b35c00',
  visitor_sign_ins: '#3d7b1f',
  shred_deposits: '#6b6b6b',
  device_reads: '#8a6d00',
};

type Bucket = ActivityReportJson['buckets'][number];

/** 'YYYY-MM-DD' or 'YYYY-MM-DDTHH' as the table and the tooltips spell it. */
const longLabel = (key: string) => (key.length > 10 ? `${key.slice(0, 10)} ${key.slice(11, 13)}:00` : key);
/** The axis label: the day (MM-DD), or the hour with the day at midnight. */
const shortLabel = (key: string) => (key.length > 10 ? (key.endsWith('T00') ? key.slice(5, 10) : `${key.slice(11, 13)}h`) : key.slice(5));

/** The top of the axis: the first 1, 2 or 5 × 10^n at or above the largest stack. */
function niceMax(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= n)!;
}
const ticksOf = (max: number) => (max <= 5 ? Array.from({ length: max + 1 }, (_, i) => i) : Array.from({ length: 6 }, (_, i) => (max / 5) * i));

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The chart in words: for the SVG's description and the line under the legend. */
export function activitySummary(report: ActivityReportJson, shown: readonly ActivityCategoryKey[]): string {
  const unit = report.bucket === 'day' ? 'day' : 'hour';
  const total = (b: Bucket) => shown.reduce((n, k) => n + b.counts[k], 0);
  const all = report.buckets.reduce((n, b) => n + total(b), 0);
  const parts = report.categories.filter((c) => shown.includes(c.key)).map((c) => `${report.totals[c.key]} ${c.label.toLowerCase()}`);
  const busiest = report.buckets.reduce<Bucket | null>((best, b) => (total(b) > (best ? total(best) : 0) ? b : best), null);
  return [
    `${plural(all, 'event')} from ${report.from} to ${report.to}, per ${unit} (UTC)${parts.length ? `: ${parts.join(', ')}` : ''}.`,
    busiest ? `Busiest ${unit}: ${longLabel(busiest.key)} with ${plural(total(busiest), 'event')}.` : 'Nothing happened in this period.',
  ].join(' ');
}

/** Width of the box the chart is drawn in, and the root font size (larger on a wall screen). */
function useBox() {
  const ref = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ width: 640, rem: 16 });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      setBox((b) => (b.width === element.clientWidth && b.rem === rem ? b : { width: element.clientWidth || b.width, rem }));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, ...box };
}

/**
 * Activity over time as stacked bars, one per UTC day or hour: drawn in SVG at the size of its box
 * (readable from a phone to a wall screen; many thin bars scroll sideways instead of vanishing),
 * with a legend that also hides or shows each category, a summary in words, and every number in a
 * table.
 */
export function ActivityChart({ report }: { report: ActivityReportJson }) {
  const [hidden, setHidden] = useState<ReadonlySet<ActivityCategoryKey>>(new Set());
  const { ref, width, rem } = useBox();
  const titleId = useId();
  const descId = useId();
  const shown = report.categories.map((c) => c.key).filter((k) => !hidden.has(k));
  const unit = report.bucket === 'day' ? 'Day' : 'Hour';
  const summary = activitySummary(report, shown);

  const font = 0.8 * rem;
  const stackOf = (b: Bucket) => shown.reduce((n, k) => n + b.counts[k], 0);
  const max = niceMax(Math.max(0, ...report.buckets.map(stackOf)));
  const ticks = ticksOf(max);
  const left = Math.ceil(String(max).length * font * 0.62 + font);
  const top = font;
  const bottom = font * 2.4;
  const plotHeight = Math.round(13 * rem);
  const n = report.buckets.length;
  const slot = Math.max(Math.max(6, rem * 0.5), (width - left - font) / Math.max(n, 1));
  const svgWidth = Math.ceil(left + slot * n + font);
  const svgHeight = Math.ceil(top + plotHeight + bottom);
  const barWidth = Math.max(2, slot * 0.72);
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  // Axis labels far enough apart not to overlap: every k-th bucket (for hours, on a round hour).
  const needed = Math.ceil((font * 0.62 * 6) / slot);
  const every = report.bucket === 'hour' ? ([1, 2, 3, 4, 6, 12, 24].find((k) => k >= needed) ?? 24) : Math.max(1, needed);

  const toggle = (key: ActivityCategoryKey) =>
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <figure className="activity-chart" data-testid="activity-chart">
      <fieldset className="chart-legend">
        <legend className="small">Legend: untick a category to leave it out of the bars</legend>
        {report.categories.map((c) => (
          <label key={c.key} className="chart-legend-item" data-category={c.key}>
            <input type="checkbox" checked={!hidden.has(c.key)} onChange={() => toggle(c.key)} />
            <span className="chart-swatch" style={{ background: COLOURS[c.key] }} aria-hidden="true" />
            {c.label} <span className="muted">({report.totals[c.key]})</span>
          </label>
        ))}
      </fieldset>
      <div className="chart-scroll" ref={ref} tabIndex={0} role="region" aria-label={`Activity chart per ${unit.toLowerCase()}`}>
        <svg className="activity-svg" width={svgWidth} height={svgHeight} viewBox={`0 0 ${svgWidth} ${svgHeight}`} role="img" aria-labelledby={titleId} aria-describedby={descId}>
          <title id={titleId}>{`${report.title}, per ${unit.toLowerCase()} (UTC), from ${report.from} to ${report.to}`}</title>
          <desc id={descId}>{summary}</desc>
          <g className="chart-grid" aria-hidden="true">
            {ticks.map((t) => (
              <g key={t}>
                <line x1={left} x2={svgWidth - font / 2} y1={y(t)} y2={y(t)} />
                <text x={left - font / 2} y={y(t)} dy="0.35em" textAnchor="end" style={{ fontSize: font }}>
                  {t}
                </text>
              </g>
            ))}
          </g>
          {report.buckets.map((b, i) => {
            const x = left + i * slot + (slot - barWidth) / 2;
            let base = 0;
            return (
              <g key={b.key} className="chart-bucket" data-bucket={b.key}>
                <title>{`${longLabel(b.key)}: ${shown.map((k) => `${b.counts[k]} ${report.categories.find((c) => c.key === k)!.label.toLowerCase()}`).join(', ')}`}</title>
                {shown.map((k) => {
                  const value = b.counts[k];
                  if (value === 0) return null;
                  const rect = <rect key={k} className="activity-bar" data-category={k} x={x} width={barWidth} y={y(base + value)} height={y(base) - y(base + value)} fill={COLOURS[k]} />;
                  base += value;
                  return rect;
                })}
                {i % every === 0 ? (
                  <text className="chart-axis-label" x={left + i * slot + slot / 2} y={top + plotHeight + font * 1.3} textAnchor="middle" style={{ fontSize: font }} aria-hidden="true">
                    {shortLabel(b.key)}
                  </text>
                ) : null}
              </g>
            );
          })}
          <line className="chart-baseline" x1={left} x2={svgWidth - font / 2} y1={y(0)} y2={y(0)} aria-hidden="true" />
        </svg>
      </div>
      <figcaption className="small">{summary}</figcaption>
      <details className="chart-table">
        <summary>The numbers as a table</summary>
        <TableWrap label={`Activity per ${unit.toLowerCase()}, as a table`}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{unit} (UTC)</th>
                {report.categories.map((c) => (
                  <th key={c.key} scope="col">
                    {c.label}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {report.buckets.map((b) => (
                <tr key={b.key}>
                  <th scope="row">{longLabel(b.key)}</th>
                  {report.categories.map((c) => (
                    <td key={c.key}>{b.counts[c.key]}</td>
                  ))}
                  <td>{b.total}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                {report.categories.map((c) => (
                  <td key={c.key}>{report.totals[c.key]}</td>
                ))}
                <td>{report.buckets.reduce((n, b) => n + b.total, 0)}</td>
              </tr>
            </tfoot>
          </table>
        </TableWrap>
      </details>
    </figure>
  );
}
