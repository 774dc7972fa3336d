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
  initDisposalModels(sequelize);
  defineVisitorModels(sequelize);
}

// ---- Retention, legal holds and disposal (migration 0004-disposal) ----

export class RetentionClass extends Model<InferAttributes<RetentionClass>, InferCreationAttributes<RetentionClass>> {
  declare id: string;
  declare name: string;
  declare trigger: 'matter_closed' | 'created';
  declare years: number;
  declare return_to_client: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Matter extends Model<InferAttributes<Matter>, InferCreationAttributes<Matter>> {
  declare id: string;
  declare client: string;
  declare matter: string;
  declare closed_at: Date | null;
  /** JSON array of party names: personal data, never logged. */
  declare parties: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class LegalHold extends Model<InferAttributes<LegalHold>, InferCreationAttributes<LegalHold>> {
  declare id: string;
  declare scope: 'record' | 'matter' | 'client';
  declare record_id: string | null;
  declare client: string | null;
  declare matter: string | null;
  declare reason: string;
  declare reason_salt: string;
  declare placed_by: string;
  declare approved_by: string;
  declare placed_at: Date;
  declare released_at: CreationOptional<Date | null>;
  declare released_by: CreationOptional<string | null>;
  declare release_approved_by: CreationOptional<string | null>;
  declare release_reason: CreationOptional<string | null>;
  declare release_reason_salt: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class DisposalBatch extends Model<InferAttributes<DisposalBatch>, InferCreationAttributes<DisposalBatch>> {
  declare id: string;
  declare bin_id: string;
  declare started_at: Date;
  declare started_by: string | null;
  declare started_via: 'badge' | 'api';
  declare seal_number: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class DisposalDeposit extends Model<InferAttributes<DisposalDeposit>, InferCreationAttributes<DisposalDeposit>> {
  declare id: string;
  declare record_id: string;
  declare bin_id: string;
  declare person_id: string;
  declare deposited_at: Date;
  declare batch_id: CreationOptional<string | null>;
  declare certificate_id: CreationOptional<string | null>;
  declare certified_at: CreationOptional<Date | null>;
  declare retrieved_at: CreationOptional<Date | null>;
  declare retrieved_by: CreationOptional<string | null>;
}

export class DestructionCertificate extends Model<InferAttributes<DestructionCertificate>, InferCreationAttributes<DestructionCertificate>> {
  declare id: string;
  declare batch_id: string;
  declare serial_number: string;
  declare destroyed_on: string;
  declare place: string;
  declare method: string;
  declare operator_name: string | null;
  declare operator_salt: string | null;
  declare operator_commitment: string;
  declare file_sha256: string;
  declare file_name: string | null;
  declare file_size: number;
  declare media_type: string | null;
  declare stored_path: string;
  declare manifest: string | null;
  declare recorded_by: string | null;
  declare recorded_at: Date;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

function initDisposalModels(sequelize: Sequelize): void {
  const opts = (tableName: string, timestamps = true) => ({ sequelize, tableName, underscored: true, timestamps });
  const date = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });
  RetentionClass.init(
    {
      id: text64,
      name: str(60),
      trigger: str(20),
      years: { type: DataTypes.INTEGER, allowNull: false },
      return_to_client: { type: DataTypes.BOOLEAN, defaultValue: false },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('retention_classes'),
  );
  Matter.init(
    {
      id: text64,
      client: str(200),
      matter: str(200),
      closed_at: date(true),
      parties: { type: DataTypes.TEXT, allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('matters'),
  );
  LegalHold.init(
    {
      id: text64,
      scope: str(10),
      record_id: str(64, true),
      client: str(200, true),
      matter: str(200, true),
      reason: str(1000),
      reason_salt: str(32),
      placed_by: str(64),
      approved_by: str(64),
      placed_at: date(),
      released_at: date(true),
      released_by: str(64, true),
      release_approved_by: str(64, true),
      release_reason: str(1000, true),
      release_reason_salt: str(32, true),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('legal_holds'),
  );
  DisposalBatch.init(
    {
      id: text64,
      bin_id: str(64),
      started_at: date(),
      started_by: str(64, true),
      started_via: str(10),
      seal_number: str(100, true),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('disposal_batches'),
  );
  DisposalDeposit.init(
    {
      id: text64,
      record_id: str(64),
      bin_id: str(64),
      person_id: str(64),
      deposited_at: date(),
      batch_id: str(64, true),
      certificate_id: str(64, true),
      certified_at: date(true),
      retrieved_at: date(true),
      retrieved_by: str(64, true),
    },
    opts('disposal_deposits', false),
  );
  DestructionCertificate.init(
    {
      id: text64,
      batch_id: str(64),
      serial_number: str(100),
      destroyed_on: str(10),
      place: str(300),
      method: str(100),
      operator_name: str(200, true),
      operator_salt: str(32, true),
      operator_commitment: str(64),
      file_sha256: str(64),
      file_name: str(200, true),
      file_size: { type: DataTypes.INTEGER, allowNull: false },
      media_type: str(100, true),
      stored_path: str(300),
      manifest: { type: DataTypes.TEXT, allowNull: true },
      recorded_by: str(64, true),
      recorded_at: date(),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    opts('destruction_certificates'),
  );
}

// Visitors and vendors (migration 0005; server/visitors). Personal data only ever sealed.

export class Visitor extends Model<InferAttributes<Visitor>, InferCreationAttributes<Visitor>> {
  declare id: string;
  declare pseudonym: string;
  /** Sealed { name, email, phone, id_notes } under the visitor's key; null once purged. */
  declare personal_data: Buffer | null;
  declare company: string | null;
  declare host_person_id: string | null;
  declare kind: CreationOptional<'visitor' | 'vendor'>;
  declare agreement_ref: CreationOptional<string | null>;
  declare agreement_expires_at: CreationOptional<Date | null>;
  declare access_until: CreationOptional<Date | null>;
  declare purged_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class VisitorKey extends Model<InferAttributes<VisitorKey>, InferCreationAttributes<VisitorKey>> {
  declare visitor_id: string;
  declare wrapped_key: Buffer;
  declare master_key_id: string;
  declare created_at: Date;
}

export class Visit extends Model<InferAttributes<Visit>, InferCreationAttributes<Visit>> {
  declare id: string;
  declare visitor_id: string;
  declare host_person_id: string | null;
  declare company: string | null;
  declare details: Buffer | null;
  declare status: 'expected' | 'on_site' | 'signed_out' | 'cancelled';
  declare escort_required: CreationOptional<boolean>;
  declare expected_at: CreationOptional<Date | null>;
  declare token_hash: CreationOptional<string | null>;
  declare token_expires_at: CreationOptional<Date | null>;
  declare badge_token_hash: CreationOptional<string | null>;
  declare badge_kind: CreationOptional<'label' | 'card' | null>;
  declare loaner_card_id: CreationOptional<string | null>;
  declare signed_in_at: CreationOptional<Date | null>;
  declare signed_out_at: CreationOptional<Date | null>;
  declare sign_out_reason: CreationOptional<string | null>;
  declare hold: CreationOptional<boolean>;
  declare purged_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class NdaVersion extends Model<InferAttributes<NdaVersion>, InferCreationAttributes<NdaVersion>> {
  declare version: number;
  declare text: string;
  declare sha256: string;
  declare effective_at: Date;
  declare created_at: Date;
}

export class NdaAcceptance extends Model<InferAttributes<NdaAcceptance>, InferCreationAttributes<NdaAcceptance>> {
  declare id: string;
  declare visitor_id: string;
  declare visit_id: string;
  declare version: number;
  declare text_sha256: string;
  declare commitment: string;
  declare opening: Buffer | null;
  declare log_index: number;
  declare accepted_at: Date;
}

export class LoanerCard extends Model<InferAttributes<LoanerCard>, InferCreationAttributes<LoanerCard>> {
  declare id: string;
  declare canonical: string;
  declare available: CreationOptional<boolean>;
  declare assigned_visit_id: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class WatchListEntry extends Model<InferAttributes<WatchListEntry>, InferCreationAttributes<WatchListEntry>> {
  declare id: string;
  declare sealed: Buffer;
  declare created_at: Date;
}

export function defineVisitorModels(sequelize: Sequelize): void {
  const stamped = (tableName: string) => ({ sequelize, tableName, underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' });
  const plain = (tableName: string) => ({ sequelize, tableName, underscored: true, timestamps: false });
  const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
  const blob = (allowNull = true) => ({ type: DataTypes.BLOB, allowNull });
  // A fresh object per model: Sequelize writes the column name into an attribute's definition.
  const pk = () => ({ type: DataTypes.STRING(64), primaryKey: true });
  Visitor.init(
    {
      id: pk(),
      pseudonym: str(40),
      personal_data: blob(),
      company: str(200, true),
      host_person_id: str(64, true),
      kind: { type: DataTypes.STRING(10), defaultValue: 'visitor' },
      agreement_ref: str(100, true),
      agreement_expires_at: date(),
      access_until: date(),
      purged_at: date(),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    stamped('visitors'),
  );
  VisitorKey.init(
    { visitor_id: pk(), wrapped_key: blob(false), master_key_id: str(32), created_at: date(false) },
    plain('visitor_keys'),
  );
  Visit.init(
    {
      id: pk(),
      visitor_id: str(64),
      host_person_id: str(64, true),
      company: str(200, true),
      details: blob(),
      status: str(20),
      escort_required: { type: DataTypes.BOOLEAN, defaultValue: false },
      expected_at: date(),
      token_hash: str(64, true),
      token_expires_at: date(),
      badge_token_hash: str(64, true),
      badge_kind: str(10, true),
      loaner_card_id: str(64, true),
      signed_in_at: date(),
      signed_out_at: date(),
      sign_out_reason: str(30, true),
      hold: { type: DataTypes.BOOLEAN, defaultValue: false },
      purged_at: date(),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    stamped('visits'),
  );
  NdaVersion.init(
    {
      version: { type: DataTypes.INTEGER, primaryKey: true },
      text: { type: DataTypes.TEXT, allowNull: false },
      sha256: str(64),
      effective_at: date(false),
      created_at: date(false),
    },
    plain('nda_versions'),
  );
  NdaAcceptance.init(
    {
      id: pk(),
      visitor_id: str(64),
      visit_id: str(64),
      version: { type: DataTypes.INTEGER, allowNull: false },
      text_sha256: str(64),
      commitment: str(64),
      opening: blob(),
      log_index: { type: DataTypes.BIGINT, allowNull: false },
      accepted_at: date(false),
    },
    plain('nda_acceptances'),
  );
  LoanerCard.init(
    {
      id: pk(),
      canonical: str(40),
      available: { type: DataTypes.BOOLEAN, defaultValue: true },
      assigned_visit_id: str(64, true),
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    stamped('loaner_cards'),
  );
  WatchListEntry.init({ id: pk(), sealed: blob(false), created_at: date(false) }, plain('watch_list'));
}
