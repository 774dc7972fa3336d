import { ApiError, NetworkError } from '../api/client';

/** What went wrong with a form: messages for the fields it has, and one sentence for the rest. */
export interface FormProblem {
  fields: Record<string, string>;
  message: string | null;
}

export const NO_PROBLEM: FormProblem = { fields: {}, message: null };

/**
 * Turns a refusal into messages next to the fields. The server names fields as where they were
 * sent ("body.reason", "params.id"); a field the form does not show (a caller id it fills in
 * itself) goes into the sentence, so no refusal is silently lost.
 */
export function formProblem(err: unknown, known: readonly string[]): FormProblem {
  if (err instanceof NetworkError) return { fields: {}, message: 'The server cannot be reached. Nothing was changed; try again in a moment.' };
  if (!(err instanceof ApiError)) return { fields: {}, message: err instanceof Error ? err.message : String(err) };
  if (err.status === 403 && err.fields.length === 0) return { fields: {}, message: 'Your account may not do this.' };
  const fields: Record<string, string> = {};
  const elsewhere: string[] = [];
  for (const f of err.fields) {
    const path = f.field.replace(/^(body|query|params)\./, '');
    // "barcodes.3" belongs to the barcodes field: the message says which one.
    const name = known.includes(path) ? path : path.split('.')[0]!;
    if (known.includes(name)) fields[name] ??= name === path ? f.message : `${path.slice(name.length + 1)}: ${f.message}`;
    else elsewhere.push(`${path}: ${f.message}`);
  }
  if (Object.keys(fields).length === 0) return { fields, message: capitalise(err.message) };
  return { fields, message: elsewhere.length > 0 ? `Check the fields marked below; also ${elsewhere.join('; ')}.` : 'Check the fields marked below.' };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
