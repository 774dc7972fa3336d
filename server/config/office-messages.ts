import type { z } from 'zod';

/**
 * Zod's default wording is written for programmers ("Invalid input: expected string, received
 * number"). The office file is edited by an office manager, so say what to write instead, and
 * echo what was written: the value is the quickest way to spot the typo.
 */
export function officeIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return invalidType(issue.expected, issue.input);
    case 'invalid_value':
      return `must be ${oneOf(issue.values)}, got ${show(issue.input)}`;
    case 'invalid_union': {
      // Only a discriminated union's "no branch has this `type`" is worth rewording.
      const { discriminator, options } = issue as { discriminator?: unknown; options?: unknown };
      if (typeof discriminator !== 'string' || !Array.isArray(options)) return undefined;
      const value = (issue.input as Record<string, unknown> | undefined)?.[discriminator];
      return value === undefined ? `is required: ${oneOf(options)}` : `must be ${oneOf(options)}, got ${show(value)}`;
    }
    case 'too_small':
      return issue.origin === 'number' ? `must be at least ${String(issue.minimum)}, got ${show(issue.input)}` : undefined;
    case 'too_big':
      return issue.origin === 'number' ? `must be at most ${String(issue.maximum)}, got ${show(issue.input)}` : undefined;
    default:
      return undefined;
  }
}

function invalidType(expected: string, input: unknown): string {
  if (input === undefined) return 'is required';
  // YAML reads `id: 007` as the number 7 and `open: 9:00` as text: a value that needed quotes
  // is the commonest type error in a hand-written file.
  if (expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')) {
    return `must be text, got ${String(input)}; put it in quotes, e.g. "${String(input)}"`;
  }
  if (expected === 'number' && typeof input === 'string' && input.trim() !== '' && Number.isFinite(Number(input))) {
    return `must be a number, got the text ${show(input)}; remove the quotes`;
  }
  const wanted: Record<string, string> = {
    object: 'a mapping (key: value lines)',
    array: 'a list (lines starting with "- ")',
    number: 'a number',
    string: 'text',
  };
  return `must be ${wanted[expected] ?? expected}, got ${describe(input)}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => String(v));
  return shown.length === 1 ? String(shown[0]) : `one of ${shown.join(', ')}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describe(value);
}

function describe(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return String(value);
}
