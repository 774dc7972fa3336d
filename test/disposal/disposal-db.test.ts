import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases';
import { decodeLeaf, type LeafEvent } from '../../server/custody-log/leaf';
import { DisposalError } from '../../server/disposal/disposal-service';
import { commitmentOf } from '../../server/disposal/commitment';
import { asBool } from '../../server/disposal/disposal-snapshot';
import { insertRecords } from '../../server/domain/records-service';
import { disposalFixture, type DisposalFixture } from './db-fixture';

const dialects = await dialectsUnderTest();
const PDF = Buffer.from('%PDF-1.4\n% certificate of destruction COD-77\n');

describe.each(dialects)('disposal on %s', (dialect) => {
  let f: DisposalFixture;
  beforeEach(async () => {
    f = await disposalFixture(dialect);
  });
  afterEach(async () => f.close());

  const chain = async (barcode: string): Promise<LeafEvent[]> => (await f.store.entriesOfRecord(f.recordId[barcode]!)).map((r) => decodeLeaf(r.leaf));
  const allLeaves = async (): Promise<LeafEvent[]> => (await f.query<{ leaf: Buffer }>('SELECT leaf FROM log_entries ORDER BY idx')).map((r) => decodeLeaf(Buffer.from(r.leaf)));
  const record = async (barcode: string) =>
    (await f.query<{ status: string; location_id: string | null; custodian_person_id: string | null; legal_hold: unknown }>('SELECT status, location_id, custodian_person_id, legal_hold FROM records WHERE barcode = :barcode', { barcode }))[0]!;
  const alerts = async (type: string) => f.query<{ severity: string; record_id: string | null; message: string }>('SELECT severity, record_id, message FROM alerts WHERE type = :type ORDER BY created_at', { type });
  const deposit = async (who: string, barcode: string) => {
    await f.badge('shred-1-reader', who);
    await f.scan('shred-1-scanner', barcode);
  };
  const hold = (over: Record<string, unknown>) =>
    f.service.placeHold({ scope: 'record', reason: 'Subpoena in Doe v. Acme', requested_by: f.person.mia!, approved_by: f.person.max!, ...over } as never);

  it('deposits an eligible file at shred-1 through the correlator, and refuses every other with its reason', async () => {
    await deposit('ada', 'SK-500001');
    expect(await record('SK-500001')).toMatchObject({ status: 'deposited', location_id: 'shred-1', custodian_person_id: null });
    const deposited = await chain('SK-500001');
    expect(deposited.map((e) => e.type)).toEqual(['record.imported', 'disposal.deposited']);
    expect(deposited[1]).toMatchObject({ actor: f.pseudonym.ada, location: 'shred-1', device: 'shred-1-scanner', record_seq: 2 });
    expect(deposited[1]!.evidence).toHaveLength(1);
    expect(f.commands).toEqual([{ deviceId: 'shred-1-seal', command: 'unlock' }]);
    expect((await f.query('SELECT * FROM disposal_deposits')).length).toBe(1);

    // Bob takes SK-500002 out at desk 9; on hold: SK-500004.
    await f.badge('desk-9-reader', 'bob');
    await f.scan('desk-9-scanner', 'SK-500002');
    expect(await record('SK-500002')).toMatchObject({ status: 'out', custodian_person_id: f.person.bob });
    await hold({ barcode: 'SK-500004' });

    await f.badge('shred-1-reader', 'ada');
    const cases: [string, string, string?][] = [
      ['SK-500002', 'checked_out_to_other'],
      ['SK-500003', 'not_yet_eligible', 'retention_not_met'],
      ['SK-500004', 'legal_hold'],
      ['SK-500005', 'return_to_client'],
      ['SK-500006', 'not_yet_eligible', 'no_retention_class'],
    ];
    for (const [barcode, reason, detail] of cases) {
      const before = await record(barcode);
      await f.scan('shred-1-scanner', barcode);
      expect(await record(barcode), barcode).toEqual(before);
      const leaves = await chain(barcode);
      // The refusal and its alert are both entries of the file's chain.
      expect(leaves.slice(-2).map((e) => e.type), barcode).toEqual(['disposal.refused', 'alert.raised']);
      expect(leaves.at(-2), barcode).toMatchObject({ reason, actor: f.pseudonym.ada, ...(detail ? { detail } : {}) });
    }
    const refused = await alerts('disposal.refused');
    expect(refused).toHaveLength(5);
    expect(refused.find((a) => a.record_id === f.recordId['SK-500004'])?.severity).toBe('critical');
    // The seal opened once, for the accepted file only.
    expect(f.commands.filter((c) => c.command === 'unlock')).toHaveLength(1);
  });

  it('the lid: opening after an accepted scan is expected, closing locks the seal; opening otherwise is forced', async () => {
    await deposit('ada', 'SK-500001');
    await f.lid('shred-1-lid', 'open');
    await f.lid('shred-1-lid', 'closed');
    expect(f.commands.map((c) => c.command)).toEqual(['unlock', 'lock']);
    expect(await alerts('disposal.lid_forced')).toHaveLength(0);
    await f.lid('shred-1-lid', 'open');
    expect(await alerts('disposal.lid_forced')).toHaveLength(1);
    const types = (await allLeaves()).map((e) => e.type);
    expect(types.filter((t) => t.startsWith('bin.lid_'))).toEqual(['bin.lid_opened', 'bin.lid_closed', 'bin.lid_opened']);
  });

  it('a matter-wide hold: approved by another person, one leaf per file, flags in sync, released with a reason', async () => {
    await expect(hold({ scope: 'matter', client: 'Acme', matter: 'M1', approved_by: f.person.mia })).rejects.toMatchObject({ status: 409, field: 'approved_by' });
    await expect(hold({ scope: 'matter', client: 'Acme', matter: 'M1', requested_by: f.person.ada })).rejects.toBeInstanceOf(DisposalError);
    const matterHold = await hold({ scope: 'matter', client: 'Acme', matter: 'M1' });
    expect(matterHold.records).toBe(3);
    for (const barcode of ['SK-500001', 'SK-500002', 'SK-500003']) {
      expect(asBool((await record(barcode)).legal_hold)).toBe(true);
      expect((await chain(barcode)).at(-1)).toMatchObject({ type: 'hold.placed', hold: matterHold.id, scope: 'matter', actor: f.pseudonym.mia, approver: f.pseudonym.max });
    }
    expect(asBool((await record('SK-500004')).legal_hold)).toBe(false);
    // The reason stays off the log, as a commitment the database can open.
    const [row] = await f.query<{ reason_salt: string }>('SELECT reason_salt FROM legal_holds WHERE id = :id', { id: matterHold.id });
    const leaf = (await chain('SK-500001')).at(-1)!;
    expect(leaf.commitments).toEqual({ reason: commitmentOf('hold-reason', 'Subpoena in Doe v. Acme', row!.reason_salt) });
    expect(JSON.stringify(await allLeaves())).not.toMatch(/Subpoena|Doe|Acme/);

    // A second hold on one of the files outlives the release of the matter's hold.
    await hold({ barcode: 'SK-500001' });
    expect((await f.service.eligible()).map((r) => r.barcode)).toEqual(['SK-500004']);
    await expect(f.service.releaseHold(matterHold.id, { reason: 'Settled', released_by: f.person.max!, approved_by: f.person.max! })).rejects.toMatchObject({ status: 409 });
    const released = await f.service.releaseHold(matterHold.id, { reason: 'Settled', released_by: f.person.max!, approved_by: f.person.ann! });
    expect(released.released_at).not.toBeNull();
    expect((await chain('SK-500001')).at(-1)).toMatchObject({ type: 'hold.released', still_held: true, actor: f.pseudonym.max, approver: f.pseudonym.ann });
    expect((await chain('SK-500002')).at(-1)).toMatchObject({ type: 'hold.released', hold: matterHold.id });
    expect(asBool((await record('SK-500001')).legal_hold)).toBe(true);
    expect(asBool((await record('SK-500002')).legal_hold)).toBe(false);
    await expect(f.service.releaseHold(matterHold.id, { reason: 'again', released_by: f.person.max!, approved_by: f.person.ann! })).rejects.toMatchObject({ status: 409 });
    expect((await f.service.listHolds({ active: true })).map((h) => h.scope)).toEqual(['record']);
    expect((await f.service.eligible()).map((r) => r.barcode)).toEqual(['SK-500002', 'SK-500004']);
  });

  it('a file added to a held matter later is held from its first day', async () => {
    const matterHold = await hold({ scope: 'matter', client: 'Birch', matter: 'M2' });
    await f.service.setDisposition('SK-500006', { retention_class: 'closed+7y' });
    expect(await f.service.eligibilityOf('SK-500006')).toMatchObject({ eligible: false, reason: 'legal_hold', held: true });
    // A new file of the matter: creating it applies the active holds to its flag and chain.
    await f.writer.submit({
      run: (ctx) => insertRecords(ctx, [{ barcode: 'SK-500007', client: 'Birch', matter: 'M2', volume: 1, title: 'New', confidentiality: 'confidential', retention_class: 'closed+7y' }], { actor: 'system:test', type: 'record.created' }),
    });
    expect(await f.service.eligibilityOf('SK-500007')).toMatchObject({ eligible: false, reason: 'legal_hold' });
    expect(asBool((await record('SK-500007')).legal_hold)).toBe(true);
    const [id] = await f.query<{ id: string }>("SELECT id FROM records WHERE barcode = 'SK-500007'");
    const leaves = (await f.store.entriesOfRecord(id!.id)).map((r) => decodeLeaf(r.leaf));
    expect(leaves.map((e) => e.type)).toEqual(['record.created', 'hold.placed']);
    expect(leaves[1]).toMatchObject({ hold: matterHold.id, scope: 'matter', reason: 'added_to_held_scope', record_seq: 2 });
  });

  it('pickup by the vendor’s badge, a certificate with a late hold, and the reconciliation', async () => {
    await f.badge('shred-1-reader', 'ada');
    for (const barcode of ['SK-500001', 'SK-500002', 'SK-500004']) await f.scan('shred-1-scanner', barcode);
    await f.badge('shred-1-reader', 'vic');
    const [batch] = await f.service.listBatches();
    expect(batch).toMatchObject({ bin: 'shred-1', started_via: 'badge', started_by: f.person.vic, files: 3, certified: 0 });
    expect((await chain('SK-500002')).at(-1)).toMatchObject({ type: 'disposal.collected', batch: batch!.id, actor: f.pseudonym.vic });
    expect(f.commands.at(-1)).toEqual({ deviceId: 'shred-1-seal', command: 'unlock' });

    // After pickup, SK-500002 comes under a hold: it must not be recorded as destroyed.
    await hold({ barcode: 'SK-500002' });
    expect(await alerts('disposal.held_in_bin')).toHaveLength(1);
    const result = await f.service.recordCertificate(
      batch!.id,
      { serial_number: 'COD-77', destroyed_on: '2026-01-05', place: 'Vendor plant, Newark', method: 'cross-cut shredding', operator_name: 'Jane Shredder' },
      { bytes: PDF, name: 'cod-77.pdf', mediaType: 'application/pdf' },
    );
    expect(result.certified).toEqual(['SK-500001', 'SK-500004']);
    expect(result.refused).toEqual([{ barcode: 'SK-500002', reason: 'legal_hold' }]);
    expect(await record('SK-500001')).toMatchObject({ status: 'destroyed', location_id: null });
    expect(await record('SK-500002')).toMatchObject({ status: 'deposited', location_id: 'shred-1' });
    expect((await alerts('disposal.certification_refused'))[0]).toMatchObject({ severity: 'critical', record_id: f.recordId['SK-500002'] });
    expect((await chain('SK-500001')).map((e) => e.type)).toEqual(['record.imported', 'disposal.deposited', 'disposal.collected', 'disposal.certified']);

    // The file is kept under the data directory by its hash; the log has the hash and a commitment, never the name.
    const sha = createHash('sha256').update(PDF).digest('hex');
    expect(result.certificate.file_sha256).toBe(sha);
    expect(readFileSync(path.join(f.dataDir, 'certificates', `${sha}.pdf`))).toEqual(PDF);
    const leaves = await allLeaves();
    const batchLeaf = leaves.find((e) => e.type === 'disposal.batch_certified')!;
    const [cert] = await f.query<{ operator_name: string; operator_salt: string }>('SELECT operator_name, operator_salt FROM destruction_certificates');
    expect(cert!.operator_name).toBe('Jane Shredder');
    expect(batchLeaf).toMatchObject({ batch: batch!.id, certificate_sha256: sha, serial_number: 'COD-77', certified: 2, refused: 1, commitments: { operator: commitmentOf('operator', 'Jane Shredder', cert!.operator_salt) } });
    expect(JSON.stringify(leaves)).not.toMatch(/Jane|Shredder|Newark/);

    // The same serial twice is refused, and leaves no second file.
    await expect(
      f.service.recordCertificate(batch!.id, { serial_number: 'COD-77', destroyed_on: '2026-01-05', place: 'x', method: 'y', operator_name: 'z' }, { bytes: Buffer.from('other'), name: null, mediaType: null }),
    ).rejects.toMatchObject({ status: 409 });
    expect((await f.query('SELECT id FROM destruction_certificates')).length).toBe(1);

    expect(await f.service.reconciliation()).toEqual([
      expect.objectContaining({ batch: batch!.id, deposited: 3, certified: 2, missing: ['SK-500002'], extra: [], status: 'discrepancy' }),
    ]);
  });

  it('a pickup through the API is refused while a held file is in the bin, until it is taken back out', async () => {
    await f.service.setDisposition('SK-500006', { retention_class: 'closed+7y' });
    await deposit('ada', 'SK-500006');
    await hold({ scope: 'matter', client: 'Birch', matter: 'M2' });
    await expect(f.service.startBatch({ bin: 'shred-1', seal_number: 'SEAL-0042', by: f.person.mia })).rejects.toMatchObject({ status: 409 });
    expect((await allLeaves()).filter((e) => e.type === 'disposal.pickup_refused')).toHaveLength(1);
    expect((await alerts('disposal.pickup_refused'))[0]).toMatchObject({ severity: 'critical', record_id: f.recordId['SK-500006'] });
    await expect(f.service.retrieve('SK-500006', f.person.ada!)).rejects.toMatchObject({ status: 400 });
    await f.service.retrieve('SK-500006', f.person.mia!);
    expect(await record('SK-500006')).toMatchObject({ status: 'out', custodian_person_id: f.person.mia, location_id: null });
    await expect(f.service.startBatch({ bin: 'shred-1', seal_number: 'SEAL-0042' })).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/nothing to collect/) });
    await expect(f.service.startBatch({ bin: 'shred-9', seal_number: 'SEAL-0042' })).rejects.toMatchObject({ status: 404 });

    await deposit('bob', 'SK-500001');
    const batch = await f.service.startBatch({ bin: 'shred-1', seal_number: 'SEAL-0042', by: f.person.mia });
    expect(batch).toMatchObject({ started_via: 'api', seal_number: 'SEAL-0042', files: 1 });
    expect((await allLeaves()).find((e) => e.type === 'disposal.batch_started')).toMatchObject({ via: 'api', seal_number: 'SEAL-0042', actor: f.pseudonym.mia, count: 1 });
  });

  it('retention classes and matters: changes are logged, names and parties stay off the log', async () => {
    const classes = await f.service.listClasses();
    expect(classes.map((c) => c.name)).toEqual(['closed+100y', 'closed+7y']);
    await expect(f.service.createClass({ name: 'closed+7y', trigger: 'created', years: 1, return_to_client: false })).rejects.toMatchObject({ status: 409 });
    const seven = classes.find((c) => c.name === 'closed+7y')!;
    await expect(f.service.deleteClass(seven.id)).rejects.toMatchObject({ status: 409 });
    // Renaming a class carries the files that name it with it.
    await f.service.updateClass(seven.id, { name: 'closed+7 years' });
    expect((await f.service.eligible()).map((r) => r.retention_class)).toContain('closed+7 years');
    const unused = await f.service.createClass({ name: 'created+1y', trigger: 'created', years: 1, return_to_client: true });
    await f.service.deleteClass(unused.id);
    await f.service.upsertMatter({ client: 'Acme', matter: 'M1', closed_at: null, parties: ['John Doe'] });
    expect((await f.service.eligibilityOf('SK-500001')).reason).toBe('matter_open');
    const types = (await allLeaves()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['retention_class.created', 'retention_class.updated', 'retention_class.deleted', 'matter.updated', 'record.disposition_set']));
    expect(JSON.stringify(await allLeaves())).not.toMatch(/John Doe/);
  });
});
