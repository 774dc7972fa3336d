import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * The first schema. Ids are time-ordered (UUIDv7) text: random keys made batched inserts several
 * times slower (shared/reference/performance.md). Office structure (sites, rooms, cabinets, bins,
 * devices) takes its ids from the office file.
 */
const id = { type: DataTypes.STRING(64), primaryKey: true, allowNull: false };
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};
const ref = (table: string, allowNull = true) => ({
  type: DataTypes.STRING(64),
  allowNull,
  references: { model: table, key: 'id' },
});

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('people', {
    id,
    pseudonym: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(200), allowNull: false },
    email: { type: DataTypes.STRING(200), allowNull: true },
    role: { type: DataTypes.STRING(20), allowNull: false },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    ...timestamps,
  });
  await qi.createTable('badges', {
    id,
    person_id: ref('people', false),
    canonical: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    raw_forms: { type: DataTypes.TEXT, allowNull: false, defaultValue: '[]' },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    valid_until: { type: DataTypes.DATE, allowNull: true },
    ...timestamps,
  });
  await qi.createTable('visitors', {
    id,
    pseudonym: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    // Personal data stays encrypted under a key per visitor, so it can be erased by destroying the key.
    personal_data: { type: DataTypes.BLOB, allowNull: true },
    company: { type: DataTypes.STRING(200), allowNull: true },
    host_person_id: ref('people'),
    ...timestamps,
  });
  await qi.createTable('sites', { id, name: { type: DataTypes.STRING(200), allowNull: false }, ...timestamps });
  await qi.createTable('rooms', {
    id,
    site_id: ref('sites', false),
    name: { type: DataTypes.STRING(200), allowNull: false },
    kind: { type: DataTypes.STRING(30), allowNull: false },
    ...timestamps,
  });
  await qi.createTable('devices', {
    id,
    name: { type: DataTypes.STRING(200), allowNull: true },
    role: { type: DataTypes.STRING(30), allowNull: false },
    transport: { type: DataTypes.STRING(20), allowNull: false },
    hardware_id: { type: DataTypes.STRING(200), allowNull: true },
    last_seen_at: { type: DataTypes.DATE, allowNull: true },
    ...timestamps,
  });
  await qi.createTable('cabinets', {
    id,
    room_id: ref('rooms', false),
    name: { type: DataTypes.STRING(200), allowNull: false },
    ...timestamps,
  });
  await qi.createTable('shred_bins', {
    id,
    room_id: ref('rooms', false),
    name: { type: DataTypes.STRING(200), allowNull: false },
    ...timestamps,
  });
  await qi.createTable('records', {
    id,
    barcode: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    client: { type: DataTypes.STRING(200), allowNull: false },
    matter: { type: DataTypes.STRING(200), allowNull: false },
    volume: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    title: { type: DataTypes.STRING(300), allowNull: false },
    confidentiality: { type: DataTypes.STRING(30), allowNull: false },
    home_cabinet_id: ref('cabinets'),
    retention_class: { type: DataTypes.STRING(60), allowNull: true },
    legal_hold: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    custodian_person_id: ref('people'),
    location_id: { type: DataTypes.STRING(64), allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('records', ['client', 'matter']);
  await qi.createTable('alerts', {
    id,
    type: { type: DataTypes.STRING(60), allowNull: false },
    severity: { type: DataTypes.STRING(20), allowNull: false },
    status: { type: DataTypes.STRING(20), allowNull: false },
    message: { type: DataTypes.STRING(500), allowNull: false },
    device_id: { type: DataTypes.STRING(64), allowNull: true },
    record_id: { type: DataTypes.STRING(64), allowNull: true },
    log_index: { type: DataTypes.BIGINT, allowNull: true },
    acknowledged_at: { type: DataTypes.DATE, allowNull: true },
    acknowledged_by: { type: DataTypes.STRING(64), allowNull: true },
    acknowledgement_note: { type: DataTypes.STRING(1000), allowNull: true },
    ...timestamps,
  });
  await qi.createTable('device_events', {
    id,
    idempotency_key: { type: DataTypes.STRING(200), allowNull: false, unique: true },
    device_id: { type: DataTypes.STRING(64), allowNull: false },
    kind: { type: DataTypes.STRING(20), allowNull: false },
    payload: { type: DataTypes.TEXT, allowNull: false },
    ts_device: { type: DataTypes.STRING(40), allowNull: true },
    ts_received: { type: DataTypes.STRING(40), allowNull: false },
    log_index: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex('device_events', ['device_id', 'ts_received']);
  // The custody log: the exact leaf bytes are stored, because re-canonicalizing on verify costs 2.5x.
  await qi.createTable('log_entries', {
    idx: { type: DataTypes.BIGINT, primaryKey: true, allowNull: false },
    leaf: { type: DataTypes.BLOB, allowNull: false },
    leaf_hash: { type: DataTypes.BLOB, allowNull: false },
    record_id: { type: DataTypes.STRING(64), allowNull: true },
    record_seq: { type: DataTypes.INTEGER, allowNull: true },
  });
  await qi.addIndex('log_entries', ['record_id', 'record_seq'], { unique: true });
  await qi.createTable('checkpoints', {
    tree_size: { type: DataTypes.BIGINT, primaryKey: true, allowNull: false },
    root_hash: { type: DataTypes.BLOB, allowNull: false },
    note: { type: DataTypes.TEXT, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await forbidUpdatesAndDeletes(qi, ['log_entries', 'checkpoints']);
  // The writer proves the disk has room again by writing here (see CustodyWriter.probe).
  await qi.createTable('writer_probe', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    filler: { type: DataTypes.BLOB, allowNull: true },
  });
}

/** Append-only is enforced by the database itself, not only by our code. */
async function forbidUpdatesAndDeletes(qi: QueryInterface, tables: string[]): Promise<void> {
  const sequelize = qi.sequelize;
  if (sequelize.getDialect() === 'sqlite') {
    for (const table of tables) {
      for (const op of ['UPDATE', 'DELETE']) {
        await sequelize.query(
          `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
            `BEGIN SELECT RAISE(ABORT, 'custody log is append-only: ${op} on ${table} refused'); END`,
        );
      }
    }
    return;
  }
  await sequelize.query(`
    CREATE OR REPLACE FUNCTION safekeep_append_only() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'custody log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
    END $$ LANGUAGE plpgsql`);
  for (const table of tables) {
    await sequelize.query(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
        `FOR EACH ROW EXECUTE FUNCTION safekeep_append_only()`,
    );
    await sequelize.query(
      `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} ` +
        `FOR EACH STATEMENT EXECUTE FUNCTION safekeep_append_only()`,
    );
  }
}

export async function down(): Promise<void> {
  throw new Error('the custody log is never migrated down');
}
