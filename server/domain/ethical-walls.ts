import { Op, QueryTypes, type Sequelize, type WhereOptions } from 'sequelize';
import { isScreened, type ScreenedMatter } from '../workflows/cabinet-access';

/** The matters a person is screened from; none for an account that is no person (the kiosk). */
export async function wallsOf(sequelize: Sequelize, personId: string | null): Promise<ScreenedMatter[]> {
  if (!personId) return [];
  return sequelize.query<ScreenedMatter>('SELECT client, matter FROM ethical_walls WHERE person_id = :personId', {
    type: QueryTypes.SELECT,
    replacements: { personId },
  });
}

/** A records query that leaves out every file behind the person's walls. */
export function outsideWalls(walls: readonly ScreenedMatter[]): WhereOptions {
  if (walls.length === 0) return {};
  return {
    [Op.and]: walls.map((w) => (w.matter === null ? { client: { [Op.ne]: w.client } } : { [Op.not]: { client: w.client, matter: w.matter } })),
  };
}

export { isScreened };
