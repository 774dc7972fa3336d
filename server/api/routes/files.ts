import { z } from 'zod';
import { Op } from 'sequelize';
import { FileRecord } from '../../db/models';
import { barcodeSchema } from '../../domain/schemas';
import { requestFile } from '../../domain/file-requests';
import { finishSweep, recordSweepScans, startSweep } from '../../domain/sweeps-service';
import { defineRoute } from '../route';

const STAFF = ['staff', 'manager', 'admin'] as const;
const sweepRecord = z.object({ id: z.string(), barcode: z.string(), status: z.string(), location: z.string().nullable(), homeCabinetId: z.string().nullable() });

export const fileRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/files/out',
    summary: 'Files checked out now, with their due time; `overdue=true` for overdue ones only',
    tags: ['files'],
    access: { roles: STAFF },
    query: z.strictObject({ overdue: z.enum(['true', 'false']).default('false') }),
    response: z.object({ files: z.array(z.object({ barcode: z.string(), custodian_person_id: z.string().nullable(), due_at: z.date().nullable(), overdue: z.boolean() })) }),
    async handler(s, { query }) {
      const now = s.clock.now();
      const where = query.overdue === 'true' ? { status: 'out', due_at: { [Op.lt]: now } } : { status: 'out' };
      const files = await FileRecord.findAll({ where, order: [['due_at', 'ASC']], limit: 1000 });
      return {
        files: files.map((f) => ({ barcode: f.barcode, custodian_person_id: f.custodian_person_id, due_at: f.due_at ?? null, overdue: !!f.due_at && f.due_at < now })),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/records/:barcode/requests',
    summary: 'Ask for a file that is out: the person is told when it is back',
    tags: ['files'],
    access: { roles: STAFF },
    params: z.strictObject({ barcode: barcodeSchema }),
    body: z.strictObject({ person_id: z.string().min(1).max(64) }),
    response: z.object({ queued: z.boolean(), position: z.number().int() }),
    status: 201,
    async handler(s, { params, body }) {
      return requestFile(s.writer, { barcode: params.barcode, personId: body.person_id });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/sweeps',
    summary: 'Start an audit sweep of one cabinet',
    tags: ['files'],
    access: { roles: ['manager', 'admin'] },
    body: z.strictObject({ cabinet: z.string().min(1).max(64) }),
    response: z.object({ id: z.string() }),
    status: 201,
    async handler(s, { body, actor }) {
      return { id: await startSweep(s.writer, { cabinetId: body.cabinet, actor: actor }) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/sweeps/:id/scans',
    summary: 'Add scanned barcodes to a sweep (repeats are ignored)',
    tags: ['files'],
    access: { roles: ['manager', 'admin'] },
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    body: z.strictObject({ barcodes: z.array(z.string().trim().min(1).max(64)).min(1).max(5000) }),
    response: z.object({ added: z.number().int() }),
    async handler(s, { params, body }) {
      return { added: await recordSweepScans(s.writer, params.id, body.barcodes) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/sweeps/:id/finish',
    summary: 'Finish a sweep: missing, unexpected, misplaced and unknown files; `correct` records the findings',
    tags: ['files'],
    access: { roles: ['manager', 'admin'] },
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    body: z.strictObject({ correct: z.boolean().default(false) }),
    response: z.object({
      missing: z.array(sweepRecord),
      unexpected: z.array(sweepRecord),
      misplaced: z.array(sweepRecord),
      unknown: z.array(z.string()),
      confirmed: z.array(sweepRecord),
    }),
    async handler(s, { params, body, actor }) {
      return finishSweep(s.writer, { sweepId: params.id, actor: actor, correct: body.correct });
    },
  }),
];
