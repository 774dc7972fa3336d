import { DataTypes, type QueryInterface } from 'sequelize';

/** Alerts climb a level when nobody acknowledges them in time. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('alerts', 'escalation_level', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  await qi.addColumn('alerts', 'escalated_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addIndex('alerts', ['status', 'created_at']);
}

export async function down(): Promise<void> {
  throw new Error('migrations are not reversed');
}
