import type { z } from 'zod';
import { describeIssues } from '../domain/schemas';
import { HttpError } from './route';

/**
 * A refusal names at most this many fields, each name cut to a readable length: enough to fix the
 * input, and never an answer that grows with it (100,000 wrong array items or as many unknown keys
 * would otherwise be echoed one by one: megabytes for a few hundred gzipped bytes).
 */
const MAX_FIELDS = 20;
const MAX_FIELD_NAME = 100;
const cut = (s: string) => (s.length > MAX_FIELD_NAME ? `${s.slice(0, MAX_FIELD_NAME)}…` : s);

/** Parses one part of a request; a failure is a 400 that names the bad fields (the first 20), prefixed by where they were. */
export function validatePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'params' | 'query' | 'body'): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error);
  const fields = issues.slice(0, MAX_FIELDS).map((f) => ({ field: cut(f.field ? `${where}.${f.field}` : where), message: f.message }));
  const more = issues.length > MAX_FIELDS ? `; and ${issues.length - MAX_FIELDS} more` : '';
  throw new HttpError(400, `invalid ${where}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}${more}`, fields);
}
