import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { apiJson, apiUrl } from '../api/client';
import { SelectField } from '../components/FormField';
import { Page } from '../components/Page';
import { TableWrap } from '../components/TableWrap';
import { ErrorMessage, Loading } from '../components/Status';
import { ActivityChart } from '../components/ActivityChart';
import type { ActivityReportJson } from '../api/types';
import type { Report } from '../../../server/reports/report';

/** GET /api/v1/reports/:name (server/api/routes/reports.ts): JSON, or CSV / PDF with format=. */
type ReportJson = Report;

type Params = Record<string, string | undefined>;

const reportUrl = (name: string, params: Params, format?: 'csv' | 'pdf') => apiUrl(`/api/v1/reports/${name}`, { ...params, ...(format ? { format } : {}) });

/** One report: its filters, a preview on the page, and the CSV and PDF downloads of the same query. */
function ReportCard({ name, title, description, valid, children, params }: { name: string; title: string; description: string; valid: boolean; params: Params; children?: ReactNode }) {
  const [shown, setShown] = useState<{ data?: ReportJson; error?: Error; loading: boolean } | null>(null);
  const headingId = useId();
  const show = async (e: FormEvent) => {
    e.preventDefault();
    setShown({ loading: true });
    try {
      setShown({ loading: false, data: await apiJson<ReportJson>(reportUrl(name, params)) });
    } catch (err) {
      setShown({ loading: false, error: err instanceof Error ? err : new Error(String(err)) });
    }
  };
  return (
    <section className="card report-card" aria-labelledby={headingId} data-report={name}>
      <h2 id={headingId}>{title}</h2>
      <p className="small muted">{description}</p>
      <form className="form-grid" onSubmit={(e) => void show(e)}>
        {children}
        <div className="button-row">
          <button type="submit" className="button primary" disabled={!valid}>
            Show
          </button>
          {valid ? (
            <>
              <a className="button" href={reportUrl(name, params, 'csv')} download>
                Download CSV
              </a>
              <a className="button" href={reportUrl(name, params, 'pdf')} download>
                Download PDF
              </a>
            </>
          ) : null}
        </div>
      </form>
      {shown?.loading ? <Loading /> : null}
      {shown?.error ? <ErrorMessage error={shown.error} what="the report" /> : null}
      {shown?.data ? (
        <div className="report-preview">
          <h3>{shown.data.title}</h3>
          {shown.data.subtitle.map((line) => (
            <p key={line} className="small muted">
              {line}
            </p>
          ))}
          <TableWrap label="Report preview">
            <table className="table">
              <thead>
                <tr>
                  {shown.data.columns.map((c) => (
                    <th key={c.key} scope="col">
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.data.rows.slice(0, 200).map((row, i) => (
                  <tr key={i}>
                    {shown.data!.columns.map((c) => (
                      <td key={c.key}>{row[c.key] === null || row[c.key] === undefined ? '' : String(row[c.key])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {shown.data.rows.length > 200 ? <p className="small muted">First 200 of {shown.data.rows.length} rows: download for all.</p> : null}
          {shown.data.rows.length === 0 ? <p className="empty">Nothing to report.</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function TextField({ label, value, onChange, placeholder, type = 'text' }: { label: string; value: string; onChange: (v: string) => void; placeholder?: string; type?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} />
    </div>
  );
}

const periodValid = (p: { from: string; to: string }) => !p.from || !p.to || p.from <= p.to;

/** From and to dates; a period that ends before it starts is not sent (the server would refuse it too). */
function PeriodFields({ value, onChange }: { value: { from: string; to: string }; onChange: (p: { from: string; to: string }) => void }) {
  return (
    <>
      <TextField label="From" type="date" value={value.from} onChange={(from) => onChange({ ...value, from })} />
      <TextField label="To" type="date" value={value.to} onChange={(to) => onChange({ ...value, to })} />
      {periodValid(value) ? null : (
        <p className="field-error" role="alert">
          “To” is before “From”.
        </p>
      )}
    </>
  );
}

/** The longest period the activity report answers (server/reports/activity-report.ts MAX_DAYS). */
const MAX_DAYS = { day: 92, hour: 7 } as const;
const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const daysIn = (p: { from: string; to: string }) => Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000) + 1;

/** Activity over time: a chart of the period's counts per UTC day or hour, with the same numbers as CSV or PDF. */
function ActivityCard() {
  const [query, setQuery] = useState<{ from: string; to: string; bucket: 'day' | 'hour' }>({ from: isoDay(-13), to: isoDay(0), bucket: 'day' });
  const [shown, setShown] = useState<{ data?: ActivityReportJson; error?: Error; loading: boolean } | null>(null);
  const headingId = useId();
  const complete = Boolean(query.from && query.to) && periodValid(query);
  const tooLong = complete && daysIn(query) > MAX_DAYS[query.bucket];
  const valid = complete && !tooLong;
  const params = { from: query.from, to: query.to, bucket: query.bucket };
  const show = async (e: FormEvent) => {
    e.preventDefault();
    setShown({ loading: true });
    try {
      setShown({ loading: false, data: await apiJson<ActivityReportJson>(reportUrl('activity', params)) });
    } catch (err) {
      setShown({ loading: false, error: err instanceof Error ? err : new Error(String(err)) });
    }
  };
  return (
    <section className="card report-card activity-card" aria-labelledby={headingId} data-report="activity">
      <h2 id={headingId}>Activity over time</h2>
      <p className="small muted">
        File check-outs, check-ins and transfers, cabinet openings, refusals and other alerts, visitor sign-ins, shred-bin deposits and device reads, per UTC day (up to {MAX_DAYS.day} days)
        or hour (up to {MAX_DAYS.hour} days).
      </p>
      <form className="form-grid" onSubmit={(e) => void show(e)}>
        <PeriodFields value={query} onChange={(p) => setQuery((q) => ({ ...q, ...p }))} />
        <SelectField
          label="Per"
          value={query.bucket}
          onChange={(bucket) => setQuery((q) => ({ ...q, bucket }))}
          options={[
            { value: 'day', label: 'Day' },
            { value: 'hour', label: 'Hour' },
          ]}
        />
        {tooLong ? (
          <p className="field-error" role="alert">
            At most {MAX_DAYS[query.bucket]} days {query.bucket === 'hour' ? 'by the hour' : 'at a time'}.
          </p>
        ) : null}
        <div className="button-row">
          <button type="submit" className="button primary" disabled={!valid}>
            Show
          </button>
          {valid ? (
            <>
              <a className="button" href={reportUrl('activity', params, 'csv')} download>
                Download CSV
              </a>
              <a className="button" href={reportUrl('activity', params, 'pdf')} download>
                Download PDF
              </a>
            </>
          ) : null}
        </div>
      </form>
      {shown?.loading ? <Loading /> : null}
      {shown?.error ? <ErrorMessage error={shown.error} what="the activity report" /> : null}
      {shown?.data ? <ActivityChart report={shown.data} /> : null}
    </section>
  );
}

export function ReportsPage() {
  const [custody, setCustody] = useState({ barcode: '', client: '', matter: '' });
  const [period, setPeriod] = useState({ from: '', to: '', cabinet: '' });
  const [shredding, setShredding] = useState({ from: '', to: '', bin: '' });
  const [visits, setVisits] = useState({ from: '', to: '' });
  const [holds, setHolds] = useState('');
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  const custodyValid = Boolean(custody.barcode.trim() || (custody.client.trim() && custody.matter.trim()));
  return (
    <Page title="Reports">
      <p className="muted">Every report viewed or downloaded is itself entered in the custody log.</p>
      <ActivityCard />
      <div className="report-grid">
        <ReportCard
          name="custody"
          title="Custody of a file or matter"
          description="Every custody-log entry of one file, or of all files of a matter."
          valid={custodyValid}
          params={{ barcode: opt(custody.barcode), client: opt(custody.client), matter: opt(custody.matter) }}
        >
          <TextField label="Barcode" value={custody.barcode} onChange={(barcode) => setCustody((c) => ({ ...c, barcode }))} placeholder="SK-000042" />
          <TextField label="or client" value={custody.client} onChange={(client) => setCustody((c) => ({ ...c, client }))} />
          <TextField label="and matter" value={custody.matter} onChange={(matter) => setCustody((c) => ({ ...c, matter }))} />
        </ReportCard>
        <ReportCard
          name="cabinet-access"
          title="Cabinet access"
          description="Who opened which cabinet and when, and who was refused."
          valid={periodValid(period)}
          params={{ from: opt(period.from), to: opt(period.to), cabinet: opt(period.cabinet) }}
        >
          <PeriodFields value={period} onChange={(p) => setPeriod((c) => ({ ...c, ...p }))} />
          <TextField label="Cabinet (optional)" value={period.cabinet} onChange={(cabinet) => setPeriod((p) => ({ ...p, cabinet }))} placeholder="cab-1" />
        </ReportCard>
        <ReportCard
          name="shredding"
          title="Shredding and certificates"
          description="Pickups from the shred bins in a period, with their certificates of destruction; pickups without a certificate are flagged."
          valid={periodValid(shredding)}
          params={{ from: opt(shredding.from), to: opt(shredding.to), bin: opt(shredding.bin) }}
        >
          <PeriodFields value={shredding} onChange={(p) => setShredding((c) => ({ ...c, ...p }))} />
          <TextField label="Bin (optional)" value={shredding.bin} onChange={(bin) => setShredding((c) => ({ ...c, bin }))} placeholder="shred-1" />
        </ReportCard>
        <ReportCard
          name="visitors"
          title="Visitor log"
          description="Who visited in a period, for whom and why, under which NDA, and how they signed out. Contains visitors' personal data."
          valid={periodValid(visits)}
          params={{ from: opt(visits.from), to: opt(visits.to) }}
        >
          <PeriodFields value={visits} onChange={setVisits} />
        </ReportCard>
        <ReportCard name="holds" title="Legal holds" description="Holds on files, matters and clients: who placed and approved them, the files covered, and releases." valid params={{ active: opt(holds) }}>
          <SelectField
            label="Holds to show"
            value={holds}
            onChange={setHolds}
            options={[
              { value: '', label: 'Active and released' },
              { value: 'true', label: 'Active only' },
              { value: 'false', label: 'Released only' },
            ]}
          />
        </ReportCard>
        <ReportCard name="overdue" title="Overdue files" description="Files out past their due time, and who has them." valid params={{}} />
        <ReportCard name="policy-acknowledgements" title="Policy acknowledgements" description="Who has acknowledged the current file-handling policy." valid params={{}} />
      </div>
    </Page>
  );
}
