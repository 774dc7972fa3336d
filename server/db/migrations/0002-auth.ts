import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Users, server-side sessions and the first-admin set-up link (issue 3). Secrets that let someone
 * in are stored only as hashes: a copy of the database must not be a key to the office.
 */

const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('users', {
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    // At most one login per person; kiosk accounts belong to no person.
    person_id: { type: DataTypes.STRING(64), allowNull: true, unique: true, references: { model: 'people', key: 'id' } },
    // Stored normalised (NFKC, lowercase): uniqueness is then case-insensitive on both databases.
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    // The actor in custody-log entries about this user: never the username.
    pseudonym: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    // reception | staff | manager | admin, or 'kiosk' for kind = kiosk.
    role: { type: DataTypes.STRING(20), allowNull: false },
    kind: { type: DataTypes.STRING(10), allowNull: false },
    // Base32 TOTP secret. Plain text for now; to be encrypted with the data-at-rest master key
    // once that exists (issue 3, point 10), as it is a second factor and not only personal data.
    totp_secret: { type: DataTypes.TEXT, allowNull: true },
    totp_confirmed_at: { type: DataTypes.DATE, allowNull: true },
    // A secret being enrolled: it replaces totp_secret only once the user types a valid code from
    // it, so starting a re-enrolment never weakens the factor that is in use.
    totp_pending_secret: { type: DataTypes.TEXT, allowNull: true },
    // Highest TOTP time step used: codes from this step or earlier are refused (replay).
    totp_last_step: { type: DataTypes.BIGINT, allowNull: true },
    disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    password_changed_at: { type: DataTypes.DATE, allowNull: false },
    ...timestamps,
  });

  await qi.createTable('sessions', {
    // SHA-256 (hex) of the cookie's 32 random bytes: a leaked table does not yield live cookies.
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    user_id: {
      type: DataTypes.STRING(64),
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
    },
    kind: { type: DataTypes.STRING(10), allowNull: false },
    // Password accepted, second factor still owed: the session may only enrol or verify TOTP.
    mfa_pending: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    last_seen_at: { type: DataTypes.DATE, allowNull: false },
    idle_expires_at: { type: DataTypes.DATE, allowNull: false },
    absolute_expires_at: { type: DataTypes.DATE, allowNull: false },
    // Last time the user re-entered a password (and TOTP code) for a sensitive action.
    reauth_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex('sessions', ['user_id']);
  await qi.addIndex('sessions', ['absolute_expires_at']);

  await qi.createTable('setup_tokens', {
    // SHA-256 (hex) of the token in the printed link.
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    purpose: { type: DataTypes.STRING(30), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    used_at: { type: DataTypes.DATE, allowNull: true },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('setup_tokens');
  await qi.dropTable('sessions');
  await qi.dropTable('users');
}
