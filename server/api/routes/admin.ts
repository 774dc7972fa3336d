import { z } from 'zod';
import { Person, ROLES } from '../../db/models';
import { AdminService } from '../../domain/admin-service';
import { personInputSchema } from '../../domain/schemas';
import { CREDENTIAL_FORMATS } from '../../config/office-schema';
import { WEEKDAYS } from '../../config/office-schema';
import { defineRoute } from '../route';
import type { Services } from '../../services';

const ADMIN = ['admin'] as const;
const MANAGERS = ['manager', 'admin'] as const;
const id = z.strictObject({ id: z.string().min(1).max(64) });
const hhmm = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'must be "HH:MM"');
export const personSchema = z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), role: z.string(), active: z.boolean() });
const personJson = (p: Person) => personSchema.parse({ id: p.id, name: p.name, email: p.email, role: p.role, active: Boolean(p.active) });

const admin = (s: Services) => new AdminService(s.writer);
/** Badge changes alter who a read belongs to: the in-memory directory follows at once. */
const refresh = (s: Services) => s.directory.refreshBadges(s.db.sequelize);

export const adminRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/people',
    summary: 'People and their roles',
    tags: ['administration'],
    access: { roles: MANAGERS },
    response: z.object({ people: z.array(personSchema) }),
    async handler() {
      return { people: (await Person.findAll({ order: [['name', 'ASC']] })).map(personJson) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/people',
    summary: 'Add a person',
    tags: ['administration'],
    access: { roles: ADMIN },
    body: personInputSchema.extend({ valid_until: z.coerce.date().optional() }),
    response: personSchema,
    status: 201,
    async handler(s, { body, actor }) {
      return personJson(await admin(s).createPerson(actor, body));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/people/:id',
    summary: "Change a person's role, disable them, or set the dates their access is valid",
    tags: ['administration'],
    access: { roles: ADMIN },
    params: id,
    body: z
      .strictObject({ role: z.enum(ROLES).optional(), active: z.boolean().optional(), valid_from: z.coerce.date().nullable().optional(), valid_until: z.coerce.date().nullable().optional() })
      .refine((b) => Object.keys(b).length > 0, 'change at least one field'),
    response: personSchema,
    async handler(s, { params, body, actor }) {
      const person = await admin(s).updatePerson(actor, params.id, body);
      await refresh(s);
      return personJson(person);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/people/:id/badges',
    summary: 'Issue a badge, written as the reader or card shows it',
    tags: ['administration'],
    access: { roles: ADMIN },
    params: id,
    body: z.strictObject({ badge: z.string().trim().min(1).max(64), format: z.enum(CREDENTIAL_FORMATS).default('hex') }),
    response: z.object({ id: z.string(), canonical: z.string() }),
    status: 201,
    async handler(s, { params, body, actor }) {
      const badge = await admin(s).issueBadge(actor, params.id, body.badge, body.format);
      await refresh(s);
      return { id: badge.id, canonical: badge.canonical };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/badges/:id/revoke',
    summary: 'Revoke a badge: it opens nothing from now on',
    tags: ['administration'],
    access: { roles: ADMIN },
    params: id,
    response: z.object({ revoked: z.literal(true) }),
    async handler(s, { params, actor }) {
      await admin(s).revokeBadge(actor, params.id);
      await refresh(s);
      return { revoked: true as const };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/access-groups',
    summary: 'Create an access group',
    tags: ['administration'],
    access: { roles: ADMIN },
    body: z.strictObject({ name: z.string().trim().min(1).max(200) }),
    response: z.object({ id: z.string() }),
    status: 201,
    async handler(s, { body, actor }) {
      return { id: await admin(s).createAccessGroup(actor, body.name) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/access-groups/:id/members/:person',
    summary: 'Add a person to an access group',
    tags: ['administration'],
    access: { roles: ADMIN },
    params: z.strictObject({ id: z.string().min(1).max(64), person: z.string().min(1).max(64) }),
    async handler(s, { params, actor }) {
      await admin(s).setMembership(actor, params.id, params.person, true);
      return { member: true };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/access-groups/:id/members/:person',
    summary: 'Remove a person from an access group',
    tags: ['administration'],
    access: { roles: ADMIN },
    params: z.strictObject({ id: z.string().min(1).max(64), person: z.string().min(1).max(64) }),
    async handler(s, { params, actor }) {
      await admin(s).setMembership(actor, params.id, params.person, false);
      return { member: false };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/access-groups/:id/rules',
    summary: 'Let an access group open a cabinet on some days, optionally between two times',
    tags: ['administration'],
    access: { roles: ADMIN },
    params: id,
    body: z
      .strictObject({ cabinet: z.string().min(1).max(64), days: z.array(z.enum(WEEKDAYS)).min(1).max(7), from: hhmm.optional(), to: hhmm.optional() })
      .refine((r) => (r.from === undefined) === (r.to === undefined), { message: 'give both from and to, or neither', path: ['to'] })
      .refine((r) => !r.from || !r.to || r.from < r.to, { message: 'from must be before to', path: ['to'] }),
    response: z.object({ id: z.string() }),
    status: 201,
    async handler(s, { params, body, actor }) {
      return { id: await admin(s).addRule(actor, params.id, body) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/ethical-walls',
    summary: 'Screen a person from a client or one of its matters',
    tags: ['administration'],
    access: { roles: MANAGERS },
    body: z.strictObject({ person_id: z.string().min(1).max(64), client: z.string().trim().min(1).max(200), matter: z.string().trim().min(1).max(200).optional(), reason: z.string().trim().min(1).max(500) }),
    response: z.object({ id: z.string() }),
    status: 201,
    async handler(s, { body, actor }) {
      return { id: await admin(s).placeWall(actor, { personId: body.person_id, client: body.client, ...(body.matter ? { matter: body.matter } : {}), reason: body.reason }) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/policy-versions',
    summary: 'Publish a new version of the confidentiality policy; everyone must acknowledge it before opening cabinets',
    tags: ['administration'],
    access: { roles: ADMIN },
    body: z.strictObject({ title: z.string().trim().min(1).max(200), text: z.string().trim().min(1).max(100_000) }),
    response: z.object({ version: z.number().int() }),
    status: 201,
    async handler(s, { body, actor }) {
      return { version: await admin(s).publishPolicy(actor, body.title, body.text) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/policy-versions/:version/acknowledgements',
    summary: 'Record that a person has read and accepted a policy version',
    tags: ['administration'],
    access: { roles: ['staff', 'manager', 'admin', 'reception'] },
    params: z.strictObject({ version: z.coerce.number().int().min(1) }),
    body: z.strictObject({ person_id: z.string().min(1).max(64) }),
    response: z.object({ acknowledged: z.literal(true) }),
    async handler(s, { params, body }) {
      await admin(s).acknowledgePolicy(body.person_id, params.version);
      return { acknowledged: true as const };
    },
  }),
];
