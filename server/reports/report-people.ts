import { Op } from 'sequelize';
import { Person } from '../db/models';
import { isScreened } from '../domain/ethical-walls';
import type { ScreenedMatter } from '../workflows/cabinet-access';

/** Staff names by people.id, for reports only: the custody log names people by pseudonym. */
export async function namesById(ids: Iterable<string | null | undefined>): Promise<Map<string, string>> {
  const list = [...new Set([...ids].filter((x): x is string => typeof x === 'string' && x.length > 0))];
  if (list.length === 0) return new Map();
  return new Map((await Person.findAll({ where: { id: { [Op.in]: list } } })).map((p) => [p.id, p.name]));
}

/**
 * Barcodes as a report cell ("3: SK-1, SK-2, SK-3"). Files behind the viewer's ethical walls are
 * counted, so totals still add up, but not named.
 */
export function fileList(files: readonly { barcode: string; client: string; matter: string }[], walls: readonly ScreenedMatter[]): string {
  if (files.length === 0) return '0';
  const shown = files.filter((f) => !isScreened(walls, f)).map((f) => f.barcode);
  const screened = files.length - shown.length;
  return `${files.length}: ${[...shown].sort().join(', ')}${screened > 0 ? `${shown.length > 0 ? ', ' : ''}${screened} behind an ethical wall` : ''}`;
}
