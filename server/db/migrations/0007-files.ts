import { DataTypes, type QueryInterface } from 'sequelize';

/** Due dates, requests for files that are out, audit sweeps (issue 5, files). */
const id = { type: DataTypes.STRING(64), primaryKey: true, allowNull: false };
const ref = (table: string, allowNull = false) => ({ type: DataTypes.STRING(64), allowNull, references: { model: table, key: 'id' } });

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('records', 'due_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('records', 'reminded_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('records', 'overdue_notified_at', { type: DataTypes.DATE, allowNull: true });
  await qi.createTable('record_requests', {
    id,
    record_id: ref('records'),
    person_id: ref('people'),
    requested_at: { type: DataTypes.DATE, allowNull: false },
    notified_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex('record_requests', ['record_id', 'notified_at']);
  await qi.createTable('sweeps', {
    id,
    cabinet_id: ref('cabinets'),
    started_by: { type: DataTypes.STRING(64), allowNull: false },
    started_at: { type: DataTypes.DATE, allowNull: false },
    finished_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.createTable('sweep_scans', {
    sweep_id: { ...ref('sweeps'), primaryKey: true },
    barcode: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    scanned_at: { type: DataTypes.DATE, allowNull: false },
  });
  // Small facts about the office's own routine, such as when files out at closing were last reported.
  await qi.createTable('office_state', {
    key: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    value: { type: DataTypes.STRING(200), allowNull: false },
  });
}

export async function down(): Promise<void> {
  throw new Error('migrations are not reversed');
}
