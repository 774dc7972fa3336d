import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Retention, legal holds, shred-bin deposits, vendor pickups and certificates of destruction
 * (issue 5, points 5 and 6). Personal data (a destruction operator's name, free-text reasons) lives
 * here next to the salt of its commitment; the custody log holds only the commitment.
 */
const id = { type: DataTypes.STRING(64), primaryKey: true, allowNull: false };
const ref = (table: string, allowNull = false) => ({ type: DataTypes.STRING(64), allowNull, references: { model: table, key: 'id' } });
const at = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });
const text = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const timestamps = { created_at: at(), updated_at: at() };

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('retention_classes', {
    id,
    // records.retention_class names a class by id or by this name (CSV imports write names).
    name: { ...text(60), unique: true },
    // 'matter_closed' | 'created': when the period starts.
    trigger: text(20),
    years: { type: DataTypes.INTEGER, allowNull: false },
    // Default for the class's files: originals go back to the client, never into a bin.
    return_to_client: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    ...timestamps,
  });

  await qi.createTable('matters', {
    id,
    client: text(200),
    matter: text(200),
    closed_at: at(true),
    // JSON array of the matter's parties, kept for conflict checks: personal data, never logged.
    parties: { type: DataTypes.TEXT, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('matters', ['client', 'matter'], { unique: true });

  // The file's own "original, return to the client" flag; NULL takes its retention class's default.
  await qi.addColumn('records', 'return_to_client', { type: DataTypes.BOOLEAN, allowNull: true });

  await qi.createTable('legal_holds', {
    id,
    // 'record' | 'matter' | 'client'
    scope: text(10),
    record_id: ref('records', true),
    client: text(200, true),
    matter: text(200, true),
    reason: text(1000),
    reason_salt: text(32),
    placed_by: ref('people'),
    approved_by: ref('people'),
    placed_at: at(),
    released_at: at(true),
    released_by: ref('people', true),
    release_approved_by: ref('people', true),
    release_reason: text(1000, true),
    release_reason_salt: text(32, true),
    ...timestamps,
  });
  await qi.addIndex('legal_holds', ['released_at']);
  await qi.addIndex('legal_holds', ['client', 'matter']);
  await qi.addIndex('legal_holds', ['record_id']);

  await qi.createTable('disposal_batches', {
    id,
    bin_id: ref('shred_bins'),
    started_at: at(),
    // The vendor who badged, or the manager who started it through the API (when known).
    started_by: ref('people', true),
    // 'badge' | 'api'
    started_via: text(10),
    seal_number: text(100, true),
    ...timestamps,
  });
  await qi.addIndex('disposal_batches', ['bin_id', 'started_at']);

  await qi.createTable('destruction_certificates', {
    id,
    batch_id: ref('disposal_batches'),
    serial_number: text(100),
    // YYYY-MM-DD as printed on the certificate.
    destroyed_on: text(10),
    place: text(300),
    method: text(100),
    // Personal data: kept here, erasable; the log holds only operator_commitment.
    operator_name: text(200, true),
    operator_salt: text(32, true),
    operator_commitment: text(64),
    file_sha256: text(64),
    file_name: text(200, true),
    file_size: { type: DataTypes.INTEGER, allowNull: false },
    media_type: text(100, true),
    // Relative to the data directory.
    stored_path: text(300),
    // JSON array of the barcodes the certificate lists; NULL: it covers the whole batch.
    manifest: { type: DataTypes.TEXT, allowNull: true },
    recorded_by: ref('people', true),
    recorded_at: at(),
    ...timestamps,
  });
  await qi.addIndex('destruction_certificates', ['batch_id']);
  await qi.addIndex('destruction_certificates', ['serial_number']);

  await qi.createTable('disposal_deposits', {
    id,
    record_id: ref('records'),
    bin_id: ref('shred_bins'),
    person_id: ref('people'),
    deposited_at: at(),
    batch_id: ref('disposal_batches', true),
    certificate_id: ref('destruction_certificates', true),
    certified_at: at(true),
    // Taken back out of the bin (or returned by the vendor) before destruction.
    retrieved_at: at(true),
    retrieved_by: ref('people', true),
  });
  await qi.addIndex('disposal_deposits', ['bin_id', 'batch_id']);
  await qi.addIndex('disposal_deposits', ['batch_id']);
  await qi.addIndex('disposal_deposits', ['record_id']);
}

export async function down(): Promise<void> {
  throw new Error('migrations are not reversed');
}
