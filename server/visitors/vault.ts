import type { Sequelize, Transaction } from 'sequelize';
import { VisitorKey } from '../db/models';
import { newDataKey, sealJson, unsealJson, type MasterKey } from './crypto';

/** What a visitor tells reception about themselves: the personal data that is sealed. */
export interface PersonalData {
  name: string;
  email?: string;
  phone?: string;
  id_notes?: string;
}

export interface VisitDetails {
  purpose?: string;
}

/** The opening of an NDA name commitment. */
export interface NdaOpening {
  /** hex */
  salt: string;
  fields: { typed_name: string };
}

export class VisitorKeyMissingError extends Error {}

/**
 * Per-visitor data keys, stored wrapped in `visitor_keys`, and the seals made with them. Keys are
 * unwrapped for one operation at a time and wiped after; nothing is cached, so a purged key is
 * gone from memory as soon as from the table.
 */
export class VisitorVault {
  constructor(readonly master: MasterKey) {}

  /** A fresh data key for a new visitor: seal their data with it, then `storeKey` once their row exists. */
  newKey(): Buffer {
    return newDataKey();
  }

  /** Stores the key wrapped, in the same transaction as the visitor row it belongs to. */
  async storeKey(visitorId: string, key: Buffer, transaction: Transaction, now: Date): Promise<void> {
    await VisitorKey.create({ visitor_id: visitorId, wrapped_key: this.master.wrap(visitorId, key), master_key_id: this.master.id, created_at: now }, { transaction });
  }

  /** The visitor's data key, or null once purged. */
  async keyOf(visitorId: string, transaction?: Transaction): Promise<Buffer | null> {
    const row = await VisitorKey.findByPk(visitorId, transaction ? { transaction } : {});
    if (!row) return null;
    if (row.master_key_id !== this.master.id) {
      throw new Error(
        `visitor ${visitorId}: data sealed under another visitor master key (id ${row.master_key_id}, this one is ${this.master.id}); restore visitor-master.key or SAFEKEEP_VISITOR_MASTER_KEY`,
      );
    }
    return this.master.unwrap(visitorId, Buffer.from(row.wrapped_key));
  }

  /** Runs `use` with the visitor's key and wipes it after. Throws when the key was purged. */
  async withKey<T>(visitorId: string, transaction: Transaction | undefined, use: (key: Buffer) => T | Promise<T>): Promise<T> {
    const key = await this.keyOf(visitorId, transaction);
    if (!key) throw new VisitorKeyMissingError(`visitor ${visitorId}: personal data was purged`);
    try {
      return await use(key);
    } finally {
      key.fill(0);
    }
  }

  sealPersonal(key: Buffer, visitorId: string, data: PersonalData): Buffer {
    return sealJson(key, 'visitor-personal', visitorId, data);
  }

  openPersonal(key: Buffer, visitorId: string, blob: Buffer): PersonalData {
    return unsealJson<PersonalData>(key, 'visitor-personal', visitorId, Buffer.from(blob));
  }

  sealDetails(key: Buffer, visitId: string, details: VisitDetails): Buffer {
    return sealJson(key, 'visit-details', visitId, details);
  }

  openDetails(key: Buffer, visitId: string, blob: Buffer): VisitDetails {
    return unsealJson<VisitDetails>(key, 'visit-details', visitId, Buffer.from(blob));
  }

  sealOpening(key: Buffer, acceptanceId: string, opening: NdaOpening): Buffer {
    return sealJson(key, 'nda-opening', acceptanceId, opening);
  }

  openOpening(key: Buffer, acceptanceId: string, blob: Buffer): NdaOpening {
    return unsealJson<NdaOpening>(key, 'nda-opening', acceptanceId, Buffer.from(blob));
  }
}

/**
 * SQLite keeps deleted bytes in free space (and in WAL frames) unless secure_delete is on. It is a
 * per-connection setting, and Sequelize gives every transaction a connection of its own that it
 * closes after, so setting it here covers exactly the jobs that change visitor rows.
 */
export async function secureDeletes(sequelize: Sequelize, transaction: Transaction): Promise<void> {
  if (sequelize.getDialect() === 'sqlite') await sequelize.query('PRAGMA secure_delete=ON', { transaction });
}
