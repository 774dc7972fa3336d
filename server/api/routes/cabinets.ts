import { QueryTypes } from 'sequelize';
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

interface ReportedState {
  device_id: string;
  kind: string;
  state: string;
  ts_received: string;
}

/** The newest state any of these devices reported, from device_last_states (one row per device and kind). */
function lastReported(reported: ReadonlyMap<string, ReportedState>, devices: readonly DirectoryDevice[], kind: 'door' | 'lock'): LastState {
  let best: LastState = { device: devices[0]?.id ?? null, state: 'unknown', since: null };
  for (const device of devices) {
    const row = reported.get(`${device.id}|${kind}`);
    if (!row || (best.since !== null && row.ts_received <= best.since)) continue;
    best = { device: device.id, state: row.state, since: row.ts_received };
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
      const states = await sequelize.query<ReportedState>('SELECT device_id, kind, state, ts_received FROM device_last_states', { type: QueryTypes.SELECT });
      const reported = new Map(states.map((r) => [`${r.device_id}|${r.kind}`, r]));
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
          door: lastReported(reported, own.filter((d) => DOOR_ROLES.has(d.role)), 'door'),
          lock: lastReported(reported, own.filter((d) => LOCK_ROLES.has(d.role)), 'lock'),
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
