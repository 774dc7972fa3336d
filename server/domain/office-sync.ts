import type { Model, ModelStatic } from 'sequelize';
import type { OfficeConfig } from '../config/office-schema';
import { Cabinet, Device, Room, ShredBin, Site } from '../db/models';
import type { CustodyWriter } from '../ingest/custody-writer';

type Row = { id: string } & Record<string, unknown>;

/**
 * Brings the office structure in the database in line with the office file. Places are never
 * deleted (custody history points at them); a change is one `office.configured` entry naming
 * what was added or changed.
 */
export async function syncOffice(writer: CustodyWriter, office: OfficeConfig): Promise<{ added: string[]; changed: string[] }> {
  const wanted: [ModelStatic<Model>, Row[]][] = [
    [Site, office.sites.map((s) => ({ id: s.id, name: s.name }))],
    [Room, office.sites.flatMap((s) => s.rooms.map((r) => ({ id: r.id, site_id: s.id, name: r.name, kind: r.kind })))],
    [Cabinet, office.cabinets.map((c) => ({ id: c.id, room_id: c.room, name: c.name }))],
    [ShredBin, office.shred_bins.map((b) => ({ id: b.id, room_id: b.room, name: b.name }))],
    [
      Device,
      office.devices.map((d) => ({
        id: d.id,
        name: d.name ?? null,
        role: d.role,
        transport: d.transport.type,
        hardware_id: hardwareIdOf(d.transport),
      })),
    ],
  ];
  const outcome = await writer.submit({
    run: async (ctx) => {
      const added: string[] = [];
      const changed: string[] = [];
      for (const [model, rows] of wanted) {
        const existing = new Map((await model.findAll({ transaction: ctx.transaction })).map((m) => [m.get('id') as string, m]));
        for (const row of rows) {
          const current = existing.get(row.id);
          if (!current) {
            await model.create(row, { transaction: ctx.transaction });
            added.push(`${model.tableName}/${row.id}`);
          } else if (Object.entries(row).some(([k, v]) => current.get(k) !== v)) {
            await current.update(row, { transaction: ctx.transaction });
            changed.push(`${model.tableName}/${row.id}`);
          }
        }
      }
      if (added.length + changed.length > 0) {
        await ctx.append({ type: 'office.configured', actor: 'system', added, changed });
      }
      return { added, changed };
    },
  });
  if (outcome.duplicate) throw new Error('internal: office sync has no idempotency key');
  return outcome.value;
}

function hardwareIdOf(transport: OfficeConfig['devices'][number]['transport']): string {
  switch (transport.type) {
    case 'serial':
      return `serial:${transport.path}`;
    case 'hid':
      return `usb:${hex4(transport.vendor_id)}:${hex4(transport.product_id)}${transport.serial_number ? `:${transport.serial_number}` : ''}`;
    case 'mqtt':
      return `mqtt:${transport.topic}`;
  }
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');
