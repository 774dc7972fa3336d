import type { Request } from 'express';
import { z } from 'zod';
import type { Services } from '../../services';
import { barcodeSchema } from '../../domain/schemas';
import { binsOf, DisposalError, DisposalService } from '../../disposal/disposal-service';
import { MAX_CERTIFICATE_BYTES } from '../../disposal/certificate-store';
import { reconciliationCsv } from '../../disposal/certification';
import { DisposalSnapshot } from '../../disposal/disposal-snapshot';
import { ShredBin } from '../../db/models';
import {
  batchStartSchema,
  certificateFieldsSchema,
  certificateJsonSchema,
  dispositionInputSchema,
  holdInputSchema,
  holdReleaseSchema,
  matterInputSchema,
  personIdSchema,
  retentionClassInputSchema,
  retentionClassPatchSchema,
  retrieveSchema,
} from '../../disposal/schemas';
import { defineRoute, HttpError } from '../route';
import { validatePart } from '../validate';

/**
 * Retention classes, matters, legal holds, the eligibility list, vendor pickups, certificates of
 * destruction and their reconciliation (issue 5, points 5 and 6). Managers and admins change
 * things; staff may read retention classes and what may be destroyed.
 *
 * The caller is the signed-in person; the other people involved (a hold's approver) are named by
 * their directory id. Without a session (tests, tools), `requested_by`, `released_by`, `by` and
 * `recorded_by` name who acts. Only pseudonyms go into the log.
 */

const STAFF = ['staff', 'manager', 'admin'] as const;
const MANAGERS = ['manager', 'admin'] as const;

/**
 * The data directory, where certificate files are kept. Services will carry it (see the report
 * for the wiring); until then the certificate routes answer 503.
 */
function dataDirOf(s: Services): string | undefined {
  return (s as Services & { dataDir?: string }).dataDir;
}

interface Caller {
  principal?: { user?: { person_id?: string | null } } | null;
  actor?: string;
}

function service(s: Services, caller: Caller = {}): DisposalService {
  // 'anonymous' is what the app passes on public routes; these are not public.
  const actor = caller.actor && caller.actor !== 'anonymous' ? caller.actor : undefined;
  return new DisposalService({ writer: s.writer, bus: s.bus, sequelize: s.db.sequelize, clock: s.clock, dataDir: dataDirOf(s), findBin: binsOf(s.directory), ...(actor ? { actor } : {}) });
}

/**
 * The person acting: the signed-in person, or the one the body names when there is no session.
 * Naming someone else than yourself is refused: a hold's requester can't be made up.
 */
function actingPerson(caller: Caller, claimed: string | undefined, field: string, required: boolean): string | undefined {
  const own = caller.principal?.user?.person_id ?? undefined;
  if (own && claimed && claimed !== own) throw new HttpError(400, `invalid body: ${field}: must be you, or left out`, [{ field: `body.${field}`, message: 'must be you, or left out' }]);
  const person = own ?? claimed;
  if (!person && required) throw new HttpError(400, `invalid body: ${field}: is required`, [{ field: `body.${field}`, message: 'is required' }]);
  return person;
}

/** Refusals of the service become HTTP answers naming the field at fault. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DisposalError) throw new HttpError(err.status, err.message, err.field ? [{ field: `body.${err.field}`, message: err.message }] : undefined);
    throw err;
  }
}

const idParam = z.strictObject({ id: z.string().trim().min(1).max(64) });
const barcodeParam = z.strictObject({ barcode: barcodeSchema });

export const classSchema = z.object({ id: z.string(), name: z.string(), trigger: z.string(), years: z.number().int(), return_to_client: z.boolean() });
export const holdSchema = z.object({
  id: z.string(),
  scope: z.string(),
  barcode: z.string().nullable(),
  client: z.string().nullable(),
  matter: z.string().nullable(),
  reason: z.string(),
  placed_by: z.string(),
  approved_by: z.string(),
  placed_at: z.string(),
  released_at: z.string().nullable(),
  released_by: z.string().nullable(),
  release_approved_by: z.string().nullable(),
  release_reason: z.string().nullable(),
  records: z.number().int().optional(),
});
const certificateSchema = z.object({
  id: z.string(),
  batch: z.string(),
  serial_number: z.string(),
  destroyed_on: z.string(),
  place: z.string(),
  method: z.string(),
  file_sha256: z.string(),
  file_size: z.number().int(),
  recorded_at: z.string(),
});
export const batchSchema = z.object({
  id: z.string(),
  bin: z.string(),
  started_at: z.string(),
  started_via: z.string(),
  started_by: z.string().nullable(),
  seal_number: z.string().nullable(),
  files: z.number().int(),
  certified: z.number().int(),
  certificates: z.array(certificateSchema),
});
export const certificationSchema = z.object({
  certificate: certificateSchema,
  certified: z.array(z.string()),
  refused: z.array(z.object({ barcode: z.string(), reason: z.string() })),
  extra: z.array(z.string()),
});
export const reconciliationRowSchema = z.object({
  batch: z.string(),
  bin: z.string(),
  started_at: z.string(),
  seal_number: z.string().nullable(),
  certificates: z.number().int(),
  deposited: z.number().int(),
  certified: z.number().int(),
  missing: z.array(z.string()),
  extra: z.array(z.string()),
  status: z.enum(['awaiting_certificate', 'reconciled', 'discrepancy']),
});

/** Reads a multipart body (express.json leaves it untouched) with a size cap, and parses it with the platform's FormData. */
async function readMultipart(req: Request, limit: number): Promise<FormData> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data;/i.test(type)) throw new HttpError(415, 'send multipart/form-data, with the certificate file in the part named "file"');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `the upload is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
  } catch {
    throw new HttpError(400, 'the multipart body could not be read');
  }
}

export const disposalRoutes = [
  // ---- Retention classes ----
  defineRoute({
    method: 'get',
    path: '/api/v1/retention-classes',
    summary: 'Retention classes: when files of each class may be destroyed',
    tags: ['retention'],
    access: { roles: STAFF },
    response: z.object({ classes: z.array(classSchema) }),
    async handler(s) {
      return { classes: await service(s).listClasses() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/retention-classes',
    summary: 'Create a retention class, e.g. "closed+7y" (matter_closed, 7 years)',
    tags: ['retention'],
    access: { roles: MANAGERS },
    body: retentionClassInputSchema,
    response: classSchema,
    status: 201,
    async handler(s, input) {
      return answer(() => service(s, input).createClass({ ...input.body, by: actingPerson(input, input.body.by, 'by', false) }));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/retention-classes/:id',
    summary: 'Change a retention class; files naming it by its old name follow a rename',
    tags: ['retention'],
    access: { roles: MANAGERS },
    params: idParam,
    body: retentionClassPatchSchema,
    response: classSchema,
    async handler(s, input) {
      return answer(() => service(s, input).updateClass(input.params.id, { ...input.body, by: actingPerson(input, input.body.by, 'by', false) }));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/retention-classes/:id',
    summary: 'Delete a retention class no file uses',
    tags: ['retention'],
    access: { roles: MANAGERS },
    params: idParam,
    query: z.strictObject({ by: personIdSchema.optional() }),
    response: z.object({ id: z.string() }),
    async handler(s, input) {
      return answer(() => service(s, input).deleteClass(input.params.id, actingPerson(input, input.query.by, 'by', false)));
    },
  }),

  // ---- Matters and a file's disposition ----
  defineRoute({
    method: 'get',
    path: '/api/v1/matters',
    summary: "Clients' matters, their closing dates and parties",
    tags: ['retention'],
    access: { roles: MANAGERS },
    async handler(s) {
      return { matters: await service(s).listMatters() };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/matters',
    summary: "Create or change a client's matter; closed_at starts the clock of matter_closed retention classes",
    tags: ['retention'],
    access: { roles: MANAGERS },
    body: matterInputSchema,
    async handler(s, input) {
      return answer(() => service(s, input).upsertMatter({ ...input.body, by: actingPerson(input, input.body.by, 'by', false) }));
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/records/:barcode/disposition',
    summary: "Set a file's retention class and its \"original, return to the client\" flag",
    tags: ['retention', 'records'],
    access: { roles: MANAGERS },
    params: barcodeParam,
    body: dispositionInputSchema,
    async handler(s, input) {
      return answer(() => service(s, input).setDisposition(input.params.barcode, { ...input.body, by: actingPerson(input, input.body.by, 'by', false) }));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/records/:barcode/eligibility',
    summary: 'Whether the file may be destroyed now, and if not, why',
    tags: ['retention', 'records'],
    access: { roles: STAFF },
    params: barcodeParam,
    response: z.object({ barcode: z.string(), eligible: z.boolean(), reason: z.string().nullable(), due: z.string().nullable(), held: z.boolean() }),
    async handler(s, { params }) {
      return answer(() => service(s).eligibilityOf(params.barcode));
    },
  }),

  // ---- Legal holds ----
  defineRoute({
    method: 'get',
    path: '/api/v1/holds',
    summary: 'Legal holds, newest first',
    tags: ['holds'],
    access: { roles: MANAGERS },
    query: z.strictObject({ active: z.enum(['true', 'false']).optional() }),
    response: z.object({ holds: z.array(holdSchema) }),
    async handler(s, { query }) {
      return { holds: await service(s).listHolds(query.active === undefined ? {} : { active: query.active === 'true' }) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/holds',
    summary: 'Place a legal hold on a file, a matter or a client; the approver must be another manager or admin',
    tags: ['holds'],
    access: { roles: MANAGERS, reauth: true },
    body: holdInputSchema,
    response: holdSchema,
    status: 201,
    async handler(s, input) {
      const requester = actingPerson(input, input.body.requested_by, 'requested_by', true)!;
      return answer(() => service(s, input).placeHold({ ...input.body, requested_by: requester }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/holds/:id/release',
    summary: 'Release a legal hold, with a reason and an approver other than the person releasing it',
    tags: ['holds'],
    access: { roles: MANAGERS, reauth: true },
    params: idParam,
    body: holdReleaseSchema,
    response: holdSchema,
    async handler(s, input) {
      const releaser = actingPerson(input, input.body.released_by, 'released_by', true)!;
      return answer(() => service(s, input).releaseHold(input.params.id, { ...input.body, released_by: releaser }));
    },
  }),

  // ---- Eligibility, pickups, certificates ----
  defineRoute({
    method: 'get',
    path: '/api/v1/disposal/eligible',
    summary: 'Files that may be destroyed: retention met, no legal hold, in their cabinet, not to be returned to the client',
    tags: ['disposal'],
    access: { roles: STAFF },
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(1000).default(200),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
    response: z.object({
      total: z.number().int(),
      records: z.array(z.object({ id: z.string(), barcode: z.string(), client: z.string(), matter: z.string(), location_id: z.string().nullable(), retention_class: z.string(), due: z.string() })),
    }),
    async handler(s, { query }) {
      const all = await service(s).eligible();
      return { total: all.length, records: all.slice(query.offset, query.offset + query.limit) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/disposal/bins',
    summary: 'Shred bins and the deposited files waiting for the next pickup (held ones block it)',
    tags: ['disposal'],
    access: { roles: MANAGERS },
    response: z.object({ bins: z.array(z.object({ id: z.string(), name: z.string(), awaiting_pickup: z.number().int(), held: z.number().int() })) }),
    async handler(s) {
      const snapshot = new DisposalSnapshot(s.db.sequelize, null);
      const bins = await ShredBin.findAll({ order: [['id', 'ASC']] });
      return {
        bins: await Promise.all(
          bins.map(async (bin) => {
            const pending = await snapshot.pendingDeposits(bin.id);
            return { id: bin.id, name: bin.name, awaiting_pickup: pending.length, held: pending.filter((p) => p.held).length };
          }),
        ),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/disposal/batches',
    summary: 'Vendor pickups, newest first, with their certificates',
    tags: ['disposal'],
    access: { roles: MANAGERS },
    response: z.object({ batches: z.array(batchSchema) }),
    async handler(s) {
      return { batches: await service(s).listBatches() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/disposal/batches',
    summary: "Start a vendor pickup with the bin's seal number: every deposited, not yet collected file joins the batch",
    tags: ['disposal'],
    access: { roles: MANAGERS },
    body: batchStartSchema,
    response: batchSchema,
    status: 201,
    async handler(s, input) {
      return answer(() => service(s, input).startBatch({ ...input.body, by: actingPerson(input, input.body.by, 'by', false) }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/disposal/deposits/:barcode/retrieve',
    summary: 'Take a deposited file back out of its bin (or from the vendor): it is checked out to the person named',
    tags: ['disposal'],
    access: { roles: MANAGERS },
    params: barcodeParam,
    body: retrieveSchema,
    async handler(s, input) {
      const by = actingPerson(input, input.body.by, 'by', true)!;
      return answer(() => service(s, input).retrieve(input.params.barcode, by));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/disposal/batches/:id/certificate',
    summary: 'Record the certificate of destruction for a pickup (file as base64 in JSON, up to the JSON body limit); marks its files destroyed',
    tags: ['disposal'],
    access: { roles: MANAGERS },
    params: idParam,
    body: certificateJsonSchema,
    response: certificationSchema,
    status: 201,
    async handler(s, input) {
      const { file, ...fields } = input.body;
      const recordedBy = actingPerson(input, fields.recorded_by, 'recorded_by', false);
      return answer(() =>
        service(s, input).recordCertificate(
          input.params.id,
          { ...fields, ...(recordedBy ? { recorded_by: recordedBy } : {}) },
          { bytes: Buffer.from(file.content_base64, 'base64'), name: file.name ?? null, mediaType: file.media_type ?? null },
        ),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/disposal/batches/:id/certificate/upload',
    summary:
      'Record the certificate of destruction as multipart/form-data: the fields of the JSON variant as form fields (barcodes repeated or space-separated) and the file in the part "file"',
    tags: ['disposal'],
    access: { roles: MANAGERS },
    params: idParam,
    response: certificationSchema,
    status: 201,
    async handler(s, input) {
      const { params, req } = input;
      const form = await readMultipart(req, MAX_CERTIFICATE_BYTES + 64 * 1024);
      const fields: Record<string, unknown> = {};
      let file: File | null = null;
      for (const [key, value] of form.entries()) {
        if (key === 'file') {
          if (typeof value === 'string') throw new HttpError(400, 'the part "file" must be a file', [{ field: 'body.file', message: 'must be a file' }]);
          file = value;
        } else if (key === 'barcodes') {
          const codes = String(value).split(/[\s,]+/).filter(Boolean);
          fields.barcodes = [...((fields.barcodes as string[] | undefined) ?? []), ...codes];
        } else fields[key] = String(value);
      }
      const parsed = validatePart(certificateFieldsSchema, fields, 'body');
      if (!file) throw new HttpError(400, 'invalid body: file: is required', [{ field: 'body.file', message: 'is required' }]);
      const upload = file;
      const recordedBy = actingPerson(input, parsed.recorded_by, 'recorded_by', false);
      return answer(async () =>
        service(s, input).recordCertificate(
          params.id,
          { ...parsed, ...(recordedBy ? { recorded_by: recordedBy } : {}) },
          { bytes: Buffer.from(await upload.arrayBuffer()), name: upload.name || null, mediaType: upload.type || null },
        ),
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/disposal/certificates/:id/file',
    summary: 'Download a certificate of destruction as it was uploaded',
    tags: ['disposal'],
    access: { roles: MANAGERS },
    params: idParam,
    async handler(s, { params, res }) {
      const file = await answer(() => service(s).certificateFile(params.id));
      res.type(file.mediaType).attachment(file.name).send(file.bytes);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/disposal/reconciliation',
    summary: 'Deposited against certified, per pickup: files not certified (missing) and certified files never deposited (extra); CSV with ?format=csv',
    tags: ['disposal'],
    access: { roles: MANAGERS },
    query: z.strictObject({ format: z.enum(['json', 'csv']).default('json'), batch: z.string().trim().min(1).max(64).optional() }),
    response: z.object({ batches: z.array(reconciliationRowSchema) }),
    async handler(s, { query, res }) {
      const rows = await answer(() => service(s).reconciliation(query.batch));
      if (query.format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment('disposal-reconciliation.csv').send(reconciliationCsv(rows));
        return undefined;
      }
      return { batches: rows };
    },
  }),
];
