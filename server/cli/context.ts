import { ConfigError } from '../config/config-error';
import { loadEnvConfig, type EnvConfig } from '../config/env';
import { loadOfficeFile, type OfficeConfig } from '../config/office-file';
import { createLogger, type Logger } from '../shared/logger';

/** A problem the person at the terminal can fix; printed without a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export interface CliContext {
  env: EnvConfig;
  office: OfficeConfig;
  logger: Logger;
}

/** Validates the environment and the office file before anything touches data. */
export function loadContext(overrides: { officeFile?: string } = {}): CliContext {
  const env = loadEnvConfig(process.env, process.cwd());
  const officeFile = overrides.officeFile ?? env.officeFile;
  const office = loadOfficeFile(officeFile);
  // Logs go to stderr so that a command's own output on stdout stays machine-readable.
  const logger = createLogger(env.logLevel);
  return { env: { ...env, officeFile }, office, logger };
}

export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof ConfigError) return { message: `Configuration error:\n${err.format()}`, exitCode: 2 };
  if (err instanceof UsageError) return { message: err.message, exitCode: err.exitCode };
  return { message: `safekeep: ${err instanceof Error ? err.message : String(err)}`, exitCode: 1 };
}
