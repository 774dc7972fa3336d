import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ServerFixture } from '../support/server';
import { ROUTES } from '../../server/api/route-table';

describe('HTTP API', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startTestServer();
    // Signing in writes log entries: do it before any test counts them.
    await f.as('admin');
  });
  afterAll(async () => f.close());

  const post = async (path: string, body: unknown, raw?: string) =>
    (await f.as('admin')).fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) });
  const get = async (path: string) => (await f.as('admin')).fetch(path);

  it('answers health with the database, broker, writer and log state', async () => {
    const health = await (await fetch(`${f.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: { ok: true, dialect: 'sqlite' }, broker: { ok: true, mode: 'embedded' }, writer: { accepting: true } });
    expect(health.log.size).toBeGreaterThan(0);
    expect(health.log).toHaveProperty('last_checkpoint_age_seconds');
  });

  it('publishes an OpenAPI document generated from the same schemas, covering every route', async () => {
    const doc = await (await fetch(`${f.url}/api/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    }
    const create = doc.paths['/api/v1/records'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['barcode', 'client', 'matter', 'title']));
    expect(create.additionalProperties).toBe(false);
  });

  it('creates a record, whose creation is its first custody entry', async () => {
    const res = await post('/api/v1/records', { barcode: 'SK-900001', client: 'Acme', matter: '2026-001', title: 'Lease', home_cabinet: 'cab-2' });
    expect(res.status).toBe(201);
    const custody = await (await get('/api/v1/records/SK-900001/custody')).json();
    expect(custody.entries[0].event).toMatchObject({ type: 'record.created', location: 'cab-2', record_seq: 1 });
    // Looking at a file's custody is itself on the file's record: who looked, and when.
    expect(custody.entries.at(-1).event).toMatchObject({ type: 'report.viewed', report: 'custody', record_seq: 2 });
  });

  it('answers bad input with a 400 naming each bad field, and writes nothing', async () => {
    const before = (await (await fetch(`${f.url}/api/health`)).json()).log.size;
    const res = await post('/api/v1/records', { barcode: 'lower case', client: '', matter: 'm', title: 't', volume: 0, surprise: true });
    expect(res.status).toBe(400);
    const body = await res.json();
    const fields = body.fields.map((x: { field: string }) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['body.barcode', 'body.client', 'body.volume', 'body.surprise']));
    const malformed = await post('/api/v1/records', null, '{"barcode": ');
    expect(malformed.status).toBe(400);
    const query = await get('/api/v1/records?limit=100000');
    expect(query.status).toBe(400);
    expect((await query.json()).fields[0].field).toBe('query.limit');
    const after = (await (await fetch(`${f.url}/api/health`)).json()).log.size;
    expect(after).toBe(before);
  });

  it('refuses a duplicate barcode with 409 and an unknown cabinet with 400', async () => {
    const body = { barcode: 'SK-900002', client: 'Acme', matter: '2026-002', title: 'Lease' };
    expect((await post('/api/v1/records', body)).status).toBe(201);
    expect((await post('/api/v1/records', body)).status).toBe(409);
    expect((await post('/api/v1/records', { ...body, barcode: 'SK-900003', home_cabinet: 'nowhere' })).status).toBe(400);
  });

  it('answers unknown routes and records with 404', async () => {
    expect((await fetch(`${f.url}/api/v1/nothing`)).status).toBe(404);
    expect((await get('/api/v1/records/SK-404404')).status).toBe(404);
  });

  it('serves a custody bundle that verifies offline', async () => {
    const res = await get('/api/v1/records/SK-900001/bundle');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/custody-SK-900001\.json/);
    const { verifyBundle } = await import('../../server/custody-log/bundle');
    const result = verifyBundle(await res.text());
    expect(result.ok).toBe(true);
  });
});
