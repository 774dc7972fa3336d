import { Op } from 'sequelize';
import type { z } from 'zod';
import { NdaAcceptance, Visit, Visitor } from '../db/models';
import { HttpError } from '../api/route';
import { asDate, asDateOrNull } from '../disposal/disposal-snapshot';
import type { Services } from '../services';
import { visitorsOf } from '../visitors/visitors-module';
import type { VisitorVault } from '../visitors/vault';
import { SealError } from '../visitors/crypto';
import { boundsOf, periodQuery } from './period';
import { when, type BuiltReport } from './report';
import { namesById } from './report-people';

export const visitorLogQuery = periodQuery;

const SIGN_OUT: Record<string, string> = {
  reception: 'at the desk',
  badge_returned: 'badge returned at reception',
  closing_time: 'automatically at closing',
};

/** Name and purposes of one visitor, opened with their key; null once purged or unreadable. */
interface Opened {
  name: string | null;
  purposes: Map<string, string>;
}

/**
 * The visitor log of a period (by sign-in time): who came, for whom, why, under which NDA, with
 * which badge, and how they left. Names and purposes are sealed per visitor and opened here for
 * the manager reading the report only; a purged visitor reads "(purged)". The report's custody-log
 * entry carries the period and a count, never a name (the route logs `logged` and nothing else).
 */
export async function visitorLogReport(s: Services, q: z.infer<typeof visitorLogQuery>): Promise<BuiltReport> {
  const module = visitorsOf(s);
  if (!module) throw new HttpError(503, 'the visitor module is not running');
  const period = boundsOf(q);
  const signedIn = { [Op.ne]: null, ...(period.from ? { [Op.gte]: period.from } : {}), ...(period.until ? { [Op.lt]: period.until } : {}) };
  const visits = await Visit.findAll({ where: { signed_in_at: signedIn }, order: [['signed_in_at', 'ASC']] });
  const visitorIds = [...new Set(visits.map((v) => v.visitor_id))];
  const visitors = visitorIds.length === 0 ? [] : await Visitor.findAll({ where: { id: { [Op.in]: visitorIds } } });
  const acceptances = visitorIds.length === 0 ? [] : await NdaAcceptance.findAll({ where: { visitor_id: { [Op.in]: visitorIds } }, order: [['accepted_at', 'ASC']] });
  const hosts = await namesById(visits.map((v) => v.host_person_id));

  const opened = new Map<string, Opened>();
  for (const visitor of visitors) {
    opened.set(
      visitor.id,
      await openVisitor(
        module.service.deps.vault,
        visitor,
        visits.filter((v) => v.visitor_id === visitor.id),
      ),
    );
  }

  const rows = visits.map((visit) => {
    const visitor = visitors.find((v) => v.id === visit.visitor_id)!;
    const open = opened.get(visitor.id)!;
    const purged = visitor.purged_at !== null;
    const name = purged ? '(purged)' : (open.name ?? '(unreadable)');
    const signedInAt = asDate(visit.signed_in_at);
    const here = acceptances.find((a) => a.visit_id === visit.id);
    const earlier = acceptances.filter((a) => a.visitor_id === visitor.id && asDate(a.accepted_at) <= signedInAt).at(-1);
    const out = asDateOrNull(visit.signed_out_at);
    return {
      signed_in: when(signedInAt),
      signed_out: when(out),
      how_out: visit.status === 'on_site' ? 'still on site' : out ? (SIGN_OUT[visit.sign_out_reason ?? ''] ?? visit.sign_out_reason ?? '') : '',
      visitor: visitor.kind === 'vendor' ? `${name} (vendor)` : name,
      company: visit.company ?? '',
      host: visit.host_person_id ? (hosts.get(visit.host_person_id) ?? '') : '',
      purpose: purged ? '(purged)' : (open.purposes.get(visit.id) ?? ''),
      nda: here ? `v${here.version}` : earlier ? `v${earlier.version} (earlier visit)` : 'none',
      badge: visit.badge_kind === 'card' ? `loaner card ${visit.loaner_card_id ?? ''}`.trim() : visit.badge_kind === 'label' ? 'printed label' : '',
      escort: visit.escort_required ? 'yes' : 'no',
    };
  });
  return {
    title: 'Visitor log',
    subtitle: [
      `${period.text}, by sign-in time`,
      `${visits.length} visit(s), ${visits.filter((v) => v.status === 'on_site').length} still on site`,
      'Contains visitors’ personal data: keep it no longer than the visitor retention period',
      `Made ${when(s.clock.now())}`,
    ],
    columns: [
      { key: 'signed_in', label: 'Signed in' },
      { key: 'signed_out', label: 'Signed out' },
      { key: 'how_out', label: 'How signed out' },
      { key: 'visitor', label: 'Visitor' },
      { key: 'company', label: 'Company' },
      { key: 'host', label: 'Host' },
      { key: 'purpose', label: 'Purpose' },
      { key: 'nda', label: 'NDA accepted' },
      { key: 'badge', label: 'Badge' },
      { key: 'escort', label: 'Escort' },
    ],
    rows,
    logged: { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), visits: visits.length },
  };
}

/** One key unwrap per visitor, wiped after; a visit without sealed details has no purpose. */
async function openVisitor(vault: VisitorVault, visitor: Visitor, visits: readonly Visit[]): Promise<Opened> {
  const purposes = new Map<string, string>();
  if (visitor.purged_at !== null || !visitor.personal_data) return { name: null, purposes };
  const key = await vault.keyOf(visitor.id);
  if (!key) return { name: null, purposes };
  try {
    const name = vault.openPersonal(key, visitor.id, visitor.personal_data).name;
    for (const visit of visits) {
      if (!visit.details) continue;
      const purpose = vault.openDetails(key, visit.id, visit.details).purpose;
      if (purpose) purposes.set(visit.id, purpose);
    }
    return { name, purposes };
  } catch (err) {
    // A damaged row must not hide the rest of the log: it reads "(unreadable)" and the integrity check finds it.
    if (err instanceof SealError) return { name: null, purposes };
    throw err;
  } finally {
    key.fill(0);
  }
}
