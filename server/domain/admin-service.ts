import { createHash } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import { timeOrderedId } from '../shared/time-ordered-id';
import { Badge, Cabinet, Person } from '../db/models';
import type { CustodyWriter, WriteContext } from '../ingest/custody-writer';
import { badgeIndexKeys, canonicalCredential, credentialMatchKeys, type CredentialFormat } from '../../devices/credentials/canonical';
import { newPseudonym } from './pseudonym';
import { DomainError } from './records-service';
import type { PersonInput } from './schemas';

/**
 * Administration of people, badges, access groups, ethical walls and the confidentiality policy.
 * Each change is one writer job with its own custody-log entry naming who did it; the leaves
 * name people only by pseudonym and never carry badge numbers or free text.
 */
export class AdminService {
  constructor(private readonly writer: CustodyWriter) {}

  private async run<T>(work: (ctx: WriteContext) => Promise<T>): Promise<T> {
    const outcome = await this.writer.submit({ run: work });
    if (outcome.duplicate) throw new Error('internal: admin change has no idempotency key');
    return outcome.value;
  }

  createPerson(actor: string, input: PersonInput & { valid_until?: Date }): Promise<Person> {
    return this.run(async (ctx) => {
      if (input.email && (await Person.findOne({ where: { email: input.email }, transaction: ctx.transaction }))) {
        throw new DomainError('email', `${input.email} is already used`, 409);
      }
      const person = await Person.create(
        { id: timeOrderedId(), pseudonym: newPseudonym('p'), name: input.name, email: input.email ?? null, role: input.role },
        { transaction: ctx.transaction },
      );
      if (input.valid_until) await sql(ctx, 'UPDATE people SET valid_until = :v WHERE id = :id', { v: input.valid_until.toISOString(), id: person.id });
      await ctx.append({ type: 'person.created', actor, subject: person.pseudonym, role: person.role });
      return person;
    });
  }

  updatePerson(actor: string, id: string, change: { role?: Person['role']; active?: boolean; valid_from?: Date | null; valid_until?: Date | null }): Promise<Person> {
    return this.run(async (ctx) => {
      const person = await mustFind(id, ctx.transaction);
      const { valid_from, valid_until, ...plain } = change;
      if (Object.keys(plain).length > 0) await person.update(plain, { transaction: ctx.transaction });
      for (const [column, value] of [['valid_from', valid_from], ['valid_until', valid_until]] as const) {
        if (value !== undefined) await sql(ctx, `UPDATE people SET ${column} = :v WHERE id = :id`, { v: value ? value.toISOString() : null, id });
      }
      // The fields changed are logged, not their values: a role is not personal, but dates can be.
      await ctx.append({ type: 'person.updated', actor, subject: person.pseudonym, fields: Object.keys(change).sort() });
      return person;
    });
  }

  issueBadge(actor: string, personId: string, raw: string, format: CredentialFormat): Promise<Badge> {
    return this.run(async (ctx) => {
      const person = await mustFind(personId, ctx.transaction);
      const credential = canonicalCredential(raw, format);
      if (!credential || badgeIndexKeys(credential.canonical).length === 0) throw new DomainError('badge', `"${raw}" is not a usable ${format} badge number`);
      const issued = await Badge.findAll({ where: { active: true }, attributes: ['canonical'], transaction: ctx.transaction });
      const keys = new Set(issued.flatMap((b) => badgeIndexKeys(b.canonical)));
      if (credentialMatchKeys(credential).some((k) => keys.has(k))) throw new DomainError('badge', `badge ${credential.canonical} is already issued`, 409);
      const badge = await Badge.create(
        { id: timeOrderedId(), person_id: person.id, canonical: credential.canonical, raw_forms: JSON.stringify([{ raw, format }]) },
        { transaction: ctx.transaction },
      );
      await ctx.append({ type: 'badge.issued', actor, subject: person.pseudonym, evidence: [badge.id] });
      return badge;
    });
  }

  revokeBadge(actor: string, badgeId: string): Promise<void> {
    return this.run(async (ctx) => {
      const badge = await Badge.findByPk(badgeId, { transaction: ctx.transaction });
      if (!badge) throw new DomainError('id', `no badge ${badgeId}`, 404);
      await badge.update({ active: false }, { transaction: ctx.transaction });
      const person = await mustFind(badge.person_id, ctx.transaction);
      await ctx.append({ type: 'badge.revoked', actor, subject: person.pseudonym, evidence: [badge.id] });
    });
  }

  createAccessGroup(actor: string, name: string): Promise<string> {
    return this.run(async (ctx) => {
      const id = timeOrderedId();
      await sql(ctx, 'INSERT INTO access_groups (id, name, created_at, updated_at) VALUES (:id, :name, :now, :now)', { id, name, now: ctx.now.toISOString() });
      await ctx.append({ type: 'access_group.created', actor, group: id });
      return id;
    });
  }

  setMembership(actor: string, groupId: string, personId: string, member: boolean): Promise<void> {
    return this.run(async (ctx) => {
      await mustFindGroup(ctx, groupId);
      const person = await mustFind(personId, ctx.transaction);
      await sql(ctx, 'DELETE FROM access_group_members WHERE group_id = :g AND person_id = :p', { g: groupId, p: personId });
      if (member) await sql(ctx, 'INSERT INTO access_group_members (group_id, person_id) VALUES (:g, :p)', { g: groupId, p: personId });
      await ctx.append({ type: member ? 'access_group.member_added' : 'access_group.member_removed', actor, group: groupId, subject: person.pseudonym });
    });
  }

  addRule(actor: string, groupId: string, rule: { cabinet: string; days: string[]; from?: string; to?: string }): Promise<string> {
    return this.run(async (ctx) => {
      await mustFindGroup(ctx, groupId);
      if (!(await Cabinet.findByPk(rule.cabinet, { transaction: ctx.transaction }))) throw new DomainError('cabinet', `unknown cabinet "${rule.cabinet}"`);
      const id = timeOrderedId();
      await sql(ctx, 'INSERT INTO access_rules (id, group_id, cabinet_id, days, from_time, to_time) VALUES (:id, :g, :c, :days, :from, :to)', {
        id,
        g: groupId,
        c: rule.cabinet,
        days: rule.days.join(','),
        from: rule.from ?? null,
        to: rule.to ?? null,
      });
      await ctx.append({ type: 'access_rule.added', actor, group: groupId, location: rule.cabinet, days: rule.days.join(','), ...(rule.from ? { from: rule.from, to: rule.to ?? '' } : {}) });
      return id;
    });
  }

  placeWall(actor: string, input: { personId: string; client: string; matter?: string; reason: string }): Promise<string> {
    return this.run(async (ctx) => {
      const person = await mustFind(input.personId, ctx.transaction);
      const id = timeOrderedId();
      await sql(ctx, 'INSERT INTO ethical_walls (id, person_id, client, matter, reason, created_at) VALUES (:id, :p, :client, :matter, :reason, :now)', {
        id,
        p: person.id,
        client: input.client,
        matter: input.matter ?? null,
        reason: input.reason,
        now: ctx.now.toISOString(),
      });
      // Client and matter names are confidential: the leaf names the wall, the database says what it covers.
      await ctx.append({ type: 'wall.placed', actor, subject: person.pseudonym, wall: id });
      return id;
    });
  }

  publishPolicy(actor: string, title: string, text: string): Promise<number> {
    return this.run(async (ctx) => {
      const [row] = await select<{ v: number | null }>(ctx, 'SELECT MAX(version) AS v FROM policy_versions', {});
      const version = Number(row?.v ?? 0) + 1;
      const hash = createHash('sha256').update(text).digest('hex');
      await sql(ctx, 'INSERT INTO policy_versions (version, title, text_sha256, effective_at) VALUES (:v, :title, :hash, :now)', { v: version, title, hash, now: ctx.now.toISOString() });
      await ctx.append({ type: 'policy.published', actor, version, text_sha256: hash });
      return version;
    });
  }

  acknowledgePolicy(personId: string, version: number): Promise<void> {
    return this.run(async (ctx) => {
      const person = await mustFind(personId, ctx.transaction);
      const [exists] = await select<{ n: number }>(ctx, 'SELECT COUNT(*) AS n FROM policy_versions WHERE version = :v', { v: version });
      if (Number(exists?.n ?? 0) === 0) throw new DomainError('version', `no policy version ${version}`, 404);
      const [done] = await select<{ n: number }>(ctx, 'SELECT COUNT(*) AS n FROM policy_acknowledgements WHERE person_id = :p AND version = :v', { p: person.id, v: version });
      if (Number(done?.n ?? 0) > 0) return;
      await sql(ctx, 'INSERT INTO policy_acknowledgements (id, person_id, version, acknowledged_at) VALUES (:id, :p, :v, :now)', {
        id: timeOrderedId(),
        p: person.id,
        v: version,
        now: ctx.now.toISOString(),
      });
      await ctx.append({ type: 'policy.acknowledged', actor: person.pseudonym, version });
    });
  }
}

async function mustFind(id: string, transaction: Transaction): Promise<Person> {
  const person = await Person.findByPk(id, { transaction });
  if (!person) throw new DomainError('person_id', `no person ${id}`, 404);
  return person;
}

async function mustFindGroup(ctx: WriteContext, id: string): Promise<void> {
  const [row] = await select<{ n: number }>(ctx, 'SELECT COUNT(*) AS n FROM access_groups WHERE id = :id', { id });
  if (Number(row?.n ?? 0) === 0) throw new DomainError('group', `no access group ${id}`, 404);
}

function sql(ctx: WriteContext, query: string, replacements: Record<string, unknown>): Promise<unknown> {
  return Person.sequelize!.query(query, { replacements, transaction: ctx.transaction });
}

function select<T extends object>(ctx: WriteContext, query: string, replacements: Record<string, unknown>): Promise<T[]> {
  return Person.sequelize!.query<T>(query, { type: QueryTypes.SELECT, replacements, transaction: ctx.transaction });
}
