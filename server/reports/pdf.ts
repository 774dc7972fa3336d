import PDFDocument from 'pdfkit';
import type { Report } from './report';

/**
 * A plain, printable PDF of a report: title, subtitle, a table that breaks across pages with its
 * header repeated, and page numbers. Built-in fonts only, so nothing is fetched or embedded.
 */
export function toPdf(report: Report, footer: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: report.columns.length > 5 ? 'landscape' : 'portrait', margin: 40, bufferPages: true, info: { Title: report.title, Creator: 'Safekeep' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.font('Helvetica-Bold').fontSize(16).text(report.title);
  doc.font('Helvetica').fontSize(9).fillColor('#444');
  for (const line of report.subtitle) doc.text(line);
  doc.moveDown().fillColor('#000');

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const colWidth = width / Math.max(1, report.columns.length);
  const header = () => {
    doc.font('Helvetica-Bold').fontSize(8);
    const y = doc.y;
    report.columns.forEach((c, i) => doc.text(c.label, left + i * colWidth, y, { width: colWidth - 4 }));
    doc.moveTo(left, doc.y + 2).lineTo(left + width, doc.y + 2).stroke();
    doc.moveDown(0.5).font('Helvetica').fontSize(8);
  };
  header();
  for (const row of report.rows) {
    const cells = report.columns.map((c) => String(row[c.key] ?? ''));
    const height = Math.max(...cells.map((t) => doc.heightOfString(t, { width: colWidth - 4 })));
    if (doc.y + height > doc.page.height - doc.page.margins.bottom - 20) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    cells.forEach((t, i) => doc.text(t, left + i * colWidth, y, { width: colWidth - 4 }));
    doc.y = y + height + 3;
  }
  if (report.rows.length === 0) doc.text('Nothing to report for this period.', left);

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    doc.fontSize(7).fillColor('#666').text(`${footer} · page ${i + 1} of ${range.count}`, left, doc.page.height - 30, { width, align: 'center', lineBreak: false });
  }
  doc.end();
  return done;
}
