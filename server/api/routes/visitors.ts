import { z } from 'zod';
import type { Services } from '../../services';
import { rollCallCsv } from '../../visitors/roll-call';
import { defineRoute, HttpError, type RouteDef } from '../route';
import { answer, DESK, HOSTS, MANAGERS, visitorModule as module } from './visitor-gate';
import { visitorKioskRoutes } from './visitor-kiosk';
import { visitorRegistryRoutes } from './visitor-registry';
import { byVisit, byVisitor, id, instant, newVisitorSchema, optionalText, text, toNewVisitor } from './visitor-schemas';

/** Who was shown one visitor's personal data: logged (pseudonyms only) before it is answered. */
async function logDisclosure(s: Services, actor: string, subject: string, what: 'personal_data' | 'nda_proof'): Promise<void> {
  await s.writer.submit({ run: (ctx) => ctx.append({ type: 'visitor.viewed', actor, subject, reason: what }) });
}

const preregistrationBody = z
  .strictObject({
    visitor: newVisitorSchema.optional(),
    visitor_id: id.optional(),
    host_person_id: id,
    expected_at: instant,
    company: optionalText(200),
    purpose: optionalText(500),
    escort_required: z.boolean().default(false),
  })
  .refine((b) => (b.visitor === undefined) !== (b.visitor_id === undefined), { message: 'give either visitor or visitor_id', path: ['visitor'] });

const signInBody = z
  .strictObject({
    token: z.string().trim().max(64).optional(),
    visitor_id: id.optional(),
    visitor: newVisitorSchema.optional(),
    host_person_id: id.optional(),
    company: optionalText(200),
    purpose: optionalText(500),
    escort_required: z.boolean().optional(),
    nda: z
      .strictObject({
        version: z.number().int().min(1),
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 (hex) of the text shown'),
        typed_name: text(200),
      })
      .optional(),
    badge: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('label') }), z.strictObject({ kind: z.literal('card'), card_id: id.optional() })]).default({ kind: 'label' }),
  })
  .refine((b) => [b.token, b.visitor_id, b.visitor].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of token, visitor_id or visitor',
    path: ['token'],
  })
  .refine((b) => b.token !== undefined || b.visitor_id !== undefined || b.host_person_id !== undefined, {
    message: 'a walk-in needs a host',
    path: ['host_person_id'],
  });

export const labelSchema = z.object({
  token: z.string(),
  first_name: z.string(),
  host_name: z.string(),
  date: z.string(),
  escort_required: z.boolean(),
  company: z.string().nullable(),
});

export const visitorRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/preregistrations',
    summary: 'Pre-register a visit; answers the one-time QR token (shown once, stored hashed) to send to the visitor',
    tags: ['visitors'],
    access: { roles: HOSTS },
    body: preregistrationBody,
    status: 201,
    response: z.object({ visit_id: z.string(), visitor_id: z.string(), pseudonym: z.string(), token: z.string(), token_expires_at: z.string() }),
    async handler(s, { body, res, actor }) {
      return answer(res, async () => {
        const r = await module(s).service.preregister(
          {
            visitor: body.visitor_id ? { id: body.visitor_id } : toNewVisitor(body.visitor!),
            hostPersonId: body.host_person_id,
            expectedAt: body.expected_at,
            company: body.company || null,
            purpose: body.purpose || null,
            escortRequired: body.escort_required,
          },
          actor,
        );
        return { visit_id: r.visitId, visitor_id: r.visitorId, pseudonym: r.pseudonym, token: r.token, token_expires_at: r.tokenExpiresAt.toISOString() };
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/nda',
    summary: 'The confidentiality agreement visitors accept now (404 when none is set)',
    tags: ['visitors'],
    access: { roles: DESK },
    response: z.object({ version: z.number().int(), sha256: z.string(), text: z.string(), effective_at: z.string() }),
    async handler(s) {
      const nda = await module(s).service.currentNda();
      if (!nda) throw new HttpError(404, 'no confidentiality agreement is set');
      return { version: nda.version, sha256: nda.sha256, text: nda.text, effective_at: new Date(nda.effective_at).toISOString() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/nda',
    summary: 'Publish a new version of the visitor confidentiality agreement: everyone accepts it again on their next visit',
    tags: ['visitors'],
    access: { roles: MANAGERS },
    body: z.strictObject({ text: z.string().trim().min(20, 'must be the whole text').max(100_000), effective_at: instant.optional() }),
    status: 201,
    response: z.object({ version: z.number().int(), sha256: z.string(), effective_at: z.string() }),
    async handler(s, { body, actor }) {
      const r = await module(s).service.publishNda(body.text, body.effective_at ?? null, actor);
      return { version: r.version, sha256: r.sha256, effective_at: r.effectiveAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/sign-in',
    summary: 'Sign a visitor in at the kiosk (token, known visitor or walk-in), with the current NDA; answers the badge label or loaner card',
    tags: ['visitors'],
    access: { roles: DESK },
    body: signInBody,
    status: 201,
    response: z.object({
      visit_id: z.string(),
      pseudonym: z.string(),
      escort_required: z.boolean(),
      nda_version: z.number().int().nullable(),
      badge: z.union([z.object({ kind: z.literal('label'), label: labelSchema }), z.object({ kind: z.literal('card'), card_id: z.string() })]),
    }),
    async handler(s, { body, res, actor }) {
      return answer(res, async () => {
        const r = await module(s).service.signIn(
          {
            ...(body.token !== undefined ? { token: body.token } : {}),
            ...(body.visitor_id !== undefined ? { visitorId: body.visitor_id } : {}),
            ...(body.visitor !== undefined ? { visitor: toNewVisitor(body.visitor) } : {}),
            ...(body.host_person_id !== undefined ? { hostPersonId: body.host_person_id } : {}),
            ...(body.company ? { company: body.company } : {}),
            ...(body.purpose ? { purpose: body.purpose } : {}),
            ...(body.escort_required !== undefined ? { escortRequired: body.escort_required } : {}),
            ...(body.nda ? { nda: { version: body.nda.version, sha256: body.nda.sha256, typedName: body.nda.typed_name } } : {}),
            badge: body.badge.kind === 'card' ? { kind: 'card', ...(body.badge.card_id ? { cardId: body.badge.card_id } : {}) } : { kind: 'label' },
          },
          actor,
        );
        return {
          visit_id: r.visitId,
          pseudonym: r.pseudonym,
          escort_required: r.escortRequired,
          nda_version: r.ndaVersion,
          badge: r.badge.kind === 'card' ? { kind: 'card' as const, card_id: r.badge.cardId } : { kind: 'label' as const, label: r.badge.label },
        };
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/visits/:id/sign-out',
    summary: 'Sign a visitor out at the desk (the badge reader and scanner at reception do it by themselves)',
    tags: ['visitors'],
    access: { roles: DESK },
    params: byVisit,
    body: z.strictObject({ card_returned: z.boolean().default(true) }).default({ card_returned: true }),
    response: z.object({ visit_id: z.string(), signed_out_at: z.string() }),
    async handler(s, { params, body, res, actor }) {
      return answer(res, async () => {
        const r = await module(s).service.signOut(params.id, actor, { cardReturned: body.card_returned });
        return { visit_id: r.visitId, signed_out_at: r.signedOutAt.toISOString() };
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/visits',
    summary: 'Visits, newest first, with names of visitors not yet purged',
    tags: ['visitors'],
    access: { roles: MANAGERS },
    query: z.strictObject({
      status: z.enum(['expected', 'on_site', 'signed_out', 'cancelled']).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    async handler(s, { query }) {
      return { visits: await module(s).service.listVisits({ ...(query.status ? { status: query.status } : {}), limit: query.limit }) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/visitors/visits/:id/hold',
    summary: "Place or release a legal hold on a visit: the visitor's data is not purged while any of their visits is held",
    tags: ['visitors'],
    access: { roles: MANAGERS, reauth: true },
    params: byVisit,
    body: z.strictObject({ hold: z.boolean() }),
    response: z.object({ visit_id: z.string(), hold: z.boolean() }),
    async handler(s, { params, body, res, actor }) {
      return answer(res, async () => {
        const r = await module(s).service.setHold(params.id, body.hold, actor);
        return { visit_id: r.visitId, hold: r.hold };
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/visits/:id/screening',
    summary: "The visit's watch-list and conflict matches, worked out again now",
    tags: ['visitors'],
    access: { roles: MANAGERS },
    params: byVisit,
    async handler(s, { params, res }) {
      return answer(res, () => module(s).service.screeningOf(params.id));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/purge',
    summary: 'Erase the personal data of visitors past the retention period now (it also runs daily after hours)',
    tags: ['visitors'],
    access: { roles: MANAGERS, reauth: true },
    response: z.object({ purged: z.number().int(), held: z.number().int(), compacted: z.boolean() }),
    async handler(s, { actor }) {
      const r = await module(s).scheduler.purgeNow(actor);
      return { purged: r.purged.length, held: r.held, compacted: r.compacted };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/roll-call',
    summary: 'Evacuation roll call: visitors signed in and staff whose badge was read today (JSON, or CSV with format=csv)',
    tags: ['visitors'],
    access: { roles: HOSTS },
    query: z.strictObject({ format: z.enum(['json', 'csv']).default('json') }),
    async handler(s, { query, res, actor }) {
      const rc = await module(s).rollCall();
      // Who looked is logged, but in an emergency the list comes first: a halted writer must not withhold it.
      await s.writer
        .submit({ run: async (ctx) => ctx.append({ type: 'report.viewed', actor: actor, report: 'roll-call', format: query.format }) })
        .catch((err: unknown) => s.logger.warn({ err: String(err) }, 'roll call shown without its log entry'));
      if (query.format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(`roll-call-${rc.generated_at.slice(0, 16).replace(':', '')}.csv`).send(rollCallCsv(rc));
        return undefined;
      }
      return rc;
    },
  }),
  // Fixed paths of the other files, still ahead of the catch-all below.
  ...visitorRegistryRoutes,
  ...visitorKioskRoutes,
  // Last: '/api/v1/visitors/:id' would otherwise catch the fixed paths above.
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/:id/nda-proof',
    summary: "A visitor's NDA acceptances with each commitment opened and checked (empty openings once purged)",
    tags: ['visitors'],
    access: { roles: MANAGERS },
    params: byVisitor,
    async handler(s, { params, res, actor }) {
      return answer(res, async () => {
        const proof = await module(s).service.ndaProof(params.id);
        await logDisclosure(s, actor, proof.pseudonym, 'nda_proof');
        return proof;
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/:id',
    summary: "One visitor's personal data, decrypted (null once purged)",
    tags: ['visitors'],
    access: { roles: MANAGERS },
    params: byVisitor,
    async handler(s, { params, res, actor }) {
      return answer(res, async () => {
        const data = await module(s).service.personalDataOf(params.id);
        await logDisclosure(s, actor, data.pseudonym, 'personal_data');
        return data;
      });
    },
  }),
];
