import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Visitors and vendors (issue 5, points 7 and 8) and their erasable personal data (issue 3, point
 * 10). Personal data is only ever stored sealed (AES-256-GCM) under a key per visitor; the keys
 * live in `visitor_keys`, apart from the data, wrapped by the master key outside the database.
 * Purging a visitor deletes their key row and nulls every sealed column: see server/visitors/purge.ts.
 */
const id = { type: DataTypes.STRING(64), primaryKey: true, allowNull: false };
const at = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });
const ref = (table: string, allowNull = false, key = 'id') => ({ type: DataTypes.STRING(64), allowNull, references: { model: table, key } });
const flag = (defaultValue: boolean) => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue });

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  // visitors (0001): id, pseudonym, personal_data (sealed name, email, phone, ID notes), company, host_person_id.
  await qi.addColumn('visitors', 'kind', { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'visitor' });
  // A vendor's agreement on file: a contract reference and when it ends (not personal data).
  await qi.addColumn('visitors', 'agreement_ref', { type: DataTypes.STRING(100), allowNull: true });
  await qi.addColumn('visitors', 'agreement_expires_at', at(true));
  await qi.addColumn('visitors', 'access_until', at(true));
  await qi.addColumn('visitors', 'purged_at', at(true));

  await qi.createTable('visitor_keys', {
    visitor_id: { ...ref('visitors'), primaryKey: true },
    // The visitor's data key, sealed under the master key (AAD: the visitor id).
    wrapped_key: { type: DataTypes.BLOB, allowNull: false },
    // Which master key wrapped it: a wrong key is told apart from a damaged row.
    master_key_id: { type: DataTypes.STRING(32), allowNull: false },
    created_at: at(),
  });

  await qi.createTable('loaner_cards', {
    // The number printed on the card ("L-07"): what reception and the log call it.
    id,
    // The card's canonical credential id, as badges.canonical: never written to the log.
    canonical: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    available: flag(true),
    // No foreign key: visits point at cards too, and a card outlives its visits.
    assigned_visit_id: { type: DataTypes.STRING(64), allowNull: true },
    created_at: at(),
    updated_at: at(),
  });

  await qi.createTable('visits', {
    id,
    visitor_id: ref('visitors'),
    host_person_id: ref('people', true),
    company: { type: DataTypes.STRING(200), allowNull: true },
    // Sealed under the visitor's key: the purpose is free text about a person.
    details: { type: DataTypes.BLOB, allowNull: true },
    status: { type: DataTypes.STRING(20), allowNull: false },
    escort_required: flag(false),
    expected_at: at(true),
    // SHA-256 of the one-time pre-registration token (once used it only answers "already used"); null once purged.
    token_hash: { type: DataTypes.STRING(64), allowNull: true, unique: true },
    token_expires_at: at(true),
    // SHA-256 of the token printed on the badge; null once signed out.
    badge_token_hash: { type: DataTypes.STRING(64), allowNull: true, unique: true },
    badge_kind: { type: DataTypes.STRING(10), allowNull: true },
    loaner_card_id: ref('loaner_cards', true),
    signed_in_at: at(true),
    signed_out_at: at(true),
    sign_out_reason: { type: DataTypes.STRING(30), allowNull: true },
    // Legal hold: the visitor's data is not purged while any of their visits is held.
    hold: flag(false),
    purged_at: at(true),
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('visits', ['visitor_id']);
  await qi.addIndex('visits', ['status']);

  await qi.createTable('nda_versions', {
    version: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    text: { type: DataTypes.TEXT, allowNull: false },
    // SHA-256 (hex) of the UTF-8 text: what the acceptance leaf names.
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    effective_at: at(),
    created_at: at(),
  });

  await qi.createTable('nda_acceptances', {
    id,
    visitor_id: ref('visitors'),
    visit_id: ref('visits'),
    version: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'nda_versions', key: 'version' } },
    text_sha256: { type: DataTypes.STRING(64), allowNull: false },
    // SHA-256(salt || JCS({typed_name})), as in the leaf.
    commitment: { type: DataTypes.STRING(64), allowNull: false },
    // Salt and typed name, sealed under the visitor's key: the opening of the commitment. Null once purged.
    opening: { type: DataTypes.BLOB, allowNull: true },
    log_index: { type: DataTypes.BIGINT, allowNull: false },
    accepted_at: at(),
  });
  await qi.addIndex('nda_acceptances', ['visitor_id', 'version']);

  await qi.createTable('watch_list', {
    id,
    // { kind: 'name' | 'company', value, note }, sealed under a key derived from the master key.
    sealed: { type: DataTypes.BLOB, allowNull: false },
    created_at: at(),
  });

  // Conflict checks read the parties of matters from `matters.parties` (0004-disposal): no copy here.
}

export async function down(): Promise<void> {
  throw new Error('migrations are not reversed');
}
