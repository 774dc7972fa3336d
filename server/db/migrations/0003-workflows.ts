import { DataTypes, type QueryInterface } from 'sequelize';

/** Access control, policy acknowledgements, ethical walls and cabinet visits (issue 5). */
const id = { type: DataTypes.STRING(64), primaryKey: true, allowNull: false };
const ref = (table: string, allowNull = false) => ({ type: DataTypes.STRING(64), allowNull, references: { model: table, key: 'id' } });
const at = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('people', 'valid_from', at(true));
  await qi.addColumn('people', 'valid_until', at(true));
  await qi.createTable('access_groups', { id, name: { type: DataTypes.STRING(200), allowNull: false, unique: true }, created_at: at(), updated_at: at() });
  await qi.createTable('access_group_members', {
    group_id: { ...ref('access_groups'), primaryKey: true },
    person_id: { ...ref('people'), primaryKey: true },
  });
  await qi.createTable('access_rules', {
    id,
    group_id: ref('access_groups'),
    cabinet_id: ref('cabinets'),
    // Weekdays as "mon,tue,…"; with no times the rule holds all day on those days.
    days: { type: DataTypes.STRING(40), allowNull: false },
    from_time: { type: DataTypes.STRING(5), allowNull: true },
    to_time: { type: DataTypes.STRING(5), allowNull: true },
  });
  await qi.addIndex('access_rules', ['group_id']);
  await qi.createTable('policy_versions', {
    version: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    title: { type: DataTypes.STRING(200), allowNull: false },
    text_sha256: { type: DataTypes.STRING(64), allowNull: false },
    effective_at: at(),
  });
  await qi.createTable('policy_acknowledgements', {
    id,
    person_id: ref('people'),
    version: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'policy_versions', key: 'version' } },
    acknowledged_at: at(),
  });
  await qi.addIndex('policy_acknowledgements', ['person_id', 'version'], { unique: true });
  await qi.createTable('ethical_walls', {
    id,
    person_id: ref('people'),
    client: { type: DataTypes.STRING(200), allowNull: false },
    // No matter: the person is screened from every matter of the client.
    matter: { type: DataTypes.STRING(200), allowNull: true },
    reason: { type: DataTypes.STRING(500), allowNull: false },
    created_at: at(),
  });
  await qi.addIndex('ethical_walls', ['person_id']);
  await qi.createTable('cabinet_visits', {
    id,
    cabinet_id: ref('cabinets'),
    person_id: ref('people'),
    started_at: at(),
    last_activity_at: at(),
    ended_at: at(true),
    end_reason: { type: DataTypes.STRING(40), allowNull: true },
  });
  await qi.addIndex('cabinet_visits', ['cabinet_id', 'ended_at']);
}

export async function down(): Promise<void> {
  throw new Error('migrations are not reversed');
}
