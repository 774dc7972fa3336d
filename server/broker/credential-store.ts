import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { randomPassword } from '../../devices/firmware-config/credentials';
import { mosquittoPasswordHash } from '../../devices/firmware-config/mosquitto-passwd';

/**
 * The MQTT accounts of an office, in `<data dir>/mqtt-credentials.json` (mode 0600): one per board,
 * keyed by the board name `firmware-config` derives (boards.ts), and the server's own
 * (`safekeep-server`). Board passwords are kept only as hashes: a scrypt hash the embedded broker
 * checks, and the PBKDF2-SHA512 `$7$` hash Mosquitto 2.0 reads, both made when the password is
 * issued, because that is the only time its plaintext is known. The plaintext goes once into the
 * firmware-config output (credentials.csv and the board's config) and nowhere else. The server's
 * password is kept in plaintext too: the server has to log in with it.
 *
 * One source of truth: `firmware-config generate`, the demo and `simulate` issue passwords here;
 * the embedded broker reads this file again when it changes, so a password issued while the
 * server runs works at once; `broker mosquitto-config` writes Mosquitto's files from it.
 */

export const CREDENTIAL_STORE_FILE = 'mqtt-credentials.json';
export const SERVER_USERNAME = 'safekeep-server';

/** Who issued a board's password: a simulator's may be replaced, a flashed board's may not. */
export type IssuedBy = 'firmware-config' | 'simulator' | 'test';

export interface PasswordHashes {
  /** `scrypt$<log2 N>$<r>$<p>$<salt>$<key>`, base64: what the embedded broker verifies. */
  scrypt: string;
  /** `$7$<iterations>$<salt>$<hash>`: a line of Mosquitto's password_file. */
  mosquitto: string;
}

export interface BoardAccountRecord extends PasswordHashes {
  username: string;
  issuedAt: string;
  issuedBy: IssuedBy;
}

export interface ServerAccountRecord extends PasswordHashes {
  username: string;
  password: string;
}

interface StoreFile {
  version: 1;
  server: ServerAccountRecord;
  boards: Record<string, BoardAccountRecord>;
}

export class CredentialStoreError extends Error {}

// scrypt cost: N = 2^14, r = 8 (16 MiB, some tens of ms), as RFC 7914 suggests for interactive logins.
const LOG_N = 14;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SCRYPT_FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

export function hashPassword(password: string): PasswordHashes {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, KEY_BYTES, { N: 2 ** LOG_N, r: R, p: P });
  return { scrypt: `scrypt$${LOG_N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`, mosquitto: mosquittoPasswordHash(password) };
}

/** Constant-time check of a password against a stored scrypt hash; false for anything malformed. */
export function verifyPassword(password: string | Buffer, encoded: string): Promise<boolean> {
  const m = SCRYPT_FORMAT.exec(encoded);
  if (!m) return Promise.resolve(false);
  const expected = Buffer.from(m[5]!, 'base64');
  const N = 2 ** Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  return new Promise((resolve) => {
    scrypt(password, Buffer.from(m[4]!, 'base64'), expected.length, { N, r, p, maxmem: 256 * N * r }, (err, key) => {
      resolve(!err && key.length === expected.length && timingSafeEqual(key, expected));
    });
  });
}

export function verifyPasswordSync(password: string, encoded: string): boolean {
  const m = SCRYPT_FORMAT.exec(encoded);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const N = 2 ** Number(m[1]);
  const key = scryptSync(password, Buffer.from(m[4]!, 'base64'), expected.length, { N, r: Number(m[2]), p: Number(m[3]), maxmem: 256 * N * Number(m[2]) });
  return timingSafeEqual(key, expected);
}

let decoy: string | undefined;
/** A well-formed hash of no password anyone has: unknown users are checked against it, so they cost as long as known ones. */
export function decoyHash(): string {
  decoy ??= hashPassword(randomBytes(18).toString('base64')).scrypt;
  return decoy;
}

export class MqttCredentialStore {
  private data: StoreFile;
  private stamp = '';

  private constructor(
    readonly file: string,
    private readonly now: () => Date,
  ) {
    this.data = this.read() ?? this.fresh();
  }

  /** Opens the data directory's store, creating it (and the server account) on first use. */
  static open(dataDir: string, options: { now?: () => Date } = {}): MqttCredentialStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const store = new MqttCredentialStore(path.join(dataDir, CREDENTIAL_STORE_FILE), options.now ?? (() => new Date()));
    if (store.stamp === '') store.create();
    return store;
  }

  /** Picks up changes other processes made (a `firmware-config generate` while the server runs). */
  refresh(): void {
    if (this.stampOnDisk() === this.stamp) return;
    const data = this.read();
    if (data) this.data = data;
  }

  server(): { username: string; password: string } {
    return { username: this.data.server.username, password: this.data.server.password };
  }

  serverHashes(): PasswordHashes {
    return { scrypt: this.data.server.scrypt, mosquitto: this.data.server.mosquitto };
  }

  board(name: string): BoardAccountRecord | undefined {
    return Object.hasOwn(this.data.boards, name) ? this.data.boards[name] : undefined;
  }

  boardNames(): string[] {
    return Object.keys(this.data.boards);
  }

  /** Draws a new password for the board, stores its hashes and returns it: the only time it is seen. */
  issue(board: { name: string; username: string }, by: IssuedBy): string {
    const password = randomPassword();
    this.setPassword(board, password, by);
    return password;
  }

  /** Stores the hashes of a password issued elsewhere (credentials.csv from before the store existed). */
  setPassword(board: { name: string; username: string }, password: string, by: IssuedBy): void {
    const record: BoardAccountRecord = { username: board.username, ...hashPassword(password), issuedAt: this.now().toISOString(), issuedBy: by };
    this.update((data) => {
      data.boards[board.name] = record;
    });
  }

  /** Keeps the hash, follows a username change in the office file. */
  rename(board: { name: string; username: string }): void {
    this.update((data) => {
      const record = data.boards[board.name];
      if (record) record.username = board.username;
    });
  }

  forget(name: string): boolean {
    let found = false;
    this.update((data) => {
      found = Object.hasOwn(data.boards, name);
      delete data.boards[name];
    });
    return found;
  }

  /** Read, change, write: another process's change made since we last read is kept. */
  private update(change: (data: StoreFile) => void): void {
    this.refresh();
    change(this.data);
    this.write();
  }

  private fresh(): StoreFile {
    const password = randomPassword();
    return { version: 1, server: { username: SERVER_USERNAME, password, ...hashPassword(password) }, boards: {} };
  }

  private stampOnDisk(): string {
    const s = statSync(this.file, { throwIfNoEntry: false });
    return s ? `${s.ino}:${s.size}:${s.mtimeMs}` : '';
  }

  private read(): StoreFile | null {
    const stamp = this.stampOnDisk();
    if (stamp === '') return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw new CredentialStoreError(`${this.file} is not valid JSON (${(err as Error).message}); restore it from a backup rather than delete it: every board would be locked out`);
    }
    const data = checkStore(parsed, this.file);
    // A copy restored with a looser mode would show password hashes (and the server's password) to other users.
    if ((statSync(this.file).mode & 0o077) !== 0) chmodSync(this.file, 0o600);
    this.stamp = stamp;
    return data;
  }

  /** First use: exclusive, so two processes starting on a new data directory agree on one server password. */
  private create(): void {
    try {
      writeFileSync(this.file, JSON.stringify(this.data, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      this.stamp = this.stampOnDisk();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      this.data = this.read() ?? this.data;
    }
  }

  private write(): void {
    const temp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temp, JSON.stringify(this.data, null, 2) + '\n', { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.file);
    this.stamp = this.stampOnDisk();
  }
}

function checkStore(value: unknown, file: string): StoreFile {
  const fail = (why: string): never => {
    throw new CredentialStoreError(`${file}: ${why}; restore it from a backup rather than delete it: every board would be locked out`);
  };
  const isHashes = (v: Record<string, unknown>) => typeof v.scrypt === 'string' && SCRYPT_FORMAT.test(v.scrypt) && typeof v.mosquitto === 'string' && v.mosquitto.startsWith('$7$');
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return fail(`unknown version ${String(v.version)}`);
  const server = v.server as Record<string, unknown> | undefined;
  if (!server || typeof server.username !== 'string' || typeof server.password !== 'string' || !isHashes(server)) return fail('the server account is incomplete');
  if (typeof v.boards !== 'object' || v.boards === null) return fail('"boards" is missing');
  for (const [name, record] of Object.entries(v.boards as Record<string, Record<string, unknown>>)) {
    if (typeof record !== 'object' || record === null || typeof record.username !== 'string' || !isHashes(record)) return fail(`board "${name}" is incomplete`);
  }
  return value as StoreFile;
}
