import { createHash } from 'node:crypto';
import { Op, type Sequelize, type Transaction } from 'sequelize';
import { timeOrderedId } from '../shared/time-ordered-id';
import { Badge, LoanerCard, Matter, NdaAcceptance, NdaVersion, Person, Visit, Visitor, WatchListEntry } from '../db/models';
import { writeAlert } from '../domain/alert-raiser';
import { newPseudonym } from '../domain/pseudonym';
import type { CustodyWriter, WriteContext } from '../ingest/custody-writer';
import type { EventBus } from '../ingest/event-bus';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { badgeIndexKeys, canonicalCredential, type CredentialFormat } from '../../devices/credentials/canonical';
import { hashVisitToken, isVisitToken, newCommitment, newVisitToken, verifyCommitment } from './crypto';
import { decideSignIn, type NdaRef, type SignInDecision, type SignInRefusal, type VisitorKind } from './decisions';
import { partiesOfMatters, screenVisitor, type ScreeningResult, type WatchEntry } from './matching';
import { localDateText } from './office-clock';
import { secureDeletes, type NdaOpening, type PersonalData, type VisitorVault } from './vault';

export type RaisedAlert = Awaited<ReturnType<typeof writeAlert>>;

/** A refusal the API turns into a status and a machine-readable reason. */
export class VisitorError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
    /** For 400s: the request field at fault (without the `body.` prefix). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface OfficeHoursInfo {
  timeZone: string;
  open: string;
  close: string;
  days: readonly string[];
}

export interface VisitorServiceDeps {
  sequelize: Sequelize;
  writer: CustodyWriter;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  vault: VisitorVault;
  office: OfficeHoursInfo;
}

/** A pre-registration token is good until this long after the expected arrival. */
export const TOKEN_VALID_AFTER_EXPECTED_MS = 24 * 60 * 60_000;

export interface NewVisitorInput {
  person: PersonalData;
  company: string | null;
}

export interface PreregistrationInput {
  /** A known visitor (returning, or a registered vendor), or a new one. */
  visitor: { id: string } | NewVisitorInput;
  hostPersonId: string;
  expectedAt: Date;
  company: string | null;
  purpose: string | null;
  escortRequired: boolean;
}

export interface Preregistration {
  visitId: string;
  visitorId: string;
  pseudonym: string;
  /** Shown once (QR code to send to the visitor): only its hash is stored. */
  token: string;
  tokenExpiresAt: Date;
}

export interface SignInInput {
  /** Exactly one: the pre-registration token, a known visitor, or a walk-in's details. */
  token?: string;
  visitorId?: string;
  visitor?: NewVisitorInput;
  hostPersonId?: string;
  company?: string | null;
  purpose?: string | null;
  escortRequired?: boolean;
  nda?: { version: number; sha256: string; typedName: string };
  badge: { kind: 'label' } | { kind: 'card'; cardId?: string };
}

export interface BadgeLabel {
  /** The text of the QR code: scanning it at reception signs the visitor out. */
  token: string;
  first_name: string;
  host_name: string;
  /** The local date of the visit, YYYY-MM-DD. */
  date: string;
  escort_required: boolean;
  company: string | null;
}

export interface SignInResult {
  visitId: string;
  visitorId: string;
  pseudonym: string;
  hostPersonId: string;
  escortRequired: boolean;
  ndaVersion: number | null;
  badge: { kind: 'label'; label: BadgeLabel } | { kind: 'card'; cardId: string };
}

export interface VendorInput {
  person: PersonalData;
  company: string;
  agreementRef: string;
  agreementExpiresAt: Date;
  accessUntil: Date | null;
  hostPersonId: string | null;
}

export interface VisitSummary {
  id: string;
  visitor_id: string;
  pseudonym: string;
  kind: VisitorKind;
  /** null once purged. */
  name: string | null;
  company: string | null;
  host_person_id: string | null;
  status: string;
  escort_required: boolean;
  expected_at: string | null;
  signed_in_at: string | null;
  signed_out_at: string | null;
  sign_out_reason: string | null;
  badge_kind: string | null;
  loaner_card_id: string | null;
  hold: boolean;
  purged: boolean;
}

const REFUSAL_STATUS: Record<SignInRefusal, 403 | 404 | 409 | 410 | 400> = {
  token_unknown: 404,
  token_used: 410,
  token_expired: 410,
  visitor_purged: 410,
  already_signed_in: 409,
  host_unknown: 400,
  agreement_missing: 403,
  agreement_expired: 403,
  access_expired: 403,
  nda_required: 409,
  nda_outdated: 409,
};

const REFUSAL_MESSAGE: Record<SignInRefusal, string> = {
  token_unknown: 'This code is not valid: please ask at reception',
  token_used: 'This code has already been used',
  token_expired: 'This code has expired: please ask at reception',
  visitor_purged: "This visitor's details were erased: register them again",
  already_signed_in: 'This visitor is already signed in',
  host_unknown: 'The host is not a current member of staff',
  agreement_missing: 'No agreement on file for this vendor: please ask at reception',
  agreement_expired: "The vendor's agreement has expired: please ask at reception",
  access_expired: "The vendor's access has ended: please ask at reception",
  nda_required: 'Please read and accept the confidentiality agreement',
  nda_outdated: 'The confidentiality agreement has changed: please read and accept the current version',
};

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? '';

/**
 * Visitors and vendors: pre-registration, sign-in at the kiosk, sign-out, holds, the NDA, loaner
 * cards and the watch list. Every change is one writer job: rows and leaves commit together, and
 * bus events leave only after the commit. Leaves name visitors by pseudonym; anything personal is
 * sealed under the visitor's key or, for the typed NDA name, committed to with a salted hash.
 */
export class VisitorService {
  constructor(readonly deps: VisitorServiceDeps) {}

  private async job<R>(run: (ctx: WriteContext) => Promise<R>): Promise<R> {
    const outcome = await this.deps.writer.submit({ run });
    if (outcome.duplicate) throw new Error('internal: visitor jobs carry no idempotency key');
    return outcome.value;
  }

  private emitAlerts(alerts: readonly RaisedAlert[]): void {
    for (const alert of alerts) this.deps.bus.emit('alert.raised', alert);
  }

  private async activeHost(personId: string, transaction: Transaction): Promise<Person> {
    const host = await Person.findByPk(personId, { transaction });
    if (!host || !host.active) throw new VisitorError(400, 'host_unknown', REFUSAL_MESSAGE.host_unknown, undefined, 'host_person_id');
    return host;
  }

  private async createVisitor(
    ctx: WriteContext,
    input: NewVisitorInput & { kind: VisitorKind; hostPersonId: string | null; agreement?: { ref: string; expiresAt: Date; accessUntil: Date | null } },
    operator: string,
  ): Promise<{ visitor: Visitor; key: Buffer }> {
    const { vault } = this.deps;
    const id = timeOrderedId();
    const key = vault.newKey();
    const visitor = await Visitor.create(
      {
        id,
        pseudonym: newPseudonym('v'),
        personal_data: vault.sealPersonal(key, id, input.person),
        company: input.company,
        host_person_id: input.hostPersonId,
        kind: input.kind,
        agreement_ref: input.agreement?.ref ?? null,
        agreement_expires_at: input.agreement?.expiresAt ?? null,
        access_until: input.agreement?.accessUntil ?? null,
        created_at: ctx.now,
        updated_at: ctx.now,
      },
      { transaction: ctx.transaction, silent: true },
    );
    await vault.storeKey(id, key, ctx.transaction, ctx.now);
    await ctx.append({ type: 'visitor.registered', actor: operator, subject: visitor.pseudonym, kind: input.kind });
    return { visitor, key };
  }

  private async knownVisitor(visitorId: string, transaction: Transaction): Promise<Visitor> {
    const visitor = await Visitor.findByPk(visitorId, { transaction });
    if (!visitor) throw new VisitorError(404, 'visitor_unknown', `no visitor ${visitorId}`);
    if (visitor.purged_at) throw new VisitorError(410, 'visitor_purged', REFUSAL_MESSAGE.visitor_purged);
    return visitor;
  }

  // ---- Pre-registration --------------------------------------------------------------------

  async preregister(input: PreregistrationInput, operator: string): Promise<Preregistration> {
    return this.job(async (ctx) => {
      const { transaction, now } = ctx;
      await secureDeletes(this.deps.sequelize, transaction);
      const host = await this.activeHost(input.hostPersonId, transaction);
      let visitor: Visitor;
      let key: Buffer;
      if ('id' in input.visitor) {
        visitor = await this.knownVisitor(input.visitor.id, transaction);
        const k = await this.deps.vault.keyOf(visitor.id, transaction);
        if (!k) throw new VisitorError(410, 'visitor_purged', REFUSAL_MESSAGE.visitor_purged);
        key = k;
      } else {
        ({ visitor, key } = await this.createVisitor(ctx, { ...input.visitor, kind: 'visitor', hostPersonId: host.id }, operator));
      }
      try {
        const visitId = timeOrderedId();
        const token = newVisitToken();
        const tokenExpiresAt = new Date(input.expectedAt.getTime() + TOKEN_VALID_AFTER_EXPECTED_MS);
        await Visit.create(
          {
            id: visitId,
            visitor_id: visitor.id,
            host_person_id: host.id,
            company: input.company ?? visitor.company,
            details: input.purpose ? this.deps.vault.sealDetails(key, visitId, { purpose: input.purpose }) : null,
            status: 'expected',
            escort_required: input.escortRequired,
            expected_at: input.expectedAt,
            token_hash: hashVisitToken(token),
            token_expires_at: tokenExpiresAt,
            created_at: now,
            updated_at: now,
          },
          { transaction, silent: true },
        );
        await ctx.append({
          type: 'visitor.preregistered',
          actor: operator,
          subject: visitor.pseudonym,
          visit: visitId,
          host: host.pseudonym,
          escort: input.escortRequired,
          expected_at: input.expectedAt.toISOString(),
        });
        return { visitId, visitorId: visitor.id, pseudonym: visitor.pseudonym, token, tokenExpiresAt };
      } finally {
        key.fill(0);
      }
    });
  }

  // ---- Sign-in -----------------------------------------------------------------------------

  async currentNda(at: Date = this.deps.clock.now(), transaction?: Transaction): Promise<NdaVersion | null> {
    return NdaVersion.findOne({ where: { effective_at: { [Op.lte]: at } }, order: [['version', 'DESC']], ...(transaction ? { transaction } : {}) });
  }

  async signIn(input: SignInInput, operator: string): Promise<SignInResult> {
    if (input.token !== undefined && !isVisitToken(input.token)) throw new VisitorError(404, 'token_unknown', REFUSAL_MESSAGE.token_unknown);
    type Outcome = { ok: true; result: SignInResult; alerts: RaisedAlert[] } | { ok: false; decision: Extract<SignInDecision, { ok: false }>; alerts: RaisedAlert[]; nda: NdaVersion | null };
    const outcome: Outcome = await this.job(async (ctx): Promise<Outcome> => {
      const { transaction, now } = ctx;
      await secureDeletes(this.deps.sequelize, transaction);
      const preregistered = input.token ? await Visit.findOne({ where: { token_hash: hashVisitToken(input.token) }, transaction }) : null;
      let visitor: Visitor | null = null;
      if (preregistered) visitor = await Visitor.findByPk(preregistered.visitor_id, { transaction });
      else if (input.visitorId) {
        visitor = await Visitor.findByPk(input.visitorId, { transaction });
        if (!visitor) throw new VisitorError(404, 'visitor_unknown', `no visitor ${input.visitorId}`);
      }
      const hostId = preregistered?.host_person_id ?? input.hostPersonId ?? visitor?.host_person_id ?? null;
      const host = hostId ? await Person.findByPk(hostId, { transaction }) : null;
      const current = await this.currentNda(now, transaction);
      const lastAccepted = visitor ? ((await NdaAcceptance.max<number | null, NdaAcceptance>('version', { where: { visitor_id: visitor.id }, transaction })) ?? null) : null;
      const onSite = visitor ? (await Visit.count({ where: { visitor_id: visitor.id, status: 'on_site' }, transaction })) > 0 : false;
      const decision = decideSignIn({
        now,
        visitor: visitor
          ? {
              pseudonym: visitor.pseudonym,
              kind: visitor.kind,
              purged: visitor.purged_at !== null,
              agreementRef: visitor.agreement_ref,
              agreementExpiresAt: visitor.agreement_expires_at,
              accessUntil: visitor.access_until,
            }
          : null,
        token: input.token ? { visit: preregistered ? { status: preregistered.status, tokenExpiresAt: preregistered.token_expires_at ?? null } : null } : null,
        alreadyOnSite: onSite,
        host: host ? { active: Boolean(host.active) } : null,
        nda: { current: current ? { version: current.version, sha256: current.sha256 } : null, lastAcceptedVersion: lastAccepted === null ? null : Number(lastAccepted) },
        accepted: input.nda ? { version: input.nda.version, sha256: input.nda.sha256 } : null,
      });
      if (!decision.ok) {
        const alerts: RaisedAlert[] = [];
        if (decision.logged && visitor) {
          await ctx.append({
            type: 'visitor.sign_in_refused',
            actor: operator,
            subject: visitor.pseudonym,
            reason: decision.reason,
            ...(preregistered ? { visit: preregistered.id } : {}),
          });
          if (decision.alert) alerts.push(await writeAlert(ctx, decision.alert));
        }
        return { ok: false, decision, alerts, nda: current };
      }
      return { ok: true, ...(await this.admit(ctx, { input, operator, visitor, preregistered, host: host!, decision, current })) };
    });
    this.emitAlerts(outcome.alerts);
    if (!outcome.ok) {
      const { reason } = outcome.decision;
      const nda = reason === 'nda_required' || reason === 'nda_outdated' ? outcome.nda : null;
      throw new VisitorError(
        REFUSAL_STATUS[reason],
        reason,
        REFUSAL_MESSAGE[reason],
        nda ? { nda: { version: nda.version, sha256: nda.sha256, text: nda.text } } : undefined,
        reason === 'host_unknown' ? 'host_person_id' : undefined,
      );
    }
    this.deps.bus.emit('visitor.arrived', { visitId: outcome.result.visitId, hostPersonId: outcome.result.hostPersonId });
    return outcome.result;
  }

  /** The admitted half of a sign-in, inside its job. */
  private async admit(
    ctx: WriteContext,
    a: {
      input: SignInInput;
      operator: string;
      visitor: Visitor | null;
      preregistered: Visit | null;
      host: Person;
      decision: Extract<SignInDecision, { ok: true }>;
      current: NdaVersion | null;
    },
  ): Promise<{ result: SignInResult; alerts: RaisedAlert[] }> {
    const { transaction, now } = ctx;
    const { input, operator, host } = a;
    const company = input.company ?? a.preregistered?.company ?? a.visitor?.company ?? input.visitor?.company ?? null;
    let visitor: Visitor;
    let key: Buffer;
    if (a.visitor) {
      visitor = a.visitor;
      const k = await this.deps.vault.keyOf(visitor.id, transaction);
      if (!k) throw new VisitorError(410, 'visitor_purged', REFUSAL_MESSAGE.visitor_purged);
      key = k;
    } else {
      if (!input.visitor) throw new VisitorError(400, 'visitor_required', 'give the visitor\'s details, a visitor id or a token', undefined, 'visitor');
      ({ visitor, key } = await this.createVisitor(ctx, { person: input.visitor.person, company, kind: 'visitor', hostPersonId: host.id }, operator));
    }
    try {
      const person = this.deps.vault.openPersonal(key, visitor.id, visitor.personal_data!);
      const escortRequired = input.escortRequired ?? a.preregistered?.escort_required ?? false;
      const visitId = a.preregistered?.id ?? timeOrderedId();
      const purpose = input.purpose ?? null;

      let badgeToken: string | null = null;
      let card: LoanerCard | null = null;
      if (input.badge.kind === 'card') {
        card = input.badge.cardId
          ? await LoanerCard.findOne({ where: { id: input.badge.cardId, available: true }, transaction })
          : await LoanerCard.findOne({ where: { available: true }, order: [['id', 'ASC']], transaction });
        if (!card) {
          throw new VisitorError(409, 'no_loaner_card', input.badge.cardId ? `loaner card ${input.badge.cardId} is not available` : 'no loaner card is available: print a badge instead');
        }
        await card.update({ available: false, assigned_visit_id: visitId, updated_at: now }, { transaction, silent: true });
      } else {
        badgeToken = newVisitToken();
      }
      const fields = {
        host_person_id: host.id,
        company,
        status: 'on_site' as const,
        escort_required: escortRequired,
        // The pre-registration token's hash stays: once the visit is on site it only ever answers "already used".
        badge_token_hash: badgeToken ? hashVisitToken(badgeToken) : null,
        badge_kind: input.badge.kind,
        loaner_card_id: card?.id ?? null,
        signed_in_at: now,
        updated_at: now,
      };
      if (a.preregistered) {
        const details = purpose ? { details: this.deps.vault.sealDetails(key, visitId, { purpose }) } : {};
        await a.preregistered.update({ ...fields, ...details }, { transaction, silent: true });
      } else {
        await Visit.create(
          { id: visitId, visitor_id: visitor.id, details: purpose ? this.deps.vault.sealDetails(key, visitId, { purpose }) : null, created_at: now, ...fields },
          { transaction, silent: true },
        );
      }
      if (visitor.company !== company || visitor.host_person_id !== host.id) {
        await visitor.update({ company, host_person_id: host.id, updated_at: now }, { transaction, silent: true });
      }

      let typedName: string | null = null;
      if (a.decision.recordNdaAcceptance && a.current && input.nda) {
        typedName = input.nda.typedName;
        const acceptanceId = timeOrderedId();
        const fieldsCommitted = { typed_name: typedName };
        const { salt, commitment } = newCommitment(fieldsCommitted);
        const leaf = await ctx.append({
          type: 'visitor.nda_accepted',
          actor: visitor.pseudonym,
          subject: visitor.pseudonym,
          visit: visitId,
          nda_version: a.current.version,
          nda_sha256: a.current.sha256,
          commitments: { typed_name: commitment },
        });
        await NdaAcceptance.create(
          {
            id: acceptanceId,
            visitor_id: visitor.id,
            visit_id: visitId,
            version: a.current.version,
            text_sha256: a.current.sha256,
            commitment,
            opening: this.deps.vault.sealOpening(key, acceptanceId, { salt: salt.toString('hex'), fields: fieldsCommitted }),
            log_index: leaf.index,
            accepted_at: now,
          },
          { transaction },
        );
        salt.fill(0);
      }
      await ctx.append({
        type: 'visitor.signed_in',
        actor: operator,
        subject: visitor.pseudonym,
        visit: visitId,
        location: 'reception',
        host: host.pseudonym,
        escort: escortRequired,
        badge: input.badge.kind,
        ...(card ? { card: card.id } : {}),
        ...(visitor.kind === 'vendor' ? { kind: 'vendor' } : {}),
      });

      const screening = await this.screen(transaction, { names: typedName && typedName !== person.name ? [person.name, typedName] : [person.name], company });
      const alerts = await this.raiseScreening(ctx, visitor.pseudonym, visitId, screening);

      const result: SignInResult = {
        visitId,
        visitorId: visitor.id,
        pseudonym: visitor.pseudonym,
        hostPersonId: host.id,
        escortRequired,
        ndaVersion: a.current?.version ?? null,
        badge: card
          ? { kind: 'card', cardId: card.id }
          : {
              kind: 'label',
              label: {
                token: badgeToken!,
                first_name: firstName(person.name),
                host_name: host.name,
                date: localDateText(now, this.deps.office.timeZone),
                escort_required: escortRequired,
                company,
              },
            },
      };
      return { result, alerts };
    } finally {
      key.fill(0);
    }
  }

  // ---- Screening: watch list and conflicts -----------------------------------------------------

  private async watchEntries(transaction?: Transaction): Promise<(WatchEntry & { note: string | null; createdAt: Date })[]> {
    const rows = await WatchListEntry.findAll({ order: [['created_at', 'ASC']], ...(transaction ? { transaction } : {}) });
    return rows.map((r) => {
      const e = this.deps.vault.master.openWatchEntry<{ kind: 'name' | 'company'; value: string; note?: string }>(r.id, Buffer.from(r.sealed));
      return { id: r.id, kind: e.kind, value: e.value, note: e.note ?? null, createdAt: r.created_at };
    });
  }

  /** In memory, on decrypted text: nothing about the match is written except the alert. */
  async screen(transaction: Transaction | undefined, subject: { names: string[]; company: string | null }): Promise<ScreeningResult> {
    const matters = await Matter.findAll({ attributes: ['id', 'client', 'matter', 'parties'], ...(transaction ? { transaction } : {}) });
    const parties = partiesOfMatters(matters.map((m) => ({ id: m.id, client: m.client, matter: m.matter, parties: m.parties })));
    return screenVisitor(subject, await this.watchEntries(transaction), parties);
  }

  private async raiseScreening(ctx: WriteContext, pseudonym: string, visitId: string, s: ScreeningResult): Promise<RaisedAlert[]> {
    const alerts: RaisedAlert[] = [];
    if (s.watchHits.length > 0) {
      await ctx.append({ type: 'visitor.flagged', actor: 'system', subject: pseudonym, visit: visitId, reason: 'watch_list' });
      alerts.push(
        await writeAlert(ctx, {
          type: 'visitor.watch_list',
          severity: 'critical',
          message: `Visitor ${pseudonym} (visit ${visitId}) matches ${s.watchHits.length} watch-list entr${s.watchHits.length === 1 ? 'y' : 'ies'}`,
        }),
      );
    }
    if (s.adverse.length > 0) {
      await ctx.append({ type: 'visitor.flagged', actor: 'system', subject: pseudonym, visit: visitId, reason: 'conflict' });
      alerts.push(
        await writeAlert(ctx, {
          type: 'visitor.conflict',
          severity: 'warning',
          message: `Visitor ${pseudonym} (visit ${visitId}) matches an adverse party in ${s.adverse.length} matter${s.adverse.length === 1 ? '' : 's'}: see the visit's screening`,
        }),
      );
    }
    return alerts;
  }

  /** The screening of a visit, recomputed now with the details: for managers. */
  async screeningOf(visitId: string): Promise<ScreeningResult & { visit_id: string }> {
    const visit = await Visit.findByPk(visitId);
    if (!visit) throw new VisitorError(404, 'visit_unknown', `no visit ${visitId}`);
    const visitor = (await Visitor.findByPk(visit.visitor_id))!;
    if (!visitor.personal_data) throw new VisitorError(410, 'visitor_purged', REFUSAL_MESSAGE.visitor_purged);
    const person = await this.deps.vault.withKey(visitor.id, undefined, (key) => this.deps.vault.openPersonal(key, visitor.id, visitor.personal_data!));
    return { visit_id: visitId, ...(await this.screen(undefined, { names: [person.name], company: visit.company })) };
  }

  // ---- Sign-out ----------------------------------------------------------------------------

  async signOut(visitId: string, operator: string, options: { cardReturned: boolean } = { cardReturned: true }): Promise<{ visitId: string; signedOutAt: Date }> {
    return this.job(async (ctx) => {
      await secureDeletes(this.deps.sequelize, ctx.transaction);
      const visit = await Visit.findByPk(visitId, { transaction: ctx.transaction });
      if (!visit) throw new VisitorError(404, 'visit_unknown', `no visit ${visitId}`);
      if (visit.status !== 'on_site') throw new VisitorError(409, 'not_on_site', `visit ${visitId} is not signed in (${visit.status})`);
      const visitor = (await Visitor.findByPk(visit.visitor_id, { transaction: ctx.transaction }))!;
      const card = visit.loaner_card_id;
      await ctx.append({
        type: 'visitor.signed_out',
        actor: operator,
        subject: visitor.pseudonym,
        visit: visit.id,
        location: 'reception',
        reason: 'reception',
        ...(card ? { card } : {}),
      });
      await closeVisit(ctx, visit, 'reception', card && options.cardReturned ? card : null);
      return { visitId, signedOutAt: ctx.now };
    });
  }

  /** Everyone still signed in past closing time is signed out, with an alert each. */
  async signOutAtClosing(due: readonly { id: string }[]): Promise<number> {
    let count = 0;
    for (const { id } of due) {
      const alerts = await this.job(async (ctx) => {
        await secureDeletes(this.deps.sequelize, ctx.transaction);
        const visit = await Visit.findByPk(id, { transaction: ctx.transaction });
        // Signed out meanwhile (a badge at reception, a retried job): nothing to do.
        if (!visit || visit.status !== 'on_site') return null;
        const visitor = (await Visitor.findByPk(visit.visitor_id, { transaction: ctx.transaction }))!;
        const card = visit.loaner_card_id;
        await ctx.append({ type: 'visitor.signed_out', actor: 'system', subject: visitor.pseudonym, visit: visit.id, reason: 'closing_time', ...(card ? { card } : {}) });
        // The card is still out with the visitor: it stays assigned until it is handed back.
        await closeVisit(ctx, visit, 'closing_time', null);
        return [
          await writeAlert(ctx, {
            type: 'visitor.auto_signed_out',
            severity: 'warning',
            message: `Visitor ${visitor.pseudonym} (visit ${visit.id}) was still signed in at closing time and was signed out${card ? `; loaner card ${card} was not returned` : ''}`,
          }),
        ];
      });
      if (alerts) {
        count++;
        this.emitAlerts(alerts);
      }
    }
    return count;
  }

  // ---- Legal hold ----------------------------------------------------------------------------

  async setHold(visitId: string, hold: boolean, operator: string): Promise<{ visitId: string; hold: boolean }> {
    return this.job(async (ctx) => {
      const visit = await Visit.findByPk(visitId, { transaction: ctx.transaction });
      if (!visit) throw new VisitorError(404, 'visit_unknown', `no visit ${visitId}`);
      const visitor = (await Visitor.findByPk(visit.visitor_id, { transaction: ctx.transaction }))!;
      if (hold && visitor.purged_at) throw new VisitorError(410, 'visitor_purged', 'the visitor\'s details were already erased: there is nothing left to hold');
      if (Boolean(visit.hold) !== hold) {
        await visit.update({ hold, updated_at: ctx.now }, { transaction: ctx.transaction, silent: true });
        await ctx.append({ type: hold ? 'visitor.hold_set' : 'visitor.hold_released', actor: operator, subject: visitor.pseudonym, visit: visit.id });
      }
      return { visitId, hold };
    });
  }

  // ---- NDA -------------------------------------------------------------------------------------

  async publishNda(text: string, effectiveAt: Date | null, operator: string): Promise<{ version: number; sha256: string; effectiveAt: Date }> {
    return this.job(async (ctx) => {
      const max = await NdaVersion.max<number | null, NdaVersion>('version', { transaction: ctx.transaction });
      const version = Number(max ?? 0) + 1;
      const sha256 = sha256Hex(text);
      const effective = effectiveAt ?? ctx.now;
      await NdaVersion.create({ version, text, sha256, effective_at: effective, created_at: ctx.now }, { transaction: ctx.transaction });
      await ctx.append({ type: 'nda.published', actor: operator, nda_version: version, nda_sha256: sha256, effective_at: effective.toISOString() });
      return { version, sha256, effectiveAt: effective };
    });
  }

  /** Each NDA acceptance of a visitor with its commitment opened and checked (null once purged). */
  async ndaProof(visitorId: string): Promise<{ pseudonym: string; acceptances: { version: number; text_sha256: string; commitment: string; log_index: number; accepted_at: string; opening: NdaOpening | null; verified: boolean | null }[] }> {
    const visitor = await Visitor.findByPk(visitorId);
    if (!visitor) throw new VisitorError(404, 'visitor_unknown', `no visitor ${visitorId}`);
    const rows = await NdaAcceptance.findAll({ where: { visitor_id: visitorId }, order: [['accepted_at', 'ASC']] });
    const key = await this.deps.vault.keyOf(visitorId);
    try {
      return {
        pseudonym: visitor.pseudonym,
        acceptances: rows.map((r) => {
          const opening = key && r.opening ? this.deps.vault.openOpening(key, r.id, Buffer.from(r.opening)) : null;
          return {
            version: r.version,
            text_sha256: r.text_sha256,
            commitment: r.commitment,
            log_index: Number(r.log_index),
            accepted_at: new Date(r.accepted_at).toISOString(),
            opening,
            verified: opening ? verifyCommitment(r.commitment, Buffer.from(opening.salt, 'hex'), opening.fields) : null,
          };
        }),
      };
    } finally {
      key?.fill(0);
    }
  }

  // ---- Vendors ---------------------------------------------------------------------------------

  async registerVendor(input: VendorInput, operator: string): Promise<{ visitorId: string; pseudonym: string }> {
    return this.job(async (ctx) => {
      if (input.hostPersonId) await this.activeHost(input.hostPersonId, ctx.transaction);
      const { visitor, key } = await this.createVisitor(
        ctx,
        {
          person: input.person,
          company: input.company,
          kind: 'vendor',
          hostPersonId: input.hostPersonId,
          agreement: { ref: input.agreementRef, expiresAt: input.agreementExpiresAt, accessUntil: input.accessUntil },
        },
        operator,
      );
      key.fill(0);
      return { visitorId: visitor.id, pseudonym: visitor.pseudonym };
    });
  }

  async updateAgreement(visitorId: string, agreement: { ref: string; expiresAt: Date; accessUntil: Date | null }, operator: string): Promise<void> {
    await this.job(async (ctx) => {
      await secureDeletes(this.deps.sequelize, ctx.transaction);
      const visitor = await this.knownVisitor(visitorId, ctx.transaction);
      if (visitor.kind !== 'vendor') throw new VisitorError(409, 'not_a_vendor', `visitor ${visitorId} is not a vendor`);
      await visitor.update(
        { agreement_ref: agreement.ref, agreement_expires_at: agreement.expiresAt, access_until: agreement.accessUntil, updated_at: ctx.now },
        { transaction: ctx.transaction, silent: true },
      );
      await ctx.append({ type: 'vendor.agreement_updated', actor: operator, subject: visitor.pseudonym });
    });
  }

  // ---- Loaner cards ----------------------------------------------------------------------------

  async addLoanerCard(cardId: string, raw: string, format: CredentialFormat, operator: string): Promise<{ id: string }> {
    const read = canonicalCredential(raw, format);
    if (!read) throw new VisitorError(400, 'badge_invalid', `"${raw}" is not a ${format} badge number`, undefined, 'badge');
    const keys = new Set(badgeIndexKeys(read.canonical));
    return this.job(async (ctx) => {
      const badges = await Badge.findAll({ attributes: ['canonical'], transaction: ctx.transaction });
      const cards = await LoanerCard.findAll({ attributes: ['id', 'canonical'], transaction: ctx.transaction });
      // A card that a staff badge (or another loaner card) could be read as would be ambiguous at every reader.
      if (badges.some((b) => badgeIndexKeys(b.canonical).some((k) => keys.has(k)))) {
        throw new VisitorError(409, 'badge_taken', 'this card can be read as a staff badge', undefined, 'badge');
      }
      if (cards.some((c) => c.id === cardId)) throw new VisitorError(409, 'card_exists', `loaner card ${cardId} already exists`, undefined, 'id');
      if (cards.some((c) => badgeIndexKeys(c.canonical).some((k) => keys.has(k)))) {
        throw new VisitorError(409, 'badge_taken', 'this card can be read as another loaner card', undefined, 'badge');
      }
      await LoanerCard.create({ id: cardId, canonical: read.canonical, available: true, created_at: ctx.now, updated_at: ctx.now }, { transaction: ctx.transaction, silent: true });
      await ctx.append({ type: 'loaner_card.added', actor: operator, card: cardId });
      return { id: cardId };
    });
  }

  async listLoanerCards(): Promise<{ id: string; available: boolean; assigned_visit_id: string | null }[]> {
    const cards = await LoanerCard.findAll({ order: [['id', 'ASC']] });
    return cards.map((c) => ({ id: c.id, available: Boolean(c.available), assigned_visit_id: c.assigned_visit_id }));
  }

  /** A card handed back at the desk rather than tapped on the reader. */
  async returnLoanerCard(cardId: string, operator: string): Promise<void> {
    await this.job(async (ctx) => {
      const card = await LoanerCard.findByPk(cardId, { transaction: ctx.transaction });
      if (!card) throw new VisitorError(404, 'card_unknown', `no loaner card ${cardId}`);
      const visitId = card.assigned_visit_id;
      if (visitId) {
        const visit = await Visit.findByPk(visitId, { transaction: ctx.transaction });
        if (visit?.status === 'on_site') throw new VisitorError(409, 'visitor_on_site', 'the visitor holding this card is still signed in: sign them out instead');
      }
      await card.update({ available: true, assigned_visit_id: null, updated_at: ctx.now }, { transaction: ctx.transaction, silent: true });
      await ctx.append({ type: 'loaner_card.returned', actor: operator, card: cardId, ...(visitId ? { visit: visitId } : {}) });
    });
  }

  // ---- Watch list ------------------------------------------------------------------------------

  async addWatchEntry(entry: { kind: 'name' | 'company'; value: string; note: string | null }, operator: string): Promise<{ id: string }> {
    return this.job(async (ctx) => {
      const id = timeOrderedId();
      const sealed = this.deps.vault.master.sealWatchEntry(id, { kind: entry.kind, value: entry.value, ...(entry.note ? { note: entry.note } : {}) });
      await WatchListEntry.create({ id, sealed, created_at: ctx.now }, { transaction: ctx.transaction });
      await ctx.append({ type: 'watch_list.entry_added', actor: operator, entry: id });
      return { id };
    });
  }

  async listWatchEntries(): Promise<{ id: string; kind: string; value: string; note: string | null; created_at: string }[]> {
    return (await this.watchEntries()).map((e) => ({ id: e.id, kind: e.kind, value: e.value, note: e.note, created_at: e.createdAt.toISOString() }));
  }

  async removeWatchEntry(id: string, operator: string): Promise<void> {
    await this.job(async (ctx) => {
      await secureDeletes(this.deps.sequelize, ctx.transaction);
      const removed = await WatchListEntry.destroy({ where: { id }, transaction: ctx.transaction });
      if (removed === 0) throw new VisitorError(404, 'entry_unknown', `no watch-list entry ${id}`);
      await ctx.append({ type: 'watch_list.entry_removed', actor: operator, entry: id });
    });
  }

  // ---- Lists -----------------------------------------------------------------------------------

  async listVisits(filter: { status?: string; limit: number }): Promise<VisitSummary[]> {
    const visits = await Visit.findAll({
      where: filter.status ? { status: filter.status } : {},
      order: [['created_at', 'DESC']],
      limit: filter.limit,
    });
    const visitors = new Map((await Visitor.findAll({ where: { id: [...new Set(visits.map((v) => v.visitor_id))] } })).map((v) => [v.id, v]));
    const names = await this.namesOf([...visitors.values()]);
    return visits.map((v) => {
      const visitor = visitors.get(v.visitor_id)!;
      return {
        id: v.id,
        visitor_id: v.visitor_id,
        pseudonym: visitor.pseudonym,
        kind: visitor.kind,
        name: names.get(visitor.id) ?? null,
        company: v.company,
        host_person_id: v.host_person_id,
        status: v.status,
        escort_required: Boolean(v.escort_required),
        expected_at: iso(v.expected_at),
        signed_in_at: iso(v.signed_in_at),
        signed_out_at: iso(v.signed_out_at),
        sign_out_reason: v.sign_out_reason ?? null,
        badge_kind: v.badge_kind ?? null,
        loaner_card_id: v.loaner_card_id ?? null,
        hold: Boolean(v.hold),
        purged: visitor.purged_at !== null,
      };
    });
  }

  /** Decrypted names of visitors not yet purged (for lists and the roll call: never logged). */
  async namesOf(visitors: readonly Visitor[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const visitor of visitors) {
      if (!visitor.personal_data || visitor.purged_at) continue;
      const key = await this.deps.vault.keyOf(visitor.id);
      if (!key) continue;
      try {
        names.set(visitor.id, this.deps.vault.openPersonal(key, visitor.id, visitor.personal_data).name);
      } finally {
        key.fill(0);
      }
    }
    return names;
  }

  /** One visitor's personal data, decrypted: for the manager who must answer an access request. */
  async personalDataOf(visitorId: string): Promise<{ pseudonym: string; kind: VisitorKind; company: string | null; person: PersonalData | null; agreement_ref: string | null; agreement_expires_at: string | null }> {
    const visitor = await Visitor.findByPk(visitorId);
    if (!visitor) throw new VisitorError(404, 'visitor_unknown', `no visitor ${visitorId}`);
    const key = visitor.personal_data ? await this.deps.vault.keyOf(visitorId) : null;
    try {
      return {
        pseudonym: visitor.pseudonym,
        kind: visitor.kind,
        company: visitor.company,
        person: key ? this.deps.vault.openPersonal(key, visitorId, visitor.personal_data!) : null,
        agreement_ref: visitor.agreement_ref ?? null,
        agreement_expires_at: iso(visitor.agreement_expires_at),
      };
    } finally {
      key?.fill(0);
    }
  }
}

export function refusalMessage(reason: SignInRefusal): string {
  return REFUSAL_MESSAGE[reason];
}

export type { NdaRef };

/**
 * Ends a visit in the domain tables: the leaf is the caller's (its actor and evidence differ).
 * The badge token stops working at once; a loaner card goes back to the pool only when handed back.
 */
export async function closeVisit(ctx: WriteContext, visit: Visit, reason: string, releaseCard: string | null): Promise<void> {
  await visit.update(
    { status: 'signed_out', signed_out_at: ctx.now, sign_out_reason: reason, badge_token_hash: null, updated_at: ctx.now },
    { transaction: ctx.transaction, silent: true },
  );
  if (releaseCard) {
    await LoanerCard.update({ available: true, assigned_visit_id: null, updated_at: ctx.now }, { where: { id: releaseCard }, transaction: ctx.transaction, silent: true });
  }
}
