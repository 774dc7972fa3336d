import type { Sequelize, Transaction } from 'sequelize';
import { LoanerCard, Visit, Visitor } from '../db/models';
import type { Credential, DeviceEvent } from '../ingest/device-event';
import type { WriteContext } from '../ingest/custody-writer';
import type { AfterCommit } from '../workflows/correlator';
import { badgeIndexKeys, credentialMatchKeys } from '../../devices/credentials/canonical';
import { hashVisitToken, isVisitToken } from './crypto';
import { decideReceptionRead, type ReceptionRead } from './decisions';
import { secureDeletes } from './vault';
import { closeVisit } from './visitor-service';

/** What the correlator asks of the visitor module. */
export interface ReceptionHook {
  /** A read at the reception reader or scanner, inside the job that stored it. */
  atReception(ctx: WriteContext, event: DeviceEvent, evidenceId: string, actor: string | undefined): Promise<AfterCommit>;
  /** Whether a badge read is one of the visitors' loaner cards (assigned or not): never a key to a cabinet. */
  isVisitorCredential(read: Credential, transaction?: Transaction): Promise<boolean>;
  /** The loaner card a read belongs to and, while it is lent, the visitor's pseudonym (for the denial leaf). */
  visitorCredential(read: Credential, transaction?: Transaction): Promise<{ cardId: string; visitor: string | null } | null>;
}

/**
 * Reception's reader and scanner: a visitor hands back their badge and is signed out. The decision
 * is `decideReceptionRead`; this reads the state it needs in the writer's transaction and applies
 * the outcomes there, so the sign-out commits with the read it rests on.
 */
export class ReceptionDesk implements ReceptionHook {
  constructor(private readonly deps: { sequelize: Sequelize }) {}

  private async cardFor(read: Credential, transaction?: Transaction): Promise<LoanerCard | null> {
    const keys = new Set(credentialMatchKeys(read));
    // The pool is a few dozen cards: matching by key in memory keeps 24-bit reads working.
    const cards = await LoanerCard.findAll(transaction ? { transaction } : {});
    const found = cards.filter((c) => badgeIndexKeys(c.canonical).some((k) => keys.has(k)));
    return found.length === 1 ? found[0]! : null;
  }

  async isVisitorCredential(read: Credential, transaction?: Transaction): Promise<boolean> {
    return (await this.cardFor(read, transaction)) !== null;
  }

  async visitorCredential(read: Credential, transaction?: Transaction): Promise<{ cardId: string; visitor: string | null } | null> {
    const card = await this.cardFor(read, transaction);
    if (!card) return null;
    const visit = card.assigned_visit_id ? await Visit.findByPk(card.assigned_visit_id, transaction ? { transaction } : {}) : null;
    const visitor = visit ? await Visitor.findByPk(visit.visitor_id, transaction ? { transaction } : {}) : null;
    return { cardId: card.id, visitor: visitor?.pseudonym ?? null };
  }

  private async visitState(visitId: string, transaction: Transaction): Promise<{ id: string; actor: string; onSite: boolean } | null> {
    const visit = await Visit.findByPk(visitId, { transaction });
    if (!visit) return null;
    const visitor = await Visitor.findByPk(visit.visitor_id, { transaction });
    return { id: visit.id, actor: visitor!.pseudonym, onSite: visit.status === 'on_site' };
  }

  private async lookUp(event: DeviceEvent, actor: string | undefined, transaction: Transaction): Promise<ReceptionRead> {
    if (event.kind === 'badge') {
      const card = await this.cardFor(event.credential, transaction);
      if (!card) return { kind: 'card', card: null, staffBadge: actor !== undefined };
      const visit = card.assigned_visit_id ? await this.visitState(card.assigned_visit_id, transaction) : null;
      return { kind: 'card', card: { id: card.id, visit }, staffBadge: actor !== undefined };
    }
    if (event.kind === 'barcode') {
      const text = event.data.trim();
      if (!isVisitToken(text)) return { kind: 'other' };
      const hash = hashVisitToken(text);
      const onBadge = await Visit.findOne({ where: { badge_token_hash: hash }, transaction });
      if (onBadge) return { kind: 'token', match: { role: 'badge', visit: (await this.visitState(onBadge.id, transaction))! } };
      const expected = await Visit.findOne({ where: { token_hash: hash, status: 'expected' }, transaction });
      return { kind: 'token', match: expected ? { role: 'preregistration' } : null };
    }
    return { kind: 'other' };
  }

  async atReception(ctx: WriteContext, event: DeviceEvent, evidenceId: string, actor: string | undefined): Promise<AfterCommit> {
    const after: AfterCommit = { commands: [], answers: [], alerts: [] };
    const { transaction } = ctx;
    const read = await this.lookUp(event, actor, transaction);
    const outcomes = decideReceptionRead(read, event.deviceId);
    if (outcomes.some((o) => o.kind === 'sign_out' || o.kind === 'card.release')) await secureDeletes(this.deps.sequelize, transaction);
    for (const o of outcomes) {
      switch (o.kind) {
        case 'fact':
          await ctx.append({ ...o.leaf, evidence: [evidenceId] });
          break;
        case 'sign_out': {
          const visit = await Visit.findByPk(o.visitId, { transaction });
          if (visit) await closeVisit(ctx, visit, o.reason, o.releaseCard);
          break;
        }
        case 'card.release':
          await LoanerCard.update({ available: true, assigned_visit_id: null, updated_at: ctx.now }, { where: { id: o.cardId }, transaction, silent: true });
          break;
        case 'answer':
          after.answers.push({ deviceId: event.deviceId, ok: o.ok, message: o.message });
          break;
      }
    }
    return after;
  }
}
