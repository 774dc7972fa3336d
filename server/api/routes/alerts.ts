import { z } from 'zod';
import { Alert } from '../../db/models';
import { acknowledgeAlert } from '../../domain/alerts-service';
import { defineRoute } from '../route';

export const alertSchema = z.object({
  id: z.string(),
  type: z.string(),
  severity: z.string(),
  status: z.string(),
  message: z.string(),
  device_id: z.string().nullable(),
  record_id: z.string().nullable(),
  log_index: z.number().nullable(),
  escalation_level: z.number().int(),
  acknowledged_at: z.date().nullable(),
  acknowledgement_note: z.string().nullable(),
  created_at: z.date(),
});

const toJson = (a: Alert) => alertSchema.parse({ ...a.get({ plain: true }), log_index: a.log_index === null ? null : Number(a.log_index) });

export const alertRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Alerts by status, newest first',
    tags: ['alerts'],
    access: { roles: ['manager', 'admin'] },
    query: z.strictObject({ status: z.enum(['open', 'acknowledged', 'resolved']).default('open'), limit: z.coerce.number().int().min(1).max(500).default(200) }),
    response: z.object({ alerts: z.array(alertSchema) }),
    async handler(_s, { query }) {
      const alerts = await Alert.findAll({ where: { status: query.status }, order: [['created_at', 'DESC']], limit: query.limit });
      return { alerts: alerts.map(toJson) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/alerts/:id/acknowledge',
    summary: 'Acknowledge an alert with a note; the acknowledgement is a custody-log entry',
    tags: ['alerts'],
    access: { roles: ['manager', 'admin'] },
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    body: z.strictObject({ note: z.string().trim().min(1, 'say what was done').max(1000) }),
    response: alertSchema,
    async handler(s, { params, body, actor }) {
      return toJson(await acknowledgeAlert(s.writer, { id: params.id, actor: actor, note: body.note }));
    },
  }),
];
