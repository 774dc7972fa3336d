import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { AccountKind, UserRole } from './accounts';

/**
 * Models over the tables of migration 0002-auth. Like server/db/models.ts they never sync; call
 * defineAuthModels next to defineModels, after migrating.
 */

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: string;
  declare person_id: string | null;
  declare username: string;
  declare pseudonym: string;
  declare password_hash: string;
  declare role: UserRole | 'kiosk';
  declare kind: AccountKind;
  declare totp_secret: CreationOptional<string | null>;
  declare totp_confirmed_at: CreationOptional<Date | null>;
  declare totp_pending_secret: CreationOptional<string | null>;
  declare totp_last_step: CreationOptional<number | null>;
  declare disabled: CreationOptional<boolean>;
  declare password_changed_at: Date;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare id: string;
  declare user_id: string;
  declare kind: AccountKind;
  declare mfa_pending: boolean;
  declare created_at: Date;
  declare last_seen_at: Date;
  declare idle_expires_at: Date;
  declare absolute_expires_at: Date;
  declare reauth_at: Date | null;
}

export class SetupToken extends Model<InferAttributes<SetupToken>, InferCreationAttributes<SetupToken>> {
  declare id: string;
  declare purpose: string;
  declare created_at: Date;
  declare expires_at: Date;
  declare used_at: Date | null;
}

const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const date = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });

export function defineAuthModels(sequelize: Sequelize): void {
  User.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      person_id: str(64, true),
      username: str(64),
      pseudonym: str(40),
      password_hash: str(255),
      role: str(20),
      kind: str(10),
      totp_secret: { type: DataTypes.TEXT, allowNull: true },
      totp_confirmed_at: date(true),
      totp_pending_secret: { type: DataTypes.TEXT, allowNull: true },
      totp_last_step: {
        type: DataTypes.BIGINT,
        allowNull: true,
        // PostgreSQL returns BIGINT as a string; time steps stay far below 2^53.
        get(this: User) {
          const raw = this.getDataValue('totp_last_step') as number | string | null;
          return raw === null || raw === undefined ? null : Number(raw);
        },
      },
      disabled: { type: DataTypes.BOOLEAN, defaultValue: false },
      password_changed_at: date(),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'users', underscored: true, timestamps: true },
  );
  Session.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      user_id: str(64),
      kind: str(10),
      mfa_pending: { type: DataTypes.BOOLEAN, allowNull: false },
      created_at: date(),
      last_seen_at: date(),
      idle_expires_at: date(),
      absolute_expires_at: date(),
      reauth_at: date(true),
    },
    // Times come from the injected clock, not from Sequelize's automatic timestamps.
    { sequelize, tableName: 'sessions', underscored: true, timestamps: false },
  );
  SetupToken.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      purpose: str(30),
      created_at: date(),
      expires_at: date(),
      used_at: date(true),
    },
    { sequelize, tableName: 'setup_tokens', underscored: true, timestamps: false },
  );
}
