import { pino } from 'pino';

/**
 * The logger every module receives. It is pino's interface, narrowed so that tests can pass a
 * silent or capturing logger. Never log personal data (names, emails, badge holders): log ids.
 */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Logs go to stderr, so a command's own output on stdout stays clean for scripts and pipes. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

export const silentLogger: Logger = createLogger('silent');
