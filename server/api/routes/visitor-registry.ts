import { z } from 'zod';
import { CREDENTIAL_FORMATS } from '../../config/office-schema';
import { defineRoute, type RouteDef } from '../route';
import { answer, DESK, MANAGERS, visitorModule as module } from './visitor-gate';
import { agreementBody, byVisitor, id, instant, optionalText, personSchema, text, toNewVisitor } from './visitor-schemas';

/** Vendors and their agreements, the loaner card pool and the watch list: kept by managers. */
export const visitorRegistryRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/vendors',
    summary: 'Register a vendor or contractor with their agreement on file; an expired agreement refuses sign-in',
    tags: ['visitors'],
    access: { roles: MANAGERS },
    body: z.strictObject({
      person: personSchema,
      company: text(200),
      agreement_ref: text(100),
      agreement_expires_at: instant,
      access_until: instant.optional(),
      host_person_id: id.optional(),
    }),
    status: 201,
    response: z.object({ visitor_id: z.string(), pseudonym: z.string() }),
    async handler(s, { body, res, actor }) {
      return answer(res, async () => {
        const r = await module(s).service.registerVendor(
          {
            person: toNewVisitor({ person: body.person }).person,
            company: body.company,
            agreementRef: body.agreement_ref,
            agreementExpiresAt: body.agreement_expires_at,
            accessUntil: body.access_until ?? null,
            hostPersonId: body.host_person_id ?? null,
          },
          actor,
        );
        return { visitor_id: r.visitorId, pseudonym: r.pseudonym };
      });
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/visitors/vendors/:id/agreement',
    summary: "Renew or change a vendor's agreement",
    tags: ['visitors'],
    access: { roles: MANAGERS },
    params: byVisitor,
    body: agreementBody,
    async handler(s, { params, body, res, actor }) {
      return answer(res, async () => {
        await module(s).service.updateAgreement(params.id, { ref: body.agreement_ref, expiresAt: body.agreement_expires_at, accessUntil: body.access_until ?? null }, actor);
        return { visitor_id: params.id };
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/loaner-cards',
    summary: 'The loaner card pool',
    tags: ['visitors'],
    access: { roles: DESK },
    async handler(s) {
      return { cards: await module(s).service.listLoanerCards() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/loaner-cards',
    summary: 'Add a card to the loaner pool (it can never open a cabinet)',
    tags: ['visitors'],
    access: { roles: MANAGERS },
    body: z.strictObject({
      id: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be the number printed on the card, e.g. L-07'),
      badge: text(64),
      format: z.enum(CREDENTIAL_FORMATS).default('hex'),
    }),
    status: 201,
    async handler(s, { body, res, actor }) {
      return answer(res, () => module(s).service.addLoanerCard(body.id, body.badge, body.format, actor));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/loaner-cards/:id/return',
    summary: 'A loaner card handed back at the desk after its visitor was signed out',
    tags: ['visitors'],
    access: { roles: DESK },
    params: z.strictObject({ id }),
    async handler(s, { params, res, actor }) {
      return answer(res, async () => {
        await module(s).service.returnLoanerCard(params.id, actor);
        return { id: params.id, available: true };
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/visitors/watch-list',
    summary: 'The watch list, decrypted',
    tags: ['visitors'],
    access: { roles: MANAGERS },
    async handler(s) {
      return { entries: await module(s).service.listWatchEntries() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/visitors/watch-list',
    summary: 'Add a name or company to flag at sign-in (stored encrypted; matching ignores case and accents)',
    tags: ['visitors'],
    access: { roles: MANAGERS },
    body: z.strictObject({ kind: z.enum(['name', 'company']), value: text(200), note: optionalText(500) }),
    status: 201,
    async handler(s, { body, actor }) {
      return module(s).service.addWatchEntry({ kind: body.kind, value: body.value, note: body.note || null }, actor);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/visitors/watch-list/:id',
    summary: 'Remove a watch-list entry',
    tags: ['visitors'],
    access: { roles: MANAGERS },
    params: z.strictObject({ id }),
    async handler(s, { params, res, actor }) {
      return answer(res, async () => {
        await module(s).service.removeWatchEntry(params.id, actor);
        return { id: params.id, removed: true };
      });
    },
  }),
];
