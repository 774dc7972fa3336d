/**
 * Watch-list and conflict matching, in memory, on decrypted text. Case, accents, punctuation and
 * word order do not matter: "JOSÉ  Núñez-García" and "garcia jose nunez" are the same words. Pure.
 */

/** Letters NFKD does not take apart. */
const FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't' };

export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøđðłþıħŧ]/g, (c) => FOLDS[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function words(text: string): string[] {
  const folded = foldText(text);
  return folded === '' ? [] : folded.split(' ');
}

/** Legal forms carry no identity: "Acme Inc." and "ACME Corporation" are the same company. */
const LEGAL_FORMS = new Set([
  'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'llc', 'llp', 'lp', 'ltd', 'limited', 'plc', 'pllc', 'pc',
  'gmbh', 'ag', 'kg', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'pty', 'oy', 'ab', 'as', 'kk', 'the', 'and',
]);

export function companyWords(text: string): string[] {
  const all = words(text);
  const kept = all.filter((w) => !LEGAL_FORMS.has(w));
  return kept.length > 0 ? kept : all;
}

const within = (small: readonly string[], big: readonly string[]) => {
  const set = new Set(big);
  return small.length > 0 && small.every((w) => set.has(w));
};

/**
 * A watched name matches when all its words are in the visitor's name ("John Doe" flags "John
 * Michael Doe"), or when a visitor's name of two words or more is all in the watched name.
 */
export function nameMatches(watched: string, name: string): boolean {
  const w = words(watched);
  const n = words(name);
  return within(w, n) || (n.length >= 2 && within(n, w));
}

/** Companies match when the words of one, legal forms aside, are all in the other. */
export function companyMatches(a: string, b: string): boolean {
  const x = companyWords(a);
  const y = companyWords(b);
  return within(x, y) || within(y, x);
}

export interface WatchEntry {
  id: string;
  kind: 'name' | 'company';
  value: string;
}

export interface MatterParty {
  /** `<matters.id>#client` or `<matters.id>#<index in parties>`. */
  id: string;
  client: string;
  matter: string;
  partyName: string;
  role: 'adverse' | 'client';
}

/**
 * The parties of the office's matters, from `matters` (0004-disposal): the client itself, and each
 * entry of `matters.parties`, a JSON array of names or of `{ "name": …, "role": "adverse" | "client" }`.
 * A party given without a role is taken as adverse: a false alarm costs a look, a missed conflict more.
 * Malformed JSON is skipped, never fatal: a sign-in must not fail over one matter's data.
 */
export function partiesOfMatters(rows: readonly { id: string; client: string; matter: string; parties: string | null }[]): MatterParty[] {
  const out: MatterParty[] = [];
  for (const row of rows) {
    out.push({ id: `${row.id}#client`, client: row.client, matter: row.matter, partyName: row.client, role: 'client' });
    let parsed: unknown;
    try {
      parsed = row.parties ? JSON.parse(row.parties) : [];
    } catch {
      parsed = [];
    }
    if (!Array.isArray(parsed)) continue;
    parsed.forEach((entry: unknown, i) => {
      const e = entry as { name?: unknown; party_name?: unknown; role?: unknown } | string | null;
      const name = typeof e === 'string' ? e : typeof e?.name === 'string' ? e.name : typeof e?.party_name === 'string' ? e.party_name : null;
      if (!name || name.trim() === '') return;
      const role = typeof e === 'object' && e?.role === 'client' ? 'client' : 'adverse';
      out.push({ id: `${row.id}#${i}`, client: row.client, matter: row.matter, partyName: name, role });
    });
  }
  return out;
}

export interface ScreeningSubject {
  /** Registered name and, when different, the name typed on the NDA. */
  names: readonly string[];
  company: string | null;
}

export interface ScreeningResult {
  watchHits: { entryId: string; kind: 'name' | 'company' }[];
  /** Matters where the visitor's company (or the visitor) is an adverse party: a conflict to look at. */
  adverse: { partyId: string; client: string; matter: string }[];
  /** Matters where the company is the client: not alerted, shown to managers. */
  clientOf: { partyId: string; client: string; matter: string }[];
}

export function screenVisitor(subject: ScreeningSubject, watchList: readonly WatchEntry[], parties: readonly MatterParty[]): ScreeningResult {
  const watchHits = watchList
    .filter((e) => (e.kind === 'name' ? subject.names.some((n) => nameMatches(e.value, n)) : subject.company !== null && companyMatches(e.value, subject.company)))
    .map((e) => ({ entryId: e.id, kind: e.kind }));
  const company = subject.company;
  // The company is what the conflict check is about; a visitor who is personally a party (two
  // words or more, so "Smith" alone flags nobody) is caught too.
  const matching = parties.filter(
    (p) =>
      (company !== null && companyMatches(p.partyName, company)) ||
      (words(p.partyName).length >= 2 && subject.names.some((n) => nameMatches(p.partyName, n))),
  );
  const pick = (p: MatterParty) => ({ partyId: p.id, client: p.client, matter: p.matter });
  return {
    watchHits,
    adverse: matching.filter((p) => p.role === 'adverse').map(pick),
    clientOf: matching.filter((p) => p.role === 'client').map(pick),
  };
}
