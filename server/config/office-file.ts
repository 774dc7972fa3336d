import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { ConfigIssue } from './config-error';
import { ConfigError } from './config-error';
import { officeIssueMessage } from './office-messages';
import { checkReferences } from './office-refs';
import type { OfficeConfig } from './office-schema';
import { officeFileSchema } from './office-schema';
import type { Path, Position, YamlSource } from './yaml-source';
import { formatPath, readYaml } from './yaml-source';

export * from './office-schema';

/**
 * Reads the office file at start-up. Any problem, from an unreadable file to a cabinet in a
 * room that does not exist, throws one ConfigError listing every problem with file:line:column.
 */
export function loadOfficeFile(path: string): OfficeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ field: '', file: path, message: `cannot read the office file: ${describeReadError(error)}` }]);
  }
  return parseOfficeFile(text, path);
}

/** `fileName` is only used in messages; nothing is read from disk. */
export function parseOfficeFile(text: string, fileName: string): OfficeConfig {
  const source = readYaml(text, fileName);
  if (!source.result.ok) throw new ConfigError(source.result.issues);

  if (source.result.data === null || source.result.data === undefined) {
    throw new ConfigError([{ field: '', file: fileName, message: 'the office file is empty; start from server/demo/office.yaml' }]);
  }
  const parsed = officeFileSchema.safeParse(source.result.data, { error: officeIssueMessage });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap((issue) => schemaIssues(issue, source, fileName)));
  }

  const lineOf = (path: Path) => source.positionOf(path)?.line;
  const refIssues = checkReferences(parsed.data, lineOf);
  if (refIssues.length > 0) {
    throw new ConfigError(refIssues.map((issue) => located(issue.path, issue.message, source.positionOf(issue.path), fileName)));
  }
  return parsed.data;
}

function schemaIssues(issue: z.core.$ZodIssue, source: YamlSource, fileName: string): ConfigIssue[] {
  const path = issue.path as Path;
  if (issue.code === 'unrecognized_keys') {
    // One line per key, at the key itself: that is the line to fix or delete.
    return issue.keys.map((key) =>
      located([...path, key], `unknown key "${key}"${path.length === 0 ? ' at the top level' : ''}`, source.keyPositionOf(path, key), fileName),
    );
  }
  return [located(path, issue.message, source.positionOf(path), fileName)];
}

function located(path: Path, message: string, position: Position | undefined, file: string): ConfigIssue {
  return { field: path.length === 0 ? '(top level)' : formatPath(path), message, file, ...position };
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file (set SAFEKEEP_OFFICE_FILE, or start from server/demo/office.yaml)';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}
