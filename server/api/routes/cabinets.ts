import { QueryTypes, type Sequelize } from 'sequelize';
import { z } from 'zod';
import { Alert, Cabinet, Room } from '../../db/models';
import type { DirectoryDevice } from '../../domain/directory';
import { defineRoute, type RouteDef } from '../route';

const lastState = z.object({ device: z.string().nullable(), state: z.string(), since: z.string().nullable() });

export const cabinetSchema = z.object({
  id: z.string(),
  name: z.string(),
  room: z.object({ id: z.string(), name: z.string().nullable() }),
  door: lastState,
  lock: lastState,
  visit: z.object({ id: z.string(), person_id: z.string(), person_name: z.string().nullable(), started_at: z.string(), last_activity_at: z.string() }).nullable(),
  alerts: z.array(z.object({ id: z.string(), type: z.string(), severity: z.string(), message: z.string(), created_at: z.string() })),
  files: z.object({ in: z.number().int(), out: z.number().int(), other: z.number().int() }),
});
export type CabinetStatus = z.infer<typeof cabinetSchema>;

/** Device roles that report a door (a lid is a shred bin's) and a lock; a combo may do either. */
const DOOR_ROLES = new Set(['door_sensor', 'combo']);
const LOCK_ROLES = new Set(['lock', 'combo']);

const iso = (value: string | Date | null): string | null => (value === null ? null : new Date(value).toISOString());

type LastState = z.infer<typeof lastState>;

/**
 * The last state a cabinet's devices reported, from the stored reads: the (device_id, ts_received)
 * index finds each device's newest read of the kind without scanning its history.
 */
async function lastReported(sequelize: Sequelize, devices: readonly DirectoryDevice[], kind: 'door' | 'lock'): Promise<LastState> {
  let best: LastState = { device: devices[0]?.id ?? null, state: 'unknown', since: null };
  for (const device of devices) {
    const [row] = await sequelize.query<{ payload: string; ts_received: string }>(
      `SELECT payload, ts_received FROM device_events WHERE device_id = :device AND kind = :kind ORDER BY ts_received DESC LIMIT 1`,
      { type: QueryTypes.SELECT, replacements: { device: device.id, kind } },
    );
    if (!row || (best.since !== null && row.ts_received <= best.since)) continue;
    const state = (JSON.parse(row.payload) as { state?: unknown }).state;
    best = { device: device.id, state: typeof state === 'string' ? state : 'unknown', since: row.ts_received };
  }
  return best;
}

/** An id as a whole word: cab-1 must not claim the alerts of cab-10. */
const namesCabinet = (message: string, cabinetId: string) => new RegExp(`(^|[^A-Za-z0-9-])${cabinetId.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}($|[^A-Za-z0-9-])`).test(message);

/**
 * Alerts belong to a cabinet when raised by one of its devices, or (the held-open check has no
 * device) when a cabinet alert names it.
 */
function alertsOf(alerts: readonly Alert[], cabinetId: string, deviceIds: ReadonlySet<string>): CabinetStatus['alerts'] {
  return alerts
    .filter((a) => (a.device_id !== null && deviceIds.has(a.device_id)) || ((a.type.startsWith('cabinet.') || a.type.startsWith('file_room.')) && namesCabinet(a.message, cabinetId)))
    .map((a) => ({ id: a.id, type: a.type, severity: a.severity, message: a.message, created_at: new Date(a.created_at).toISOString() }));
}

export const cabinetRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/cabinets',
    summary: "Every cabinet with its room, last reported door and lock state, the visit open now, open alerts and its files in and out",
    tags: ['cabinets'],
    access: { roles: ['manager', 'admin'] },
    response: z.object({ cabinets: z.array(cabinetSchema) }),
    async handler(s) {
      const { sequelize } = s.db;
      const [cabinets, rooms, openAlerts] = await Promise.all([Cabinet.findAll({ order: [['id', 'ASC']] }), Room.findAll(), Alert.findAll({ where: { status: 'open' }, order: [['created_at', 'DESC']], limit: 1000 })]);
      const roomNames = new Map(rooms.map((r) => [r.id, r.name]));
      const visits = await sequelize.query<{ id: string; cabinet_id: string; person_id: string; name: string | null; started_at: string | Date; last_activity_at: string | Date }>(
        `SELECT v.id, v.cabinet_id, v.person_id, p.name, v.started_at, v.last_activity_at FROM cabinet_visits v
         LEFT JOIN people p ON p.id = v.person_id WHERE v.ended_at IS NULL`,
        { type: QueryTypes.SELECT },
      );
      const openVisit = new Map(visits.map((v) => [v.cabinet_id, v]));
      const counts = await sequelize.query<{ home_cabinet_id: string; status: string; n: number | string }>(
        `SELECT home_cabinet_id, status, COUNT(*) AS n FROM records WHERE home_cabinet_id IS NOT NULL GROUP BY home_cabinet_id, status`,
        { type: QueryTypes.SELECT },
      );
      const devices = s.directory.allDevices();
      const answer: CabinetStatus[] = [];
      for (const cabinet of cabinets) {
        const own = devices.filter((d) => d.place === cabinet.id);
        const files = { in: 0, out: 0, other: 0 };
        for (const c of counts.filter((c) => c.home_cabinet_id === cabinet.id)) {
          const key = c.status === 'in' || c.status === 'out' ? c.status : 'other';
          files[key] += Number(c.n);
        }
        const visit = openVisit.get(cabinet.id);
        answer.push({
          id: cabinet.id,
          name: cabinet.name,
          room: { id: cabinet.room_id, name: roomNames.get(cabinet.room_id) ?? null },
          door: await lastReported(sequelize, own.filter((d) => DOOR_ROLES.has(d.role)), 'door'),
          lock: await lastReported(sequelize, own.filter((d) => LOCK_ROLES.has(d.role)), 'lock'),
          visit: visit
            ? { id: visit.id, person_id: visit.person_id, person_name: visit.name, started_at: iso(visit.started_at)!, last_activity_at: iso(visit.last_activity_at)! }
            : null,
          alerts: alertsOf(openAlerts, cabinet.id, new Set(own.map((d) => d.id))),
          files,
        });
      }
      return { cabinets: answer };
    },
  }),
];
