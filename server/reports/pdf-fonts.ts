import { existsSync } from 'node:fs';

/** The two faces a report PDF is set in; `unicode` says whether they cover more than WinAnsi. */
export interface PdfFonts {
  regular: string;
  bold: string;
  unicode: boolean;
}

/** PDF's standard fonts: always there, never embedded, but limited to the WinAnsi character set. */
export const BUILT_IN_FONTS: PdfFonts = { regular: 'Helvetica', bold: 'Helvetica-Bold', unicode: false };

/**
 * Where common Linux distributions install sans-serif TrueType fonts that cover Latin, Greek and
 * Cyrillic. Clients' and visitors' names are not all ASCII, and PDF's standard fonts would print
 * "Dvořák" as garbage, so a system font is embedded (subset) when one is installed.
 */
const CANDIDATES: readonly (readonly [string, string])[] = [
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/TTF/DejaVuSans.ttf', '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf', '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf', '/usr/share/fonts/liberation-sans/LiberationSans-Bold.ttf'],
];

export function findReportFonts(exists: (path: string) => boolean = existsSync): PdfFonts {
  const found = CANDIDATES.find(([regular, bold]) => exists(regular) && exists(bold));
  return found ? { regular: found[0], bold: found[1], unicode: true } : BUILT_IN_FONTS;
}

/** The characters WinAnsi (CP1252) has above Latin-1's C1 range gap. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const FOLDED: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', Œ: 'OE', œ: 'oe', ſ: 's', ŋ: 'ng', Ŋ: 'NG' };

const printable = (ch: string) => {
  const code = ch.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch) || ch === '\n';
};

/**
 * Text the standard fonts can print: accents outside WinAnsi are dropped ("ř" → "r"), a few
 * letters without a decomposition are folded, anything else becomes "?" rather than garbage.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    if (printable(ch)) out += ch;
    else if (FOLDED[ch]) out += FOLDED[ch];
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every(printable) ? base : '?';
    }
  }
  return out;
}
