import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readPrivateFile, writePrivateFile } from '../shared/secret-file';
import { ConfigError, type ConfigIssue } from '../config/config-error';
import { KEY_BYTES, MasterKey } from './crypto';

/**
 * Visitor settings, from the environment:
 *
 * - SAFEKEEP_VISITOR_RETENTION_DAYS: days a visitor's personal data is kept after their last visit
 *   ended (default 90; 0 purges at the next run). Visits under a legal hold are never purged.
 * - SAFEKEEP_VISITOR_MASTER_KEY: the master key, 32 bytes in base64. When unset, the key lives in
 *   `<data dir>/visitor-master.key` (mode 0600), created on first use. Keep a copy with the
 *   backups, apart from the database: without it, no visitor data in a backup can be read.
 * - SAFEKEEP_VISITOR_TICK_SECONDS: how often sign-outs at closing time are checked (default 60).
 */
export interface VisitorSettings {
  retentionDays: number;
  /** From the environment; otherwise the key file in the data directory. */
  masterKey: Buffer | null;
  tickMs: number;
}

export const VISITOR_ENV = {
  retentionDays: 'SAFEKEEP_VISITOR_RETENTION_DAYS',
  masterKey: 'SAFEKEEP_VISITOR_MASTER_KEY',
  tick: 'SAFEKEEP_VISITOR_TICK_SECONDS',
} as const;

export const DEFAULT_RETENTION_DAYS = 90;
export const MASTER_KEY_FILE = 'visitor-master.key';

export function loadVisitorSettings(env: NodeJS.ProcessEnv): VisitorSettings {
  const issues: ConfigIssue[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const wholeNumber = (name: string, fallback: number, min: number, max: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    issues.push({ field: name, message: `must be a whole number from ${min} to ${max}, got "${text}"` });
    return fallback;
  };
  const retentionDays = wholeNumber(VISITOR_ENV.retentionDays, DEFAULT_RETENTION_DAYS, 0, 36_500);
  const tickSeconds = wholeNumber(VISITOR_ENV.tick, 60, 1, 3600);
  let masterKey: Buffer | null = null;
  const keyText = value(VISITOR_ENV.masterKey);
  if (keyText !== undefined) {
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(keyText) ? Buffer.from(keyText, 'base64') : Buffer.alloc(0);
    // The value is a secret: the message never repeats it.
    if (decoded.length === KEY_BYTES) masterKey = decoded;
    else issues.push({ field: VISITOR_ENV.masterKey, message: 'must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`)' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { retentionDays, masterKey, tickMs: tickSeconds * 1000 };
}

/**
 * The master key: from the settings, or `<dataDir>/visitor-master.key` (base64, mode 0600),
 * created once and never overwritten, even when two processes start together.
 */
export async function loadOrCreateMasterKey(dataDir: string, settings: Pick<VisitorSettings, 'masterKey'>): Promise<MasterKey> {
  if (settings.masterKey) return new MasterKey(settings.masterKey);
  const file = path.join(dataDir, MASTER_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing) return new MasterKey(existing);
  const fresh = randomBytes(KEY_BYTES);
  try {
    // create-once: a key another process created meanwhile is kept, never replaced.
    await writePrivateFile(file, `${fresh.toString('base64')}\n`, 'create-once');
  } finally {
    fresh.fill(0);
  }
  const stored = await readKeyFile(file);
  if (!stored) throw new Error(`visitor master key: ${file} vanished right after it was created`);
  return new MasterKey(stored);
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  const text = await readPrivateFile(file, 'visitor master key');
  if (text === undefined) return undefined;
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`visitor master key: ${file} does not hold 32 bytes in base64`);
  return key;
}
