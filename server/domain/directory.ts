import { QueryTypes, type Sequelize } from 'sequelize';
import type { OfficeConfig } from '../config/office-schema';
import type { Credential } from '../ingest/device-event';
import { badgeIndexKeys, credentialMatchKeys } from '../../devices/credentials/canonical';

export interface DirectoryDevice {
  id: string;
  role: string;
  transport: string;
  /** The cabinet, shred bin, desk or reception the device belongs to. */
  place?: string;
}

/**
 * The read side the hot path needs in memory: which devices exist and where they are (from the
 * office file), and which pseudonymous actor a badge belongs to (from the database, refreshed
 * whenever badges change).
 */
export class Directory {
  private readonly devices = new Map<string, DirectoryDevice>();
  private actors = new Map<string, string[]>();

  constructor(office: OfficeConfig) {
    const places = new Map<string, string>();
    const bind = (place: string, ...deviceIds: (string | undefined)[]) => {
      for (const id of deviceIds) if (id) places.set(id, place);
    };
    for (const c of office.cabinets) bind(c.id, c.reader, c.scanner, c.lock, c.door);
    for (const b of office.shred_bins) bind(b.id, b.reader, b.scanner, b.lid, b.seal);
    for (const d of office.desks) bind(d.id, d.reader, d.scanner);
    if (office.reception) bind('reception', office.reception.reader, office.reception.scanner);
    for (const d of office.devices) {
      const place = places.get(d.id);
      this.devices.set(d.id, { id: d.id, role: d.role, transport: d.transport.type, ...(place ? { place } : {}) });
    }
  }

  device(id: string): DirectoryDevice | undefined {
    return this.devices.get(id);
  }

  allDevices(): DirectoryDevice[] {
    return [...this.devices.values()];
  }

  /**
   * The pseudonymous actor a read belongs to. A 24-bit Wiegand read can fit several badges: then it
   * is nobody's, rather than a guess that would put a file in the wrong hands.
   */
  actorForCredential(read: Credential): string | undefined {
    const found = new Set<string>();
    for (const key of credentialMatchKeys(read)) for (const actor of this.actors.get(key) ?? []) found.add(actor);
    return found.size === 1 ? [...found][0] : undefined;
  }

  async refreshBadges(sequelize: Sequelize): Promise<void> {
    const rows = await sequelize.query<{ canonical: string; pseudonym: string }>(
      `SELECT b.canonical, p.pseudonym FROM badges b JOIN people p ON p.id = b.person_id
       WHERE b.active = :yes AND p.active = :yes`,
      { type: QueryTypes.SELECT, replacements: { yes: true } },
    );
    const actors = new Map<string, string[]>();
    for (const row of rows) {
      for (const key of badgeIndexKeys(row.canonical)) actors.set(key, [...(actors.get(key) ?? []), row.pseudonym]);
    }
    this.actors = actors;
  }
}
