import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toPdf } from '../../server/reports/pdf';
import { BUILT_IN_FONTS, findReportFonts, toWinAnsi } from '../../server/reports/pdf-fonts';
import { columnWidths, cutToHeight } from '../../server/reports/pdf-layout';
import type { Report } from '../../server/reports/report';
import { missingComponent } from '../support/requirements';

const dir = mkdtempSync(path.join(tmpdir(), 'safekeep-pdf-unit-'));

/** The text of each page, or null (reported as missing) without poppler-utils. */
function pages(pdf: Buffer, name: string): string[] | null {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim() !== '');
  } catch (err) {
    missingComponent('pdftotext (poppler-utils)', String((err as Error).message).split('\n')[0]!);
    return null;
  }
}

const wide: Report = {
  title: 'Shredding',
  subtitle: ['A long, wide table'],
  columns: ['Pickup', 'Bin', 'Collected by', 'Seal', 'Files collected', 'Certificate', 'Destroyed on', 'Place', 'Method', 'Operator', 'SHA-256', 'Files destroyed', 'Status'].map((label, i) => ({
    key: `c${i}`,
    label,
  })),
  rows: Array.from({ length: 240 }, (_, n) => ({
    c0: `2026-01-${String((n % 28) + 1).padStart(2, '0')} 10:00:00 UTC`,
    c1: 'shred-1',
    c2: n % 2 ? 'Łukasz Dvořák (vendor badge)' : 'Zoë Brontë',
    c3: `S-${n}`,
    c4: `${n % 7}: ${Array.from({ length: n % 7 }, (_, k) => `SK-${String(800000 + k).padStart(6, '0')}`).join(', ')}`,
    c5: `SC-${n}`,
    c6: '2026-01-05',
    c7: 'ShredCo plant, Unit 4, Industrial Estate',
    c8: 'pulping',
    c9: 'Walter Wîtness',
    c10: 'ab'.repeat(32),
    c11: String(n % 7),
    c12: n % 5 ? 'certified' : 'NO CERTIFICATE',
  })),
};

describe('report PDFs', () => {
  it('breaks a long, wide table across pages with the header on each, and keeps names that are not ASCII', async () => {
    const fonts = findReportFonts();
    const text = pages(await toPdf(wide, 'Shredding · safekeep/test', fonts), 'wide');
    if (!text) return;
    expect(text.length).toBeGreaterThan(3);
    text.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toMatch(/Pickup\s+Bin\s+Collected/);
      expect(page).toContain(`page ${i + 1} of ${text.length}`);
    });
    const all = text.join('\n');
    // Every row made it, in order: the last seal is on the last page.
    expect(text.at(-1)).toContain('S-239');
    expect(all).toContain('abababab');
    expect(all).toContain(fonts.unicode ? 'Dvořák' : 'Dvorák');
    expect(all).toContain(fonts.unicode ? 'Łukasz' : 'Lukasz');
    expect(all).toContain('Zoë');
  });

  it('prints with the standard fonts when no system font is installed, folding what WinAnsi lacks', async () => {
    const text = pages(await toPdf({ ...wide, rows: wide.rows.slice(0, 3) }, 'Shredding', BUILT_IN_FONTS), 'built-in');
    if (text) expect(text.join('\n')).toMatch(/Zoë Brontë[\s\S]*Lukasz Dvorák/);
    expect(toWinAnsi('Łukasz Dvořák — Zoë 山田 €5')).toBe('Lukasz Dvorák — Zoë ?? €5');
  });

  it('cuts a cell taller than a page instead of spilling it over the next rows', async () => {
    const report: Report = {
      title: 'Holds',
      subtitle: [],
      columns: [
        { key: 'scope', label: 'Scope' },
        { key: 'files', label: 'Files covered' },
      ],
      rows: [
        { scope: 'client Acme', files: Array.from({ length: 3000 }, (_, k) => `SK-${900000 + k}`).join(', ') },
        { scope: 'client Birch', files: '1: SK-1' },
      ],
    };
    const text = pages(await toPdf(report, 'Holds'), 'tall');
    if (!text) return;
    expect(text.join('\n')).toContain('(cut: see the CSV)');
    expect(text.join('\n')).toContain('client Birch');
  });

  it('gives narrow columns their width and shares the rest among the wide ones', () => {
    expect(columnWidths([50, 50], 200)).toEqual([100, 100]);
    const widths = columnWidths([40, 60, 900, 700], 500);
    expect(widths.slice(0, 2)).toEqual([40, 60]);
    expect(widths[2]).toBeCloseTo(200);
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(500);
    expect(cutToHeight('one two three four', (t) => t.length <= 12, '…')).toBe('one two…');
  });
});
