import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer, type ServerFixture } from '../support/server';
import { missingComponent } from '../support/requirements';
import { importCsv } from '../../server/domain/csv-import';
import { FileRecord, Person } from '../../server/db/models';

describe('reports', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startTestServer();
    // Signing in writes log entries: do it before any test counts them.
    await f.as('manager');
    const { writer } = f.server.services;
    await importCsv(writer, 'people', 'name,email,role\n"Ada, Q.",ada@example.com,staff\n', 'system:test');
    await importCsv(writer, 'records', 'barcode,client,matter,title,home_cabinet\nSK-800001,Acme,M1,"=HYPERLINK(""x"")",cab-1\nSK-800002,Acme,M1,Will,cab-2\n', 'system:test');
    const ada = (await Person.findOne())!;
    await FileRecord.update({ status: 'out', custodian_person_id: ada.id, location_id: null, due_at: new Date(Date.now() - 3 * 86_400_000) }, { where: { barcode: 'SK-800001' } });
  });
  afterAll(async () => f.close());

  it('answers the custody of a matter as JSON, and logs that it was viewed, per file', async () => {
    const before = f.server.services.writer.size;
    const res = await (await f.as('manager')).fetch(`/api/v1/reports/custody?client=Acme&matter=M1`);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.rows.map((r: { file: string }) => r.file)).toEqual(['SK-800001', 'SK-800002']);
    expect(f.server.services.writer.size).toBe(before + 2);
    expect((await (await f.as('manager')).fetch(`/api/v1/reports/custody`)).status).toBe(400);
  });

  it('downloads a CSV that a spreadsheet opens safely', async () => {
    const res = await (await f.as('manager')).fetch(`/api/v1/reports/overdue?format=csv`);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="?overdue-\d{4}-\d{2}-\d{2}\.csv"?/);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe('File,Client,Matter,Held by,Due,Days overdue');
    expect(text).toContain('SK-800001,Acme,M1,"Ada, Q.",');
    const custody = await (await (await f.as('manager')).fetch(`/api/v1/reports/custody?barcode=SK-800001&format=csv`)).text();
    expect(custody).not.toMatch(/,=HYPERLINK/);
  });

  it('downloads a PDF that opens and holds the report', async () => {
    const res = await (await f.as('manager')).fetch(`/api/v1/reports/overdue?format=pdf`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'safekeep-pdf-')), 'overdue.pdf');
    writeFileSync(file, pdf);
    let text: string;
    try {
      text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    } catch (err) {
      missingComponent('pdftotext (poppler-utils)', String((err as Error).message).split('\n')[0]!);
      return;
    }
    expect(text).toContain('Overdue files');
    expect(text).toContain('SK-800001');
  });

  it('refuses unknown filters', async () => {
    const res = await (await f.as('manager')).fetch(`/api/v1/reports/overdue?colour=red`);
    expect(res.status).toBe(400);
    expect((await res.json()).fields[0].field).toBe('query.colour');
  });
});
