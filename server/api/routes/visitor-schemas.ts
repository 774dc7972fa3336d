import { z } from 'zod';

/** Input shapes the visitor routes share: every field names its limit in the 400 it causes. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const optionalText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).optional();
export const id = z.string().trim().min(1).max(64);
export const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const personSchema = z.strictObject({
  name: text(200),
  email: z.email('must be an email address').max(200).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ().-]{3,40}$/, 'must be a phone number')
    .optional(),
  id_notes: optionalText(500),
});

export const newVisitorSchema = z.strictObject({ person: personSchema, company: optionalText(200) });

export const toNewVisitor = (v: z.infer<typeof newVisitorSchema>) => ({
  person: { name: v.person.name, ...(v.person.email ? { email: v.person.email } : {}), ...(v.person.phone ? { phone: v.person.phone } : {}), ...(v.person.id_notes ? { id_notes: v.person.id_notes } : {}) },
  company: v.company || null,
});


export const byVisit = z.strictObject({ id });
export const byVisitor = z.strictObject({ id });

export const agreementBody = z.strictObject({ agreement_ref: text(100), agreement_expires_at: instant, access_until: instant.optional() });
