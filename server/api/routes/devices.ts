import { z } from 'zod';
import { defineRoute } from '../route';
import { Alert } from '../../db/models';

export const deviceRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/devices',
    summary: 'Configured devices and where they are',
    tags: ['devices'],
    access: { roles: ['manager', 'admin'] },
    response: z.object({ devices: z.array(z.object({ id: z.string(), role: z.string(), transport: z.string(), place: z.string().optional() })) }),
    async handler(s) {
      return { devices: s.directory.allDevices() };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Open alerts, newest first',
    tags: ['alerts'],
    access: { roles: ['manager', 'admin'] },
    query: z.strictObject({ status: z.enum(['open', 'acknowledged', 'resolved']).default('open') }),
    async handler(_s, { query }) {
      const alerts = await Alert.findAll({ where: { status: query.status }, order: [['created_at', 'DESC']], limit: 200 });
      return { alerts: alerts.map((a) => a.get({ plain: true })) };
    },
  }),
];
