import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Indexes a flood of reads can keep up with. An index whose new entries land in one spot per
 * device (device_events by device_id, cabinet_visits by cabinet_id) rewrites a page per device at
 * every commit; with 160 boards that was most of SQLite's work per read in `npm run bench`. Each
 * question those indexes answered is now served by an index that grows at its end (by time) or
 * stays small (open visits only, one row per device):
 * - a cabinet's last door and lock report: device_last_states, one row per device and kind;
 * - today's badge reads (roll call): device_events (kind, ts_received);
 * - which visits are open (counted by the cabinet watch; the workflows load them once and keep
 *   them in memory): cabinet_visits (cabinet_id) WHERE ended_at IS NULL, a partial index that
 *   holds only open visits; the visit reports: (started_at).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const postgres = qi.sequelize.getDialect() === 'postgres';
  await qi.createTable('device_last_states', {
    device_id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    kind: { type: DataTypes.STRING(20), primaryKey: true, allowNull: false },
    state: { type: DataTypes.STRING(20), allowNull: false },
    ts_received: { type: DataTypes.STRING(40), allowNull: false },
    log_index: { type: DataTypes.BIGINT, allowNull: false },
  });
  const state = postgres ? `(payload::json ->> 'state')` : `json_extract(payload, '$.state')`;
  await qi.sequelize.query(
    `INSERT INTO device_last_states (device_id, kind, state, ts_received, log_index)
     SELECT device_id, kind, state, ts_received, log_index FROM (
       SELECT device_id, kind, ${state} AS state, ts_received, log_index,
              ROW_NUMBER() OVER (PARTITION BY device_id, kind ORDER BY ts_received DESC, log_index DESC) AS newest
       FROM device_events WHERE kind IN ('door', 'lock')
     ) AS latest WHERE newest = 1 AND state IS NOT NULL`,
  );
  await qi.removeIndex('device_events', ['device_id', 'ts_received']);
  await qi.addIndex('device_events', ['kind', 'ts_received']);
  await qi.removeIndex('cabinet_visits', ['cabinet_id', 'ended_at']);
  await qi.addIndex('cabinet_visits', ['cabinet_id'], { name: 'cabinet_visits_open', where: { ended_at: null } });
  await qi.addIndex('cabinet_visits', ['started_at']);
}

export async function down(): Promise<void> {
  throw new Error('migrations are not reversed');
}
