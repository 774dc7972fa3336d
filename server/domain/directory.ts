import { QueryTypes, type Sequelize } from 'sequelize';
import type { OfficeConfig } from '../config/office-schema';

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
  private actors = new Map<string, string>();

  constructor(office: OfficeConfig) {
    const places = new Map<string, string>();
    const bind = (place: string, ...deviceIds: (string | undefined)[]) => {
      for (const id of deviceIds) if (id) places.set(id, place);
    };
    for (const c of office.cabinets) bind(c.id, c.reader, c.lock, c.door);
    for (const b of office.shred_bins) bind(b.id, b.reader, b.lid, b.seal);
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

  actorForCredential(canonical: string): string | undefined {
    return this.actors.get(canonical);
  }

  async refreshBadges(sequelize: Sequelize): Promise<void> {
    const rows = await sequelize.query<{ canonical: string; pseudonym: string }>(
      `SELECT b.canonical, p.pseudonym FROM badges b JOIN people p ON p.id = b.person_id
       WHERE b.active = :yes AND p.active = :yes`,
      { type: QueryTypes.SELECT, replacements: { yes: true } },
    );
    this.actors = new Map(rows.map((r) => [r.canonical, r.pseudonym]));
  }
}
