import type { z } from 'zod';
import { describeIssues } from '../domain/schemas';
import { HttpError } from './route';

/** Parses one part of a request; a failure is a 400 that names every bad field, prefixed by where it was. */
export function validatePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'params' | 'query' | 'body'): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  const fields = describeIssues(parsed.error).map((f) => ({ field: f.field ? `${where}.${f.field}` : where, message: f.message }));
  throw new HttpError(400, `invalid ${where}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, fields);
}
