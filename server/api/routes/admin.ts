import { z } from 'zod';
import { QueryTypes } from 'sequelize';
import { Badge, Cabinet, Person, ROLES } from '../../db/models';
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
/** SQLite answers dates as text and booleans as 0/1; PostgreSQL as Date and boolean. */
const isoOf = (value: unknown) => new Date(value as string | Date).toISOString();
const rowsOf = <T extends object>(s: Services, sql: string, replacements: Record<string, unknown> = {}) => s.db.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });

export const badgeSchema = z.object({ id: z.string(), person_id: z.string(), canonical: z.string(), active: z.boolean(), issued_at: z.string() });
const ruleSchema = z.object({ id: z.string(), cabinet: z.string(), days: z.array(z.string()), from: z.string().nullable(), to: z.string().nullable() });
export const accessGroupSchema = z.object({ id: z.string(), name: z.string(), members: z.array(z.string()), rules: z.array(ruleSchema) });
export const wallSchema = z.object({ id: z.string(), person_id: z.string(), client: z.string(), matter: z.string().nullable(), reason: z.string(), created_at: z.string() });
export const policyVersionSchema = z.object({ version: z.number().int(), title: z.string(), text_sha256: z.string(), effective_at: z.string(), acknowledged: z.number().int() });
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
    method: 'get',
    path: '/api/v1/badges',
    summary: "Badges issued, a person's or everyone's, newest first (revoked ones too)",
    tags: ['administration'],
    access: { roles: ADMIN },
    query: z.strictObject({ person: z.string().min(1).max(64).optional() }),
    response: z.object({ badges: z.array(badgeSchema) }),
    async handler(_s, { query }) {
      const badges = await Badge.findAll({ where: query.person ? { person_id: query.person } : {}, order: [['created_at', 'DESC']] });
      return { badges: badges.map((b) => ({ id: b.id, person_id: b.person_id, canonical: b.canonical, active: Boolean(b.active), issued_at: isoOf(b.created_at) })) };
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
    method: 'get',
    path: '/api/v1/access-groups',
    summary: 'Access groups with their members and rules, and the cabinets a rule may name',
    tags: ['administration'],
    access: { roles: MANAGERS },
    response: z.object({ groups: z.array(accessGroupSchema), cabinets: z.array(z.object({ id: z.string(), name: z.string() })) }),
    async handler(s) {
      const groups = await rowsOf<{ id: string; name: string }>(s, 'SELECT id, name FROM access_groups ORDER BY name');
      const members = await rowsOf<{ group_id: string; person_id: string }>(s, 'SELECT group_id, person_id FROM access_group_members');
      const rules = await rowsOf<{ id: string; group_id: string; cabinet_id: string; days: string; from_time: string | null; to_time: string | null }>(
        s,
        'SELECT id, group_id, cabinet_id, days, from_time, to_time FROM access_rules ORDER BY cabinet_id, id',
      );
      const cabinets = await Cabinet.findAll({ order: [['id', 'ASC']] });
      return {
        groups: groups.map((g) => ({
          id: g.id,
          name: g.name,
          members: members.filter((m) => m.group_id === g.id).map((m) => m.person_id),
          rules: rules.filter((r) => r.group_id === g.id).map((r) => ({ id: r.id, cabinet: r.cabinet_id, days: r.days.split(','), from: r.from_time, to: r.to_time })),
        })),
        cabinets: cabinets.map((c) => ({ id: c.id, name: c.name })),
      };
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
    method: 'get',
    path: '/api/v1/ethical-walls',
    summary: 'Ethical walls: who is screened from which client or matter, newest first',
    tags: ['administration'],
    access: { roles: MANAGERS },
    response: z.object({ walls: z.array(wallSchema) }),
    async handler(s) {
      const walls = await rowsOf<{ id: string; person_id: string; client: string; matter: string | null; reason: string; created_at: unknown }>(
        s,
        'SELECT id, person_id, client, matter, reason, created_at FROM ethical_walls ORDER BY created_at DESC, id DESC',
      );
      return { walls: walls.map((w) => ({ ...w, created_at: isoOf(w.created_at) })) };
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
    method: 'get',
    path: '/api/v1/policy-versions',
    summary: 'Versions of the confidentiality policy, newest first, with how many people acknowledged each',
    tags: ['administration'],
    access: { roles: MANAGERS },
    response: z.object({ versions: z.array(policyVersionSchema) }),
    async handler(s) {
      const versions = await rowsOf<{ version: number; title: string; text_sha256: string; effective_at: unknown; acknowledged: number | string }>(
        s,
        `SELECT v.version, v.title, v.text_sha256, v.effective_at, (SELECT COUNT(*) FROM policy_acknowledgements a WHERE a.version = v.version) AS acknowledged
         FROM policy_versions v ORDER BY v.version DESC`,
      );
      return { versions: versions.map((v) => ({ ...v, version: Number(v.version), effective_at: isoOf(v.effective_at), acknowledged: Number(v.acknowledged) })) };
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
