import PDFDocument from 'pdfkit';
import type { Report } from './report';
import { findReportFonts, toWinAnsi, type PdfFonts } from './pdf-fonts';
import { columnWidths, cutToHeight } from './pdf-layout';

const MARGIN = 40;
const GAP = 4;
/** Measuring every cell of a long report costs more than it tells: the first rows set the widths. */
const MEASURED_ROWS = 400;
const SHORT_CELL = 200;

/**
 * A plain, printable PDF of a report: title, subtitle, a table that breaks across pages with its
 * header repeated, and page numbers. Set in a system Unicode font when one is installed (names are
 * not all ASCII), else in the standard fonts with text folded to what they can print.
 */
export function toPdf(report: Report, footer: string, fonts: PdfFonts = findReportFonts()): Promise<Buffer> {
  const clean = fonts.unicode ? (t: string) => t : toWinAnsi;
  const labels = report.columns.map((c) => clean(c.label));
  const rows = report.rows.map((row) => report.columns.map((c) => clean(row[c.key] === null || row[c.key] === undefined ? '' : String(row[c.key]))));
  const fontSize = report.columns.length > 8 ? 7 : 8;

  // Measure on a scratch document first: the widths decide the page's orientation.
  const natural = measure(fonts, fontSize, labels, rows);
  const portraitWidth = 595.28 - 2 * MARGIN;
  const landscape = report.columns.length > 5 || natural.reduce((a, b) => a + b, 0) > portraitWidth;

  const doc = new PDFDocument({ size: 'A4', layout: landscape ? 'landscape' : 'portrait', margin: MARGIN, bufferPages: true, info: { Title: report.title, Creator: 'Safekeep' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  // Fonts by their file or standard name, not registered aliases: pdfkit re-reads an aliased standard font on every switch.
  const face = { body: fonts.regular, bold: fonts.bold };

  doc.font(face.bold).fontSize(16).text(clean(report.title));
  doc.font(face.body).fontSize(9).fillColor('#444');
  for (const line of report.subtitle) doc.text(clean(line));
  doc.moveDown().fillColor('#000');

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const widths = columnWidths(natural, width);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const bottom = () => doc.page.height - doc.page.margins.bottom - 20;
  const heightOf = (cells: string[], font: 'body' | 'bold') => {
    doc.font(face[font]).fontSize(fontSize);
    const line = doc.currentLineHeight(true);
    // Most cells fit on one line: measuring their width is far cheaper than laying them out.
    return Math.max(0, ...cells.map((t, i) => (t.length < 200 && !t.includes('\n') && doc.widthOfString(t) <= widths[i]! - GAP ? line : doc.heightOfString(t || ' ', { width: widths[i]! - GAP }))));
  };
  const headerHeight = heightOf(labels, 'bold') + 6;
  const drawRow = (cells: string[], font: 'body' | 'bold', height: number) => {
    const y = doc.y;
    doc.font(face[font]).fontSize(fontSize);
    cells.forEach((t, i) => doc.text(t, xs[i]!, y, { width: widths[i]! - GAP, lineBreak: true }));
    doc.y = y + height;
  };
  const header = () => {
    drawRow(labels, 'bold', headerHeight - 6);
    doc.moveTo(left, doc.y + 2).lineTo(left + width, doc.y + 2).stroke();
    doc.y += 6;
  };
  // The tallest a row may be: a page below the header. Taller cells are cut (the CSV has them whole).
  const maxRowHeight = doc.page.height - doc.page.margins.top - doc.page.margins.bottom - 20 - headerHeight - 4;

  const cut = (raw: string[], limit: number) => {
    doc.font(face.body).fontSize(fontSize);
    // Under SHORT_CELL characters a cell cannot outgrow a page, even in the narrowest column.
    return raw.map((t, i) => (t.length < SHORT_CELL ? t : cutToHeight(t, (candidate) => doc.heightOfString(candidate || ' ', { width: widths[i]! - GAP }) <= limit)));
  };
  header();
  let rowsOnPage = 0;
  for (const raw of rows) {
    let cells = cut(raw, maxRowHeight);
    let height = heightOf(cells, 'body');
    if (doc.y + height > bottom()) {
      if (rowsOnPage === 0) {
        // A row too tall for what is left under the first header: cut it here rather than leave a page with a header alone.
        cells = cut(raw, bottom() - doc.y);
        height = heightOf(cells, 'body');
      } else {
        doc.addPage();
        header();
        rowsOnPage = 0;
      }
    }
    drawRow(cells, 'body', height + 3);
    rowsOnPage++;
  }
  if (rows.length === 0) doc.font(face.body).fontSize(fontSize).text('Nothing to report for this period.', left);

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    // The footer sits in the bottom margin: without this, pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc
      .font(face.body)
      .fontSize(7)
      .fillColor('#666')
      .text(clean(`${footer} · page ${i + 1} of ${range.count}`), left, doc.page.height - 30, { width, align: 'center', lineBreak: false });
  }
  doc.end();
  return done;
}

/** Each column's width on one line: its label or its widest measured cell, plus the gap. */
function measure(fonts: PdfFonts, fontSize: number, labels: string[], rows: string[][]): number[] {
  const scratch = new PDFDocument({ autoFirstPage: false });
  scratch.font(fonts.bold).fontSize(fontSize);
  const natural = labels.map((l) => Math.max(...l.split(/\s+/).map((w) => scratch.widthOfString(w)), scratch.widthOfString(l) * 0.6) + GAP);
  scratch.font(fonts.regular).fontSize(fontSize);
  for (const row of rows.slice(0, MEASURED_ROWS)) {
    row.forEach((t, i) => {
      natural[i] = Math.max(natural[i]!, scratch.widthOfString(t) + GAP);
    });
  }
  scratch.end();
  return natural;
}
