import { Umzug, SequelizeStorage } from 'umzug';
import type { Sequelize } from 'sequelize';
import type { Logger } from '../shared/logger';
import * as initial from './migrations/0001-initial';
import * as auth from './migrations/0002-auth';
import * as workflows from './migrations/0003-workflows';
import * as disposal from './migrations/0004-disposal';
import * as visitors from './migrations/0005-visitors';
import * as alertEscalation from './migrations/0006-alert-escalation';
import * as files from './migrations/0007-files';
import * as writeLocality from './migrations/0008-write-locality';

/** Versioned migrations, listed here in order so a build can't miss or reorder one. */
const MIGRATIONS = [
  { name: '0001-initial', ...initial },
  { name: '0002-auth', ...auth },
  { name: '0003-workflows', ...workflows },
  { name: '0004-disposal', ...disposal },
  { name: '0005-visitors', ...visitors },
  { name: '0006-alert-escalation', ...alertEscalation },
  { name: '0007-files', ...files },
  { name: '0008-write-locality', ...writeLocality },
];

/** In the order they run. */
export const MIGRATION_NAMES = (): string[] => MIGRATIONS.map((m) => m.name);

/** `to`: stop after this migration (tests of a migration over data written before it). */
export async function migrate(sequelize: Sequelize, logger: Logger, options: { to?: string } = {}): Promise<string[]> {
  const log = logger.child({ component: 'migrate' });
  const umzug = new Umzug({
    migrations: MIGRATIONS.map((m) => ({ name: m.name, up: m.up, down: m.down })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
  const applied = await umzug.up(options.to ? { to: options.to } : {});
  for (const m of applied) log.info({ migration: m.name }, 'migration applied');
  return applied.map((m) => m.name);
}
