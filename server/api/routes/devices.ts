import { z } from 'zod';
import { defineRoute } from '../route';

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
];
