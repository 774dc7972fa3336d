import { z } from 'zod';
import { CONFIDENTIALITY, ROLES } from '../db/models';

/**
 * Input schemas shared by the REST API (validation and the OpenAPI document) and the CSV import,
 * so a field means the same thing wherever it enters.
 */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const barcodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Z0-9][A-Z0-9-]{2,63}$/, 'must be 3-64 capital letters, digits and hyphens, e.g. SK-000123');

export const recordInputSchema = z.strictObject({
  barcode: barcodeSchema,
  client: text(200),
  matter: text(200),
  volume: z.coerce.number().int('must be a whole number').min(1).max(999).default(1),
  title: text(300),
  confidentiality: z.enum(CONFIDENTIALITY).default('confidential'),
  home_cabinet: text(64).optional(),
  retention_class: text(60).optional(),
});
export type RecordInput = z.output<typeof recordInputSchema>;

export const personInputSchema = z.strictObject({
  name: text(200),
  email: z.email('must be an email address').max(200).optional(),
  role: z.enum(ROLES),
});
export type PersonInput = z.output<typeof personInputSchema>;

export const badgeInputSchema = z.strictObject({
  person_email: z.email('must be the email of a person already imported'),
  badge: text(64),
  format: z.enum(['hex', 'dec10', 'dec8', 'w26', 'w34', 'em4100', 'uid-unpadded']).default('hex'),
});
export type BadgeInput = z.output<typeof badgeInputSchema>;

/** Flattens zod issues into "field: message" pairs that name the field as the user wrote it. */
export function describeIssues(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    // An unexpected field is named itself, so a typo points at the word that was mistyped.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'is not a known field' }));
    }
    return [
      {
        field: issue.path.join('.'),
        message: issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'is required' : issue.message,
      },
    ];
  });
}
