import { randomInt } from 'node:crypto';

/**
 * Per-board MQTT credentials, kept in DIR/credentials.csv (`board,username,password`). A board's
 * password is drawn once and then reused: regenerating configs for a changed office must not lock
 * out every board already flashed. The embedded broker is to check these (issue 3).
 */

export interface BoardCredential {
  board: string;
  username: string;
  password: string;
}

export const CREDENTIALS_HEADER = 'board,username,password';

/**
 * Letters and digits only: the password goes into a Tasmota Backlog line (where `;` and spaces
 * split commands), YAML, JSON and CSV, and none of them needs escaping for these.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 24 of 62 symbols is about 143 bits. */
export const PASSWORD_LENGTH = 24;
const VALID_PASSWORD = /^[A-Za-z0-9._~-]{12,128}$/;
const VALID_NAME = /^[A-Za-z0-9._@-]{1,128}$/;

/** Usernames end up in the same places as passwords, plus the CSV: no commas, spaces or `;`. */
export function isValidMqttUsername(name: string): boolean {
  return VALID_NAME.test(name);
}

export function randomPassword(draw: (max: number) => number = randomInt): string {
  let out = '';
  for (let i = 0; i < PASSWORD_LENGTH; i++) out += ALPHABET[draw(ALPHABET.length)];
  return out;
}

export class CredentialsFileError extends Error {}

/** Reads credentials.csv strictly: a hand-edited file with a broken line must not lose a password. */
export function parseCredentials(text: string): BoardCredential[] {
  const lines = text.split(/\r?\n/);
  const out: BoardCredential[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (line.trim() === '' || (i === 0 && line.trim() === CREDENTIALS_HEADER)) return;
    const fields = line.split(',');
    const [board = '', username = '', password = ''] = fields.map((f) => f.trim());
    if (fields.length !== 3 || !VALID_NAME.test(board) || !VALID_NAME.test(username) || !VALID_PASSWORD.test(password)) {
      throw new CredentialsFileError(`credentials.csv line ${i + 1}: expected board,username,password with a password of 12+ letters and digits`);
    }
    if (seen.has(board)) throw new CredentialsFileError(`credentials.csv line ${i + 1}: board "${board}" is listed twice`);
    seen.add(board);
    out.push({ board, username, password });
  });
  return out;
}

export function formatCredentials(credentials: readonly BoardCredential[]): string {
  return [CREDENTIALS_HEADER, ...credentials.map((c) => `${c.board},${c.username},${c.password}`)].join('\n') + '\n';
}

export interface MergedCredentials {
  credentials: BoardCredential[];
  /** Boards that got a new password this run. */
  created: string[];
  /** Boards no longer in the office file: dropped, so their password stops working. */
  removed: string[];
}

/**
 * Keeps every existing password of a board still in the office (a changed username keeps the
 * password), draws one for each new board, and drops boards that are gone. Output is in `boards`
 * order, so the file only changes when the office does.
 */
export function mergeCredentials(
  boards: readonly { name: string; username: string }[],
  existing: readonly BoardCredential[],
  newPassword: () => string = () => randomPassword(),
): MergedCredentials {
  const byBoard = new Map(existing.map((c) => [c.board, c]));
  const created: string[] = [];
  const credentials = boards.map((b) => {
    const old = byBoard.get(b.name);
    if (old) return { board: b.name, username: b.username, password: old.password };
    created.push(b.name);
    return { board: b.name, username: b.username, password: newPassword() };
  });
  const current = new Set(boards.map((b) => b.name));
  const removed = existing.filter((c) => !current.has(c.board)).map((c) => c.board);
  return { credentials, created, removed };
}
