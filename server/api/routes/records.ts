import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { FileRecord } from '../../db/models';
import { barcodeSchema, recordInputSchema } from '../../domain/schemas';
import { createRecord } from '../../domain/records-service';
import { decodeLeaf } from '../../custody-log/leaf';
import { defineRoute, HttpError } from '../route';
import type { Services } from '../../services';
import type { Principal } from '../principal';
import { isScreened, outsideWalls, wallsOf } from '../../domain/ethical-walls';

const STAFF = ['staff', 'manager', 'admin'] as const;

export const recordSchema = z.object({
  id: z.string(),
  barcode: z.string(),
  client: z.string(),
  matter: z.string(),
  volume: z.number().int(),
  title: z.string(),
  confidentiality: z.string(),
  home_cabinet_id: z.string().nullable(),
  retention_class: z.string().nullable(),
  legal_hold: z.boolean(),
  status: z.string(),
  custodian_person_id: z.string().nullable(),
  location_id: z.string().nullable(),
});

const listQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional(),
  status: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const byBarcode = z.strictObject({ barcode: barcodeSchema });

/**
 * A file the caller may see. Behind an ethical wall a file does not exist for the screened person:
 * the answer is the same 404 as for a barcode nobody has, so not even its existence leaks.
 */
export async function findVisible(s: Services, principal: Principal | null, barcode: string): Promise<FileRecord> {
  const record = await FileRecord.findOne({ where: { barcode } });
  if (!record || isScreened(await wallsOf(s.db.sequelize, principal?.user.person_id ?? null), record)) {
    throw new HttpError(404, `no record with barcode ${barcode}`);
  }
  return record;
}

function toJson(r: FileRecord) {
  return recordSchema.parse({ ...r.get({ plain: true }), legal_hold: Boolean(r.legal_hold), volume: Number(r.volume) });
}

export const recordRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/records',
    summary: 'Search client files by barcode, client or matter',
    tags: ['records'],
    access: { roles: STAFF },
    query: listQuery,
    response: z.object({ total: z.number().int(), records: z.array(recordSchema) }),
    async handler(s, { query, principal }) {
      const where: WhereOptions = outsideWalls(await wallsOf(s.db.sequelize, principal?.user.person_id ?? null));
      if (query.q) {
        const like = `%${query.q}%`;
        Object.assign(where, { [Op.or]: [{ barcode: { [Op.like]: like } }, { client: { [Op.like]: like } }, { matter: { [Op.like]: like } }] });
      }
      if (query.status) Object.assign(where, { status: query.status });
      const { rows, count } = await FileRecord.findAndCountAll({ where, limit: query.limit, offset: query.offset, order: [['barcode', 'ASC']] });
      return { total: count, records: rows.map(toJson) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/records',
    summary: 'Create a client file; its creation is its first custody-log entry',
    tags: ['records'],
    access: { roles: ['manager', 'admin'] },
    body: recordInputSchema,
    response: recordSchema,
    status: 201,
    async handler(s, { body, actor }) {
      return toJson(await createRecord(s.writer, body, actor));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/records/:barcode',
    summary: 'One client file',
    tags: ['records'],
    access: { roles: STAFF },
    params: byBarcode,
    response: recordSchema,
    async handler(s, { params, principal }) {
      return toJson(await findVisible(s, principal, params.barcode));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/records/:barcode/custody',
    summary: "The file's custody-log entries, oldest first",
    tags: ['records', 'custody log'],
    access: { roles: STAFF },
    params: byBarcode,
    response: z.object({ record: z.string(), entries: z.array(z.object({ index: z.number().int(), event: z.record(z.string(), z.unknown()) })) }),
    async handler(s, { params, actor, principal }) {
      const record = await findVisible(s, principal, params.barcode);
      await s.writer.submit({ run: (ctx) => ctx.append({ type: 'report.viewed', report: 'custody', record: record.id, actor }) });
      const rows = await s.store.entriesOfRecord(record.id);
      return { record: record.id, entries: rows.map((r) => ({ index: r.idx, event: decodeLeaf(r.leaf) })) };
    },
  }),
];
