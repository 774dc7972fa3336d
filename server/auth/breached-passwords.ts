import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The list of commonly breached passwords shipped with the app (see data/README.md). It is loaded
 * once by whoever composes the server and handed to the password policy; lookups are O(1).
 */

export const DEFAULT_BREACHED_LIST = fileURLToPath(new URL('./data/common-passwords.txt', import.meta.url));

export class BreachedPasswords {
  private constructor(private readonly entries: ReadonlySet<string>) {}

  /** One password per line; blank lines and surrounding whitespace ignored; stored lowercase. */
  static fromText(text: string): BreachedPasswords {
    const entries = new Set<string>();
    for (const line of text.split(/\r?\n/)) {
      const entry = line.trim();
      if (entry !== '') entries.add(foldCase(entry));
    }
    return new BreachedPasswords(entries);
  }

  /** Case-insensitive, after the same NFKC normalisation the hasher applies. */
  has(password: string): boolean {
    return this.entries.has(foldCase(password));
  }

  get size(): number {
    return this.entries.size;
  }
}

function foldCase(password: string): string {
  return password.normalize('NFKC').toLowerCase();
}

export async function loadBreachedPasswords(file: string = DEFAULT_BREACHED_LIST): Promise<BreachedPasswords> {
  const list = BreachedPasswords.fromText(await readFile(file, 'utf8'));
  // An empty list would silently turn the check off: a packaging mistake must fail loudly.
  if (list.size === 0) throw new Error(`breached-password list ${file} is empty`);
  return list;
}
