import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ConfigIssue } from './config-error';
import { ConfigError } from './config-error';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseConfig =
  /** `storage` is an absolute path, or `:memory:` for throwaway test databases. */
  | { dialect: 'sqlite'; storage: string; url: string }
  | { dialect: 'postgres'; url: string };

export type MqttConfig =
  /**
   * Safekeep runs its own broker; `port` 0 lets the OS pick one (tests). `host` (MQTT_HOST) is its
   * listen address, 127.0.0.1 when absent; every client logs in, so boards may reach it over the LAN.
   */
  | { mode: 'embedded'; port: number; host?: string }
  | { mode: 'external'; url: string };

export interface EnvConfig {
  port: number;
  host: string;
  /** Absolute. */
  dataDir: string;
  database: DatabaseConfig;
  mqtt: MqttConfig;
  /** Absolute. */
  officeFile: string;
  logLevel: LogLevel;
  /** A certificate of the office's own, when HTTPS is wanted with it (else `serve --tls` makes one). */
  tls?: { certFile: string; keyFile: string };
}

export const ENV_DEFAULTS = {
  PORT: 8080,
  HOST: '127.0.0.1',
  SAFEKEEP_DATA_DIR: './data',
  // 1883 is Mosquitto's on our machines; the embedded broker must never fight it for the port.
  MQTT_PORT: 18830,
  LOG_LEVEL: 'info',
} as const;

const VARIABLES = [
  'PORT',
  'HOST',
  'SAFEKEEP_DATA_DIR',
  'DATABASE_URL',
  'MQTT_URL',
  'MQTT_PORT',
  'MQTT_HOST',
  'SAFEKEEP_OFFICE_FILE',
  'LOG_LEVEL',
  'SAFEKEEP_TLS_CERT',
  'SAFEKEEP_TLS_KEY',
] as const;

/**
 * Reads and checks every variable Safekeep understands, reporting all bad ones together.
 * Nothing is created or opened here: the caller must be able to refuse to start with the data
 * directory untouched. Relative paths are resolved against `cwd`, not the process's, so tests
 * and service managers get the same answer.
 */
export function loadEnvConfig(env: NodeJS.ProcessEnv, cwd: string): EnvConfig {
  const parsed = envSchema(cwd).safeParse(pickVariables(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue): ConfigIssue => ({ field: String(issue.path[0] ?? ''), message: issue.message })),
    );
  }
  const v = parsed.data;
  if (v.MQTT_URL === undefined && v.PORT !== 0 && v.PORT === v.MQTT_PORT) {
    // Caught here rather than as an EADDRINUSE from whichever listener happens to start second.
    throw new ConfigError([{ field: 'MQTT_PORT', message: `is the same as PORT (${v.PORT}); the web server and the embedded broker need a port each` }]);
  }
  const dataDir = v.SAFEKEEP_DATA_DIR;
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir,
    database: v.DATABASE_URL ?? sqliteAt(path.join(dataDir, 'safekeep.sqlite')),
    mqtt: v.MQTT_URL === undefined ? { mode: 'embedded', port: v.MQTT_PORT, ...(v.MQTT_HOST ? { host: v.MQTT_HOST } : {}) } : { mode: 'external', url: v.MQTT_URL },
    officeFile: v.SAFEKEEP_OFFICE_FILE ?? path.join(dataDir, 'office.yaml'),
    logLevel: v.LOG_LEVEL,
    ...(v.SAFEKEEP_TLS_CERT || v.SAFEKEEP_TLS_KEY ? { tls: tlsFiles(v.SAFEKEEP_TLS_CERT, v.SAFEKEEP_TLS_KEY) } : {}),
  };
}

/** A certificate needs its key and the key its certificate: one without the other is a mistake. */
function tlsFiles(cert: string | undefined, key: string | undefined): { certFile: string; keyFile: string } {
  if (!cert) throw new ConfigError([{ field: 'SAFEKEEP_TLS_CERT', message: 'is needed with SAFEKEEP_TLS_KEY (the certificate file, PEM)' }]);
  if (!key) throw new ConfigError([{ field: 'SAFEKEEP_TLS_KEY', message: 'is needed with SAFEKEEP_TLS_CERT (the private key file, PEM)' }]);
  return { certFile: cert, keyFile: key };
}

/** `PORT=` in an env file or a compose file means "not set", not "invalid". */
function pickVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const picked: Record<string, string | undefined> = {};
  for (const name of VARIABLES) {
    const value = env[name];
    picked[name] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  return picked;
}

function envSchema(cwd: string) {
  return z.object({
    PORT: portSchema().default(ENV_DEFAULTS.PORT),
    HOST: hostSchema.default(ENV_DEFAULTS.HOST),
    // The default goes through the same checks as a given value: ./data may be a stray file.
    SAFEKEEP_DATA_DIR: z.string().default(ENV_DEFAULTS.SAFEKEEP_DATA_DIR).pipe(dataDirSchema(cwd)),
    DATABASE_URL: databaseUrlSchema(cwd).optional(),
    MQTT_URL: mqttUrlSchema.optional(),
    MQTT_PORT: portSchema().default(ENV_DEFAULTS.MQTT_PORT),
    MQTT_HOST: hostSchema.optional(),
    SAFEKEEP_OFFICE_FILE: pathSchema(cwd).optional(),
    LOG_LEVEL: logLevelSchema.default(ENV_DEFAULTS.LOG_LEVEL),
    SAFEKEEP_TLS_CERT: pathSchema(cwd).optional(),
    SAFEKEEP_TLS_KEY: pathSchema(cwd).optional(),
  });
}

function portSchema() {
  return z.string().transform((text, ctx) => {
    const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(port) && port <= 65535) return port;
    ctx.addIssue({
      code: 'custom',
      message: `must be a whole number from 0 to 65535 (0 lets the system pick a free port), got "${text}"`,
    });
    return z.NEVER;
  });
}

const hostSchema = z.string().refine((text) => z.ipv4().safeParse(text).success || z.ipv6().safeParse(text).success || z.hostname().safeParse(text).success, {
  error: (issue) => `must be an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0, got "${String(issue.input)}"`,
});

function pathSchema(cwd: string) {
  return z.string().transform((text, ctx) => {
    if (text.includes('\0')) {
      ctx.addIssue({ code: 'custom', message: 'must be a file system path; it contains a NUL character' });
      return z.NEVER;
    }
    return path.resolve(cwd, text);
  });
}

function dataDirSchema(cwd: string) {
  return pathSchema(cwd).superRefine((dir, ctx) => {
    // Only a look, never a create: a missing directory is fine (first start makes it), a file is not.
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat !== undefined && !stat.isDirectory()) {
      ctx.addIssue({ code: 'custom', message: `"${dir}" exists and is not a directory` });
    }
  });
}

/**
 * Connection strings carry passwords, so messages name the scheme at most, never the value:
 * a start-up error is likely to be pasted into a ticket.
 */
function databaseUrlSchema(cwd: string) {
  return z.string().transform((text, ctx): DatabaseConfig => {
    const scheme = schemeOf(text);
    if (scheme === 'sqlite:') {
      // Everything after `sqlite:` or `sqlite://` is a path, so `sqlite:///srv/x.sqlite` is absolute
      // and `sqlite:data/x.sqlite` is relative to the working directory, like SAFEKEEP_DATA_DIR.
      const rest = text.slice(text.startsWith('sqlite://') ? 'sqlite://'.length : 'sqlite:'.length);
      if (rest === ':memory:') return { dialect: 'sqlite', storage: ':memory:', url: 'sqlite::memory:' };
      if (rest === '' || rest.includes('\0')) {
        ctx.addIssue({ code: 'custom', message: 'sqlite needs a file path, e.g. sqlite:/srv/safekeep/safekeep.sqlite' });
        return z.NEVER;
      }
      return sqliteAt(path.resolve(cwd, rest));
    }
    if (scheme === 'postgres:' || scheme === 'postgresql:') {
      if (!URL.canParse(text) || new URL(text).hostname === '') {
        ctx.addIssue({ code: 'custom', message: 'is not a valid postgres URL; expected postgres://user:password@host:5432/database' });
        return z.NEVER;
      }
      return { dialect: 'postgres', url: text };
    }
    ctx.addIssue({
      code: 'custom',
      message: `unsupported ${scheme === undefined ? 'value' : `scheme "${scheme}"`}; use sqlite:<path> or postgres://user:password@host/database`,
    });
    return z.NEVER;
  });
}

const mqttUrlSchema = z.string().transform((text, ctx) => {
  const scheme = schemeOf(text);
  if (scheme !== 'mqtt:' && scheme !== 'mqtts:') {
    ctx.addIssue({
      code: 'custom',
      message: `unsupported ${scheme === undefined ? 'value' : `scheme "${scheme}"`}; use mqtt://host:1883 or mqtts://host:8883, or leave it empty for the embedded broker`,
    });
    return z.NEVER;
  }
  if (!URL.canParse(text) || new URL(text).hostname === '') {
    ctx.addIssue({ code: 'custom', message: `is not a valid ${scheme}// URL; expected ${scheme}//host:port` });
    return z.NEVER;
  }
  return text;
});

const logLevelSchema = z
  .string()
  .transform((text) => text.toLowerCase())
  .pipe(z.enum(LOG_LEVELS, { error: (issue) => `must be one of ${LOG_LEVELS.join(', ')}, got "${String(issue.input)}"` }));

function sqliteAt(storage: string): DatabaseConfig {
  return { dialect: 'sqlite', storage, url: `sqlite:${storage}` };
}

function schemeOf(text: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  return match?.[1] === undefined ? undefined : `${match[1].toLowerCase()}:`;
}
