import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ServerFixture } from '../support/server';
import { importCsv } from '../../server/domain/csv-import';
import { AdminService } from '../../server/domain/admin-service';
import { Person } from '../../server/db/models';
import type { ApiClient } from '../support/auth-client';

/** Behind an ethical wall, a matter's files do not exist for the screened person: not listed, not found. */
describe('ethical walls hide files', () => {
  let f: ServerFixture;
  let staff: ApiClient;
  beforeAll(async () => {
    f = await startTestServer();
    const { writer, db } = f.server.services;
    await importCsv(writer, 'people', 'name,email,role\nSam Screened,sam@example.com,staff\n', 'system:test');
    await importCsv(writer, 'records', 'barcode,client,matter,title,home_cabinet\nSK-400001,Acme,M1,Lease,cab-1\nSK-400002,Acme,M2,Will,cab-1\nSK-400003,Birch,M9,Deed,cab-2\n', 'system:test');
    const sam = (await Person.findOne({ where: { email: 'sam@example.com' } }))!;
    await new AdminService(writer).placeWall('system:test', { personId: sam.id, client: 'Acme', matter: 'M1', reason: 'Conflict' });
    staff = await f.as('staff');
    await db.sequelize.query("UPDATE users SET person_id = :sam WHERE username = 'test-staff'", { replacements: { sam: sam.id } });
  });
  afterAll(async () => f?.close());

  it('leaves walled files out of searches and answers 404 for them', async () => {
    const list = await staff.json<{ records: { barcode: string }[] }>('GET', '/api/v1/records?q=SK-4000');
    expect(list.body.records.map((r) => r.barcode)).toEqual(['SK-400002', 'SK-400003']);
    for (const path of ['/api/v1/records/SK-400001', '/api/v1/records/SK-400001/custody']) {
      expect((await staff.fetch(path)).status, path).toBe(404);
    }
    expect((await staff.fetch('/api/v1/records/SK-400002')).status).toBe(200);
  });

  it('still shows them to everyone else', async () => {
    const admin = await f.as('admin');
    expect((await admin.fetch('/api/v1/records/SK-400001')).status).toBe(200);
  });
});
