import { randomBytes } from 'node:crypto';

/**
 * The ids that stand for people in the custody log. Random, so nothing about the person can be
 * derived from them; the link to a name lives only in the database.
 */
export function newPseudonym(prefix: 'p' | 'v'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
