/**
 * Column widths for a report table. Each column wants its widest cell on one line; when the page
 * is too narrow for all of them, narrow columns (dates, counts, codes) keep their width and the
 * wide ones (reasons, lists of files) share what is left equally and wrap. Max-min fairness, so a
 * single long free-text column cannot squeeze the others into one character per line.
 */
export function columnWidths(natural: readonly number[], available: number, minimum = 28): number[] {
  const wants = natural.map((w) => Math.max(minimum, w));
  const total = wants.reduce((a, b) => a + b, 0);
  if (total <= available) return wants.map((w) => (w / total) * available);
  const widths: (number | null)[] = wants.map(() => null);
  let remaining = available;
  for (;;) {
    const open = widths.flatMap((w, i) => (w === null ? [i] : []));
    if (open.length === 0) break;
    const share = remaining / open.length;
    const fits = open.filter((i) => wants[i]! <= share);
    if (fits.length === 0) {
      for (const i of open) widths[i] = share;
      break;
    }
    for (const i of fits) {
      widths[i] = wants[i]!;
      remaining -= wants[i]!;
    }
  }
  return widths.map((w) => w!);
}

/**
 * The longest prefix of `text` (cut at a space when one is near, ending in a note) whose height
 * fits: a row taller than a page cannot break across pages with its neighbours in step.
 */
export function cutToHeight(text: string, fits: (candidate: string) => boolean, note = ' … (cut: see the CSV)'): string {
  if (fits(text)) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(text.slice(0, mid) + note)) lo = mid;
    else hi = mid - 1;
  }
  const space = text.lastIndexOf(' ', lo);
  const end = space > 0 && space > lo - 24 ? space : lo;
  return text.slice(0, end).trimEnd() + note;
}
