/** One report, whatever it is rendered to: a title, what it covers, and a table. */
export interface Report {
  title: string;
  /** Lines under the title: the period, the filters, when it was made. */
  subtitle: string[];
  columns: { key: string; label: string }[];
  rows: Record<string, string | number | null>[];
}

/** What a report builder hands the route: the report, and what its custody-log entry may name. */
export interface BuiltReport extends Report {
  /** Files the report is about: the viewing is logged once per file. */
  records?: string[];
  /** Extra fields for the `report.viewed` entry: ids, dates and counts only, never names. */
  logged?: Record<string, string | number | boolean>;
}

/** An instant as reports print it: to the second, in UTC, saying so. */
export const when = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '');

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function toCsv(report: Report): string {
  const cell = (value: string | number | null) => {
    let text = value === null ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [report.columns.map((c) => cell(c.label)).join(',')];
  for (const row of report.rows) lines.push(report.columns.map((c) => cell(row[c.key] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
