import { z } from 'zod';
import { defineRoute } from '../route';

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ ok: z.boolean(), dialect: z.string() }),
  broker: z.object({ ok: z.boolean(), mode: z.string(), url: z.string() }),
  writer: z.object({ accepting: z.boolean(), halted_reason: z.string().optional() }),
  log: z.object({
    size: z.number().int(),
    last_checkpoint_size: z.number().int().nullable(),
    last_checkpoint_age_seconds: z.number().nullable(),
  }),
});

export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/health',
    summary: 'State of the database, the broker, the writer and the custody log',
    tags: ['health'],
    // Monitoring probes carry no session; the answer holds no personal or client data.
    access: { public: true },
    response: healthSchema,
    async handler(s) {
      let dbOk = true;
      try {
        await s.db.sequelize.query('SELECT 1');
      } catch {
        dbOk = false;
      }
      const checkpoint = await s.store.latestCheckpoint().catch(() => null);
      const broker = s.brokerStatus();
      const halted = s.writer.haltedSince;
      const ok = dbOk && broker.ok && !halted;
      return {
        status: ok ? 'ok' : 'degraded',
        database: { ok: dbOk, dialect: s.db.dialect },
        broker,
        writer: { accepting: !halted, ...(halted ? { halted_reason: halted.reason } : {}) },
        log: {
          size: s.writer.size,
          last_checkpoint_size: checkpoint?.tree_size ?? null,
          last_checkpoint_age_seconds: checkpoint ? (s.clock.now().getTime() - checkpoint.created_at.getTime()) / 1000 : null,
        },
      };
    },
  }),
];
