import { z } from 'zod';
import { toCsv, type BuiltReport } from '../../reports/report';
import { toPdf } from '../../reports/pdf';
import { cabinetAccessQuery, cabinetAccessReport, custodyQuery, custodyReport, overdueReport, policyAcknowledgementReport } from '../../reports/definitions';
import { shreddingQuery, shreddingReport } from '../../reports/shredding-report';
import { visitorLogQuery, visitorLogReport } from '../../reports/visitor-report';
import { holdsQuery, holdsReport } from '../../reports/holds-report';
import { activityQuery, activityReport, activityReportSchema } from '../../reports/activity-report';
import type { Services } from '../../services';
import { defineRoute, type RouteDef } from '../route';

const format = z.enum(['json', 'csv', 'pdf']).default('json');

/**
 * One route per report, each answering JSON, CSV or PDF. Viewing or exporting a report is itself
 * a custody-log entry (who looked at what), with the files it covered when it is about files,
 * and the period and counts the report says it logs (`logged`): never names, never typed filters.
 */
function reportRoute<Q extends z.ZodObject>(
  name: string,
  summary: string,
  query: Q,
  build: (s: Services, q: z.infer<Q>, viewer: { personId: string | null }) => Promise<BuiltReport & { json?: unknown }>,
  /** A report with its own JSON shape (build's `json`), documented by this schema; CSV and PDF stay the table. */
  response?: z.ZodType,
): RouteDef {
  return defineRoute({
    method: 'get',
    path: `/api/v1/reports/${name}`,
    summary: `${summary} (JSON, or CSV / PDF with format=csv|pdf)`,
    tags: ['reports'],
    access: { roles: ['manager', 'admin'] },
    query: query.extend({ format }),
    ...(response ? { response } : {}),
    async handler(s, { query: q, res, actor, principal }) {
      const { format: as, ...filters } = q as z.infer<Q> & { format: 'json' | 'csv' | 'pdf' };
      const report = await build(s, filters as z.infer<Q>, { personId: principal?.user.person_id ?? null });
      await s.writer.submit({
        run: async (ctx) => {
          const base = { ...report.logged, type: 'report.viewed', actor: actor, report: name, format: as };
          if (!report.records?.length) await ctx.append(base);
          for (const record of report.records ?? []) await ctx.append({ ...base, record });
        },
      });
      const file = `${name}-${s.clock.now().toISOString().slice(0, 10)}`;
      if (as === 'csv') res.type('text/csv; charset=utf-8').attachment(`${file}.csv`).send(toCsv(report));
      else if (as === 'pdf') res.type('application/pdf').attachment(`${file}.pdf`).send(await toPdf(report, `${report.title} · ${s.origin}`));
      else res.json(report.json ?? { title: report.title, subtitle: report.subtitle, columns: report.columns, rows: report.rows });
    },
  });
}

export const reportRoutes = [
  reportRoute('custody', 'Custody of a file or of a matter', custodyQuery, custodyReport),
  reportRoute('cabinet-access', 'Access per cabinet over a period', cabinetAccessQuery, cabinetAccessReport),
  reportRoute('shredding', 'Shred-bin pickups over a period, with their certificates of destruction', shreddingQuery, shreddingReport),
  reportRoute('visitors', 'Visitor log over a period', visitorLogQuery, (s, q) => visitorLogReport(s, q)),
  reportRoute('holds', 'Legal holds, active or released', holdsQuery, holdsReport),
  reportRoute('overdue', 'Files out past their due time', z.strictObject({}), (s) => overdueReport(s)),
  reportRoute('activity', 'Activity per UTC day or hour: custody moves, cabinet openings, alerts, visitors, shred-bin deposits, device reads', activityQuery, activityReport, activityReportSchema),
  reportRoute('policy-acknowledgements', 'Confidentiality policy acknowledgements', z.strictObject({}), (s) => policyAcknowledgementReport(s)),
];
