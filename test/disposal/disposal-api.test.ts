import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposalRoutes } from '../../server/api/routes/disposal';
import { buildOpenApi } from '../../server/api/openapi';
import type { Services } from '../../server/services';
import { disposalFixture, type DisposalFixture } from './db-fixture';
import { serveRoutes } from './route-harness';

/** The disposal routes over HTTP: validation, refusals as status codes, uploads and downloads. */
describe('disposal API', () => {
  let f: DisposalFixture;
  let server: { url: string; close(): Promise<void> };
  let bare: { url: string; close(): Promise<void> };

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = server.url) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, headers: res.headers };
  };
  const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((x) => x.field);

  beforeAll(async () => {
    f = await disposalFixture('sqlite');
    const services = { db: f.db, bus: f.bus, writer: f.writer, store: f.store, clock: f.clock, directory: f.directory } as unknown as Services;
    server = await serveRoutes({ ...services, dataDir: f.dataDir } as Services, disposalRoutes);
    bare = await serveRoutes(services, disposalRoutes);
  });
  afterAll(async () => {
    await server?.close();
    await bare?.close();
    await f?.close();
  });

  it('lets staff read retention classes, eligibility and a file’s verdict; everything else needs a manager or admin', () => {
    for (const route of disposalRoutes) {
      const roles = 'roles' in route.access ? [...route.access.roles] : ['public'];
      const staffMayRead = route.method === 'get' && ['/api/v1/retention-classes', '/api/v1/disposal/eligible', '/api/v1/records/:barcode/eligibility'].includes(route.path);
      expect(roles, `${route.method} ${route.path}`).toEqual(staffMayRead ? ['staff', 'manager', 'admin'] : ['manager', 'admin']);
    }
  });

  it('documents every route in the OpenAPI document, from the same schemas', () => {
    const doc = buildOpenApi(disposalRoutes, 'test') as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>> };
    for (const route of disposalRoutes) expect(doc.paths[route.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    const hold = doc.paths['/api/v1/holds']!.post!.requestBody!.content['application/json']!.schema;
    expect(hold.required).toEqual(expect.arrayContaining(['scope', 'reason', 'approved_by']));
  });

  it('retention classes: created, listed, renamed, refused when duplicate or in use, deleted', async () => {
    const bad = await call('POST', '/api/v1/retention-classes', { name: '', trigger: 'closed', years: -1, colour: 'red' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(expect.arrayContaining(['body.name', 'body.trigger', 'body.years', 'body.colour']));
    const created = await call('POST', '/api/v1/retention-classes', { name: 'created+3y', trigger: 'created', years: 3, return_to_client: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'created+3y', trigger: 'created', years: 3, return_to_client: true });
    expect((await call('POST', '/api/v1/retention-classes', { name: 'created+3y', trigger: 'created', years: 1 })).status).toBe(409);
    expect((await call('PATCH', `/api/v1/retention-classes/${created.body.id}`, { years: 4 })).body.years).toBe(4);
    const list = await call('GET', '/api/v1/retention-classes');
    expect(list.body.classes.map((c: { name: string }) => c.name)).toEqual(['closed+100y', 'closed+7y', 'created+3y']);
    const seven = list.body.classes.find((c: { name: string }) => c.name === 'closed+7y');
    expect((await call('DELETE', `/api/v1/retention-classes/${seven.id}`)).status).toBe(409);
    expect((await call('DELETE', `/api/v1/retention-classes/${created.body.id}`)).status).toBe(200);
    expect((await call('DELETE', `/api/v1/retention-classes/${created.body.id}`)).status).toBe(404);
  });

  it('matters and a file’s disposition', async () => {
    const matter = await call('PUT', '/api/v1/matters', { client: 'Cedar', matter: 'M3', parties: ['Jo Cedar'] });
    expect(matter.body).toMatchObject({ client: 'Cedar', matter: 'M3', closed_at: null, parties: ['Jo Cedar'] });
    expect((await call('PUT', '/api/v1/matters', { client: 'Cedar', matter: 'M3', closed_at: 'yesterday' })).status).toBe(400);
    expect((await call('PUT', '/api/v1/records/SK-500006/disposition', { retention_class: 'closed+99y' })).status).toBe(400);
    expect((await call('PUT', '/api/v1/records/SK-500006/disposition', {})).status).toBe(400);
    expect((await call('PUT', '/api/v1/records/SK-404404/disposition', { return_to_client: true })).status).toBe(404);
    expect((await call('GET', '/api/v1/records/SK-500006/eligibility')).body).toMatchObject({ eligible: false, reason: 'no_retention_class' });
    const set = await call('PUT', '/api/v1/records/SK-500006/disposition', { retention_class: 'closed+7y', return_to_client: false });
    expect(set.status).toBe(200);
    expect((await call('GET', '/api/v1/records/SK-500006/eligibility')).body).toMatchObject({ eligible: true, reason: null, held: false });
  });

  it('holds: the requester is the signed-in person, the approver someone else; validated, listed, released', async () => {
    const missing = await call('POST', '/api/v1/holds', { scope: 'record', reason: 'x', approved_by: f.person.max });
    expect(missing.status).toBe(400);
    expect(fieldsOf(missing.body)).toEqual(expect.arrayContaining(['body.barcode']));
    expect(fieldsOf((await call('POST', '/api/v1/holds', { scope: 'record', barcode: 'SK-500001', reason: 'x', approved_by: f.person.max })).body)).toEqual(['body.requested_by']);
    const asMia = { 'x-test-person': f.person.mia!, 'x-test-actor': f.pseudonym.mia! };
    const impersonating = await call('POST', '/api/v1/holds', { scope: 'record', barcode: 'SK-500001', reason: 'x', requested_by: f.person.max, approved_by: f.person.ann }, asMia);
    expect(impersonating.status).toBe(400);
    expect((await call('POST', '/api/v1/holds', { scope: 'record', barcode: 'SK-500001', reason: 'x', approved_by: f.person.mia }, asMia)).status).toBe(409);
    expect((await call('POST', '/api/v1/holds', { scope: 'record', barcode: 'SK-404404', reason: 'x', approved_by: f.person.max }, asMia)).status).toBe(404);
    const placed = await call('POST', '/api/v1/holds', { scope: 'client', client: 'Birch', reason: 'Regulator inquiry', approved_by: f.person.max }, asMia);
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ scope: 'client', client: 'Birch', matter: null, placed_by: f.person.mia, approved_by: f.person.max, released_at: null, records: 3 });
    expect((await call('GET', '/api/v1/holds?active=true')).body.holds).toHaveLength(1);
    expect((await call('GET', '/api/v1/holds?active=maybe')).status).toBe(400);
    expect((await call('GET', '/api/v1/disposal/eligible')).body.records.map((r: { barcode: string }) => r.barcode)).toEqual(['SK-500001', 'SK-500002']);
    const released = await call('POST', `/api/v1/holds/${placed.body.id}/release`, { reason: 'Closed', approved_by: f.person.ann }, { 'x-test-person': f.person.max! });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ released_by: f.person.max, release_approved_by: f.person.ann, release_reason: 'Closed' });
    expect((await call('GET', '/api/v1/holds?active=false')).body.holds).toHaveLength(1);
    const page = await call('GET', '/api/v1/disposal/eligible?limit=2&offset=1');
    expect(page.body).toMatchObject({ total: 4, records: [{ barcode: 'SK-500002' }, { barcode: 'SK-500004' }] });
  });

  it('pickups: refused with nothing to collect or an unknown bin; started with the seal number, which unlocks the lid', async () => {
    expect((await call('POST', '/api/v1/disposal/batches', { bin: 'shred-1', seal_number: 'S-1' })).status).toBe(409);
    expect((await call('POST', '/api/v1/disposal/batches', { bin: 'shred-7', seal_number: 'S-1' })).status).toBe(404);
    expect((await call('POST', '/api/v1/disposal/batches', { bin: 'shred-1' })).status).toBe(400);
    await f.badge('shred-1-reader', 'ada');
    await f.scan('shred-1-scanner', 'SK-500001');
    await f.scan('shred-1-scanner', 'SK-500002');
    await f.scan('shred-1-scanner', 'SK-500006');
    f.commands.length = 0;
    const batch = await call('POST', '/api/v1/disposal/batches', { bin: 'shred-1', seal_number: 'S-0042' }, { 'x-test-person': f.person.mia! });
    expect(batch.status).toBe(201);
    expect(batch.body).toMatchObject({ bin: 'shred-1', seal_number: 'S-0042', started_via: 'api', started_by: f.person.mia, files: 3, certified: 0, certificates: [] });
    expect(f.commands).toEqual([{ deviceId: 'shred-1-seal', command: 'unlock' }]);
  });

  it('certificates: JSON with base64 or multipart; checked, stored, listed, downloadable; the reconciliation shows the gaps', async () => {
    const [batch] = (await call('GET', '/api/v1/disposal/batches')).body.batches;
    const fields = { serial_number: 'COD-1', destroyed_on: '2026-01-05', place: 'Plant 2', method: 'shredding', operator_name: 'Olga Operator' };
    const file = { name: 'cod-1.pdf', media_type: 'application/pdf', content_base64: Buffer.from('%PDF-1.4 one').toString('base64') };
    expect((await call('POST', `/api/v1/disposal/batches/${batch.id}/certificate`, { ...fields, file }, {}, bare.url)).status).toBe(503);
    expect((await call('POST', '/api/v1/disposal/batches/nope/certificate', { ...fields, file })).status).toBe(404);
    const badDate = await call('POST', `/api/v1/disposal/batches/${batch.id}/certificate`, { ...fields, destroyed_on: '2026-02-30', file });
    expect(fieldsOf(badDate.body)).toEqual(['body.destroyed_on']);
    expect(fieldsOf((await call('POST', `/api/v1/disposal/batches/${batch.id}/certificate`, { ...fields, destroyed_on: '2020-01-01', file })).body)).toEqual(['body.destroyed_on']);
    expect((await call('POST', `/api/v1/disposal/batches/${batch.id}/certificate`, { ...fields, file: { content_base64: '***' } })).status).toBe(400);

    // The first certificate lists one file of the batch and one it never held.
    const first = await call('POST', `/api/v1/disposal/batches/${batch.id}/certificate`, { ...fields, barcodes: ['SK-500001', 'SK-500999'], file });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ certified: ['SK-500001'], refused: [], extra: ['SK-500999'] });
    const gaps = await call('GET', `/api/v1/disposal/reconciliation?batch=${batch.id}`);
    expect(gaps.body.batches[0]).toMatchObject({ deposited: 3, certified: 1, missing: ['SK-500002', 'SK-500006'], extra: ['SK-500999'], status: 'discrepancy' });

    // The second, as a multipart upload, covers the rest.
    expect((await fetch(`${server.url}/api/v1/disposal/batches/${batch.id}/certificate/upload`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    const noFile = new FormData();
    for (const [k, v] of Object.entries({ ...fields, serial_number: 'COD-2' })) noFile.append(k, v);
    const refused = await fetch(`${server.url}/api/v1/disposal/batches/${batch.id}/certificate/upload`, { method: 'POST', body: noFile });
    expect(refused.status).toBe(400);
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...fields, serial_number: 'COD-2' })) form.append(k, v);
    form.append('barcodes', 'SK-500002 SK-500006');
    form.append('file', new Blob([Buffer.from('%PDF-1.4 two')], { type: 'application/pdf' }), 'cod-2.pdf');
    const second = await fetch(`${server.url}/api/v1/disposal/batches/${batch.id}/certificate/upload`, { method: 'POST', body: form });
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ certified: ['SK-500002', 'SK-500006'] });
    const third = await call('POST', `/api/v1/disposal/batches/${batch.id}/certificate`, { ...fields, serial_number: 'COD-3', file });
    expect(third.status).toBe(409);

    const listed = (await call('GET', '/api/v1/disposal/batches')).body.batches[0];
    expect(listed).toMatchObject({ files: 3, certified: 3 });
    expect(listed.certificates.map((c: { serial_number: string }) => c.serial_number)).toEqual(['COD-1', 'COD-2']);
    expect(JSON.stringify(listed)).not.toMatch(/Olga/);
    const download = await fetch(`${server.url}/api/v1/disposal/certificates/${listed.certificates[1].id}/file`);
    expect(download.headers.get('content-disposition')).toMatch(/cod-2\.pdf/);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('%PDF-1.4 two');
    expect((await call('GET', '/api/v1/disposal/certificates/nope/file')).status).toBe(404);

    const csv = await call('GET', '/api/v1/disposal/reconciliation?format=csv');
    expect(csv.headers.get('content-disposition')).toMatch(/disposal-reconciliation\.csv/);
    expect(csv.body).toMatch(/,3,3,0,1,discrepancy,,SK-500999\r\n$/);
    expect((await call('GET', '/api/v1/disposal/reconciliation?format=xml')).status).toBe(400);
    expect((await call('GET', '/api/v1/disposal/reconciliation?batch=nope')).status).toBe(404);
  });

  it('a deposited file taken back out by a manager', async () => {
    await f.badge('shred-1-reader', 'bob');
    await f.scan('shred-1-scanner', 'SK-500004');
    expect((await call('POST', '/api/v1/disposal/deposits/SK-500004/retrieve', {})).status).toBe(400);
    expect((await call('POST', '/api/v1/disposal/deposits/SK-500004/retrieve', { by: f.person.bob })).status).toBe(400);
    const back = await call('POST', '/api/v1/disposal/deposits/SK-500004/retrieve', {}, { 'x-test-person': f.person.mia! });
    expect(back.body).toEqual({ barcode: 'SK-500004', status: 'out', custodian_person_id: f.person.mia });
    expect((await call('POST', '/api/v1/disposal/deposits/SK-500004/retrieve', {}, { 'x-test-person': f.person.mia! })).status).toBe(409);
  });
});
