import { QueryTypes, type Sequelize } from 'sequelize';

export interface HostChoice {
  id: string;
  name: string;
}

/** Everyone on the staff may be visited; vendors are visitors themselves. */
const HOSTING_ROLES = ['reception', 'staff', 'manager', 'admin'] as const;

/**
 * Whom a walk-in may say they are visiting, for the kiosk's list: id and display name of people
 * who are active and within their validity window now. Nothing else leaves: the kiosk stands in
 * the lobby, so emails, roles and badges stay with the managers' directory.
 */
export async function hostChoices(sequelize: Sequelize, now: Date): Promise<HostChoice[]> {
  const rows = await sequelize.query<{ id: string; name: string; valid_from: string | Date | null; valid_until: string | Date | null }>(
    `SELECT id, name, valid_from, valid_until FROM people WHERE active = :yes AND role IN (:roles) ORDER BY name`,
    { type: QueryTypes.SELECT, replacements: { yes: true, roles: [...HOSTING_ROLES] } },
  );
  const t = now.getTime();
  return rows
    .filter((p) => (p.valid_from === null || new Date(p.valid_from).getTime() <= t) && (p.valid_until === null || new Date(p.valid_until).getTime() > t))
    .map((p) => ({ id: p.id, name: p.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
