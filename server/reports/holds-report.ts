import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { LegalHold } from '../db/models';
import { isScreened, wallsOf } from '../domain/ethical-walls';
import { asDate, asDateOrNull } from '../disposal/disposal-snapshot';
import type { Services } from '../services';
import { when, type BuiltReport } from './report';
import { fileList, namesById } from './report-people';

export const holdsQuery = z.strictObject({
  active: z.enum(['true', 'false'], 'must be true or false').optional(),
});

interface ScopedFile {
  id: string;
  barcode: string;
  client: string;
  matter: string;
}

/**
 * Legal holds, placed and released, with who asked, who approved and the files each covers now
 * (the file, every file of the matter, or of the client). A hold on a matter the viewer is walled
 * off from is listed, so the count is right, without its client, matter or reason.
 */
export async function holdsReport(s: Services, q: z.infer<typeof holdsQuery>, viewer: { personId: string | null }): Promise<BuiltReport> {
  const active = q.active === undefined ? undefined : q.active === 'true';
  const holds = (await LegalHold.findAll({ order: [['placed_at', 'ASC']] })).filter((h) => active === undefined || (h.released_at === null) === active);
  const walls = await wallsOf(s.db.sequelize, viewer.personId);
  const names = await namesById(holds.flatMap((h) => [h.placed_by, h.approved_by, h.released_by, h.release_approved_by]));
  const person = (id: string | null | undefined) => (id ? (names.get(id) ?? id) : '');

  const rows: BuiltReport['rows'] = [];
  for (const hold of holds) {
    const files = await filesOf(s, hold);
    const screened = hold.scope !== 'record' && isScreened(walls, { client: hold.client ?? '', matter: hold.matter ?? '' });
    const single = hold.scope === 'record' ? files[0] : undefined;
    const scope =
      hold.scope === 'record'
        ? `file ${single && !isScreened(walls, single) ? single.barcode : '(behind an ethical wall)'}`
        : screened
          ? `${hold.scope} (behind an ethical wall)`
          : hold.scope === 'matter'
            ? `matter ${hold.client} / ${hold.matter}`
            : `client ${hold.client}`;
    const hidden = screened || (single !== undefined && isScreened(walls, single));
    const released = asDateOrNull(hold.released_at);
    rows.push({
      scope,
      reason: hidden ? '(behind an ethical wall)' : hold.reason,
      placed_by: person(hold.placed_by),
      approved_by: person(hold.approved_by),
      placed: when(asDate(hold.placed_at)),
      files: fileList(files, walls),
      status: released ? 'released' : 'ACTIVE',
      released: when(released),
      released_by: released ? `${person(hold.released_by)}${hold.release_approved_by ? `, approved by ${person(hold.release_approved_by)}` : ''}` : '',
      release_reason: released && !hidden ? (hold.release_reason ?? '') : '',
    });
  }
  const activeCount = holds.filter((h) => h.released_at === null).length;
  return {
    title: active === undefined ? 'Legal holds' : active ? 'Active legal holds' : 'Released legal holds',
    subtitle: [`${holds.length} hold(s): ${activeCount} active, ${holds.length - activeCount} released`, 'Files covered: those in the hold’s scope today', `Made ${when(s.clock.now())}`],
    columns: [
      { key: 'scope', label: 'Scope' },
      { key: 'reason', label: 'Reason' },
      { key: 'placed_by', label: 'Placed by' },
      { key: 'approved_by', label: 'Approved by' },
      { key: 'placed', label: 'Placed' },
      { key: 'files', label: 'Files covered' },
      { key: 'status', label: 'Status' },
      { key: 'released', label: 'Released' },
      { key: 'released_by', label: 'Released by' },
      { key: 'release_reason', label: 'Release reason' },
    ],
    rows,
    logged: { ...(q.active ? { active: q.active === 'true' } : {}), holds: holds.length },
  };
}

async function filesOf(s: Services, hold: LegalHold): Promise<ScopedFile[]> {
  const [where, replacements] =
    hold.scope === 'record'
      ? ['id = :id', { id: hold.record_id }]
      : hold.scope === 'matter'
        ? ['client = :client AND matter = :matter', { client: hold.client, matter: hold.matter }]
        : ['client = :client', { client: hold.client }];
  return s.db.sequelize.query<ScopedFile>(`SELECT id, barcode, client, matter FROM records WHERE ${where} ORDER BY barcode`, { type: QueryTypes.SELECT, replacements });
}
