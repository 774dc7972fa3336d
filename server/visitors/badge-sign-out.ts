import { Visit, Visitor } from '../db/models';
import { hashVisitToken, isVisitToken } from './crypto';
import { secureDeletes } from './vault';
import { closeVisit, VisitorError, type VisitorServiceDeps } from './visitor-service';

export interface BadgeSignOut {
  visitId: string;
  signedOutAt: Date;
  /** For the kiosk's goodbye only: the badge already shows it, so nothing more is disclosed. */
  firstName: string | null;
}

const UNKNOWN_BADGE = 'This badge is not signed in here: it was already signed out, or it is not one of our visitor badges. Please ask at the reception desk.';

/**
 * A visitor signs out at the kiosk by scanning the QR code on their own printed badge. The token
 * is 128 random bits and stored only as a hash, so holding the badge is the proof; closing the
 * visit clears that hash, so a second scan finds nothing and writes nothing.
 */
export async function signOutByBadge(deps: Pick<VisitorServiceDeps, 'sequelize' | 'writer' | 'vault'>, token: string, operator: string): Promise<BadgeSignOut> {
  // Anything that is not even shaped like a token is refused before the writer is troubled.
  if (!isVisitToken(token)) throw new VisitorError(404, 'badge_unknown', UNKNOWN_BADGE);
  const hash = hashVisitToken(token);
  const outcome = await deps.writer.submit({
    run: async (ctx) => {
      const { transaction } = ctx;
      const visit = await Visit.findOne({ where: { badge_token_hash: hash }, transaction });
      if (!visit || visit.status !== 'on_site') {
        // An invitation shown instead of the badge: say what to do rather than "unknown".
        const invitation = visit ? null : await Visit.findOne({ where: { token_hash: hash, status: 'expected' }, transaction });
        if (invitation) throw new VisitorError(409, 'not_signed_in', 'This is an invitation code: this visit has not been signed in, so there is nothing to sign out.');
        throw new VisitorError(404, 'badge_unknown', UNKNOWN_BADGE);
      }
      await secureDeletes(deps.sequelize, transaction);
      const visitor = (await Visitor.findByPk(visit.visitor_id, { transaction }))!;
      await ctx.append({
        type: 'visitor.signed_out',
        actor: operator,
        subject: visitor.pseudonym,
        visit: visit.id,
        location: 'reception',
        reason: 'badge_returned',
        how: 'badge',
      });
      await closeVisit(ctx, visit, 'badge_returned', null);
      const personal = visitor.personal_data;
      const name = personal ? await deps.vault.withKey(visitor.id, transaction, (key) => deps.vault.openPersonal(key, visitor.id, personal).name).catch(() => null) : null;
      return { visitId: visit.id, signedOutAt: ctx.now, firstName: name ? (name.trim().split(/\s+/)[0] ?? null) : null };
    },
  });
  if (outcome.duplicate) throw new Error('internal: badge sign-outs carry no idempotency key');
  return outcome.value;
}
