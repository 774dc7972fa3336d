import { z } from 'zod';
import { barcodeSchema } from '../domain/schemas';
import { RETENTION_TRIGGERS } from './retention';

/** Input schemas of the disposal API: validation and the OpenAPI document come from them. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/**
 * A person's id in the directory (people.id). A signed-in caller who is a person is that person:
 * the fields naming the caller (`by`, `requested_by`, `released_by`, `recorded_by`) may then be left
 * out, and must otherwise name them. Without a session (tests, tools) they name who acts.
 */
export const personIdSchema = text(64);

export const retentionClassInputSchema = z.strictObject({
  name: text(60),
  trigger: z.enum(RETENTION_TRIGGERS),
  years: z.number().int('must be a whole number').min(0).max(200),
  return_to_client: z.boolean().default(false),
  by: personIdSchema.optional(),
});
export type RetentionClassInput = z.output<typeof retentionClassInputSchema>;

export const retentionClassPatchSchema = z.strictObject({
  name: text(60).optional(),
  trigger: z.enum(RETENTION_TRIGGERS).optional(),
  years: z.number().int('must be a whole number').min(0).max(200).optional(),
  return_to_client: z.boolean().optional(),
  by: personIdSchema.optional(),
});
export type RetentionClassPatch = z.output<typeof retentionClassPatchSchema>;

export const matterInputSchema = z.strictObject({
  client: text(200),
  matter: text(200),
  /** null reopens the matter. */
  closed_at: z.iso.datetime({ offset: true }).nullable().optional(),
  /** Names of the parties, for conflict checks: personal data, never logged. */
  parties: z.array(text(200)).max(200).optional(),
  by: personIdSchema.optional(),
});
export type MatterInput = z.output<typeof matterInputSchema>;

export const dispositionInputSchema = z.strictObject({
  /** A retention class id or name; null clears it. */
  retention_class: text(60).nullable().optional(),
  /** The original goes back to the client; null takes the class's default. */
  return_to_client: z.boolean().nullable().optional(),
  by: personIdSchema.optional(),
});
export type DispositionInput = z.output<typeof dispositionInputSchema>;

export const holdInputSchema = z
  .strictObject({
    scope: z.enum(['record', 'matter', 'client']),
    barcode: barcodeSchema.optional(),
    client: text(200).optional(),
    matter: text(200).optional(),
    reason: text(1000),
    requested_by: personIdSchema.optional(),
    approved_by: personIdSchema,
  })
  .superRefine((h, ctx) => {
    if (h.scope === 'record' && !h.barcode) ctx.addIssue({ code: 'custom', path: ['barcode'], message: 'is required for a hold on one file' });
    if (h.scope !== 'record' && !h.client) ctx.addIssue({ code: 'custom', path: ['client'], message: `is required for a hold on a ${h.scope}` });
    if (h.scope === 'matter' && !h.matter) ctx.addIssue({ code: 'custom', path: ['matter'], message: 'is required for a hold on a matter' });
    if (h.scope === 'record' && (h.client || h.matter)) ctx.addIssue({ code: 'custom', path: ['scope'], message: 'a hold on one file names its barcode only' });
    if (h.scope === 'client' && h.matter) ctx.addIssue({ code: 'custom', path: ['matter'], message: 'does not apply to a hold on a whole client' });
  });
export type HoldInput = z.output<typeof holdInputSchema>;

export const holdReleaseSchema = z.strictObject({
  reason: text(1000),
  released_by: personIdSchema.optional(),
  approved_by: personIdSchema,
});
export type HoldReleaseInput = z.output<typeof holdReleaseSchema>;

export const batchStartSchema = z.strictObject({
  bin: text(64),
  /** The number printed on the bin's tamper seal, as the vendor reads it out. */
  seal_number: text(100),
  by: personIdSchema.optional(),
});
export type BatchStartInput = z.output<typeof batchStartSchema>;

export const retrieveSchema = z.strictObject({ by: personIdSchema.optional() });

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date');

/** The certificate's fields, whether sent as JSON or as multipart form fields. */
export const certificateFieldsSchema = z.strictObject({
  serial_number: text(100),
  destroyed_on: isoDate,
  place: text(300),
  method: text(100),
  /** The operator's or witness's name, as signed on the certificate: personal data, kept off the log. */
  operator_name: text(200),
  /** The barcodes the certificate lists, when it lists them; without, it covers the whole batch. */
  barcodes: z.array(barcodeSchema).max(10_000).optional(),
  recorded_by: personIdSchema.optional(),
});
export type CertificateFields = z.output<typeof certificateFieldsSchema>;

export const certificateJsonSchema = certificateFieldsSchema.extend({
  file: z.strictObject({
    name: text(200).optional(),
    media_type: text(100).optional(),
    content_base64: z
      .string()
      .min(1, 'must not be empty')
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
  }),
});
export type CertificateJson = z.output<typeof certificateJsonSchema>;
