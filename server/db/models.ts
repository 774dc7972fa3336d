import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * Sequelize models over the tables that migrations create. Models never sync: the schema is
 * owned by server/db/migrations. One set of models serves SQLite and PostgreSQL.
 */

export const ROLES = ['reception', 'staff', 'manager', 'admin', 'vendor'] as const;
export type Role = (typeof ROLES)[number];
export const CONFIDENTIALITY = ['standard', 'confidential', 'restricted'] as const;
export const RECORD_STATUSES = ['in', 'out', 'deposited', 'destroyed', 'missing', 'returned'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

export class Person extends Model<InferAttributes<Person>, InferCreationAttributes<Person>> {
  declare id: string;
  declare pseudonym: string;
  declare name: string;
  declare email: string | null;
  declare role: Role;
  declare active: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Badge extends Model<InferAttributes<Badge>, InferCreationAttributes<Badge>> {
  declare id: string;
  declare person_id: string;
  declare canonical: string;
  declare raw_forms: CreationOptional<string>;
  declare active: CreationOptional<boolean>;
  declare valid_until: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Site extends Model<InferAttributes<Site>, InferCreationAttributes<Site>> {
  declare id: string;
  declare name: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Room extends Model<InferAttributes<Room>, InferCreationAttributes<Room>> {
  declare id: string;
  declare site_id: string;
  declare name: string;
  declare kind: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Cabinet extends Model<InferAttributes<Cabinet>, InferCreationAttributes<Cabinet>> {
  declare id: string;
  declare room_id: string;
  declare name: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class ShredBin extends Model<InferAttributes<ShredBin>, InferCreationAttributes<ShredBin>> {
  declare id: string;
  declare room_id: string;
  declare name: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Device extends Model<InferAttributes<Device>, InferCreationAttributes<Device>> {
  declare id: string;
  declare name: string | null;
  declare role: string;
  declare transport: string;
  declare hardware_id: string | null;
  declare last_seen_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

/** A paper client file. Named FileRecord so it can't be mistaken for TypeScript's Record. */
export class FileRecord extends Model<InferAttributes<FileRecord>, InferCreationAttributes<FileRecord>> {
  declare id: string;
  declare barcode: string;
  declare client: string;
  declare matter: string;
  declare volume: number;
  declare title: string;
  declare confidentiality: string;
  declare home_cabinet_id: string | null;
  declare retention_class: string | null;
  declare legal_hold: CreationOptional<boolean>;
  declare status: RecordStatus;
  declare custodian_person_id: string | null;
  declare location_id: string | null;
  declare due_at: CreationOptional<Date | null>;
  declare reminded_at: CreationOptional<Date | null>;
  declare overdue_notified_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Alert extends Model<InferAttributes<Alert>, InferCreationAttributes<Alert>> {
  declare id: string;
  declare type: string;
  declare severity: 'info' | 'warning' | 'critical';
  declare status: 'open' | 'acknowledged' | 'resolved';
  declare message: string;
  declare device_id: string | null;
  declare record_id: string | null;
  declare log_index: number | null;
  declare acknowledged_at: CreationOptional<Date | null>;
  declare acknowledged_by: CreationOptional<string | null>;
  declare acknowledgement_note: CreationOptional<string | null>;
  declare escalation_level: CreationOptional<number>;
  declare escalated_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const text64 = { type: DataTypes.STRING(64), primaryKey: true };

export function defineModels(sequelize: Sequelize): void {
  // The timestamp attributes are the declared snake_case ones, so a value given (the writer's clock) is kept.
  const opts = (tableName: string) => ({ sequelize, tableName, underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' });
  Person.init(
    {
      id: text64,
      pseudonym: str(40),
      name: str(200),
      email: str(200, true),
      role: str(20),
      active: { type: DataTypes.BOOLEAN, defaultValue: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('people'),
  );
  Badge.init(
    {
      id: text64,
      person_id: str(64),
      canonical: str(40),
      raw_forms: { type: DataTypes.TEXT, defaultValue: '[]' },
      active: { type: DataTypes.BOOLEAN, defaultValue: true },
      valid_until: { type: DataTypes.DATE, allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('badges'),
  );
  Site.init({ id: text64, name: str(200), created_at: DataTypes.DATE, updated_at: DataTypes.DATE }, opts('sites'));
  Room.init(
    { id: text64, site_id: str(64), name: str(200), kind: str(30), created_at: DataTypes.DATE, updated_at: DataTypes.DATE },
    opts('rooms'),
  );
  Cabinet.init(
    { id: text64, room_id: str(64), name: str(200), created_at: DataTypes.DATE, updated_at: DataTypes.DATE },
    opts('cabinets'),
  );
  ShredBin.init(
    { id: text64, room_id: str(64), name: str(200), created_at: DataTypes.DATE, updated_at: DataTypes.DATE },
    opts('shred_bins'),
  );
  Device.init(
    {
      id: text64,
      name: str(200, true),
      role: str(30),
      transport: str(20),
      hardware_id: str(200, true),
      last_seen_at: { type: DataTypes.DATE, allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('devices'),
  );
  FileRecord.init(
    {
      id: text64,
      barcode: str(64),
      client: str(200),
      matter: str(200),
      volume: { type: DataTypes.INTEGER, defaultValue: 1 },
      title: str(300),
      confidentiality: str(30),
      home_cabinet_id: str(64, true),
      retention_class: str(60, true),
      legal_hold: { type: DataTypes.BOOLEAN, defaultValue: false },
      status: str(20),
      custodian_person_id: str(64, true),
      location_id: str(64, true),
      due_at: { type: DataTypes.DATE, allowNull: true },
      reminded_at: { type: DataTypes.DATE, allowNull: true },
      overdue_notified_at: { type: DataTypes.DATE, allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('records'),
  );
  Alert.init(
    {
      id: text64,
      type: str(60),
      severity: str(20),
      status: str(20),
      message: str(500),
      device_id: str(64, true),
      record_id: str(64, true),
      log_index: { type: DataTypes.BIGINT, allowNull: true },
      acknowledged_at: { type: DataTypes.DATE, allowNull: true },
      acknowledged_by: str(64, true),
      acknowledgement_note: str(1000, true),
      escalation_level: { type: DataTypes.INTEGER, defaultValue: 0 },
      escalated_at: { type: DataTypes.DATE, allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('alerts'),
  );
}
