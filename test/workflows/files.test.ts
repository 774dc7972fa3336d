import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileNotices, type OutFile } from '../../server/workflows/file-watch-rules';
import { compareSweep } from '../../server/workflows/sweep';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';
import { importCsv } from '../../server/domain/csv-import';
import { syncOffice } from '../../server/domain/office-sync';
import { requestFile, fulfilRequests } from '../../server/domain/file-requests';
import { finishSweep, recordSweepScans, startSweep } from '../../server/domain/sweeps-service';
import { FileWatch } from '../../server/workflows/file-watch';
import { FileRecord, Person, Alert } from '../../server/db/models';
import { decodeLeaf } from '../../server/custody-log/leaf';
import { silentLogger } from '../../server/shared/logger';
import { demoOffice } from '../support/office';

const office = { timeZone: 'America/New_York', close: '18:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
const t = (iso: string) => new Date(iso);
const file = (over: Partial<OutFile> = {}): OutFile => ({ id: 'r1', barcode: 'SK-1', custodianActor: 'p_ada', dueAt: t('2026-01-08T20:00:00Z'), remindedAt: null, overdueNotifiedAt: null, ...over });

describe('file notices', () => {
  const at = (iso: string, out: OutFile[], last: Date | null = null) => fileNotices({ out, now: t(iso), office, lastCloseReportAt: last }).map((n) => n.kind);
  it('reminds once within a day of the due time, then raises overdue daily', () => {
    expect(at('2026-01-07T12:00:00Z', [file()])).toEqual([]);
    expect(at('2026-01-07T21:00:00Z', [file()])).toEqual(['reminder']);
    expect(at('2026-01-07T21:00:00Z', [file({ remindedAt: t('2026-01-07T20:30:00Z') })])).toEqual([]);
    expect(at('2026-01-08T20:00:00Z', [file()])).toEqual(['overdue']);
    expect(at('2026-01-09T10:00:00Z', [file({ overdueNotifiedAt: t('2026-01-08T20:00:00Z') })])).toEqual([]);
    expect(at('2026-01-09T20:00:01Z', [file({ overdueNotifiedAt: t('2026-01-08T20:00:00Z') })])).toEqual(['overdue']);
  });
  it('lists the files still out at closing time, once a day, on open days', () => {
    const out = [file({ dueAt: null })];
    expect(at('2026-01-05T23:00:00Z', out)).toEqual([]); // 18:00 in New York
    expect(at('2026-01-05T23:31:00Z', out)).toEqual(['out_at_close']);
    expect(at('2026-01-05T23:45:00Z', out, t('2026-01-05T23:31:00Z'))).toEqual([]);
    expect(at('2026-01-10T23:45:00Z', out)).toEqual([]); // Saturday
  });
});

describe('sweep comparison', () => {
  const rec = (barcode: string, status: string, location: string | null, home: string | null = 'cab-1') => ({ id: barcode, barcode, status, location, homeCabinetId: home });
  it('finds missing, unexpected, misplaced and unknown files', () => {
    const db = new Map([['A', rec('A', 'in', 'cab-1')], ['B', rec('B', 'in', 'cab-1')], ['C', rec('C', 'out', null)], ['D', rec('D', 'in', 'cab-1', 'cab-2')]]);
    const result = compareSweep({ cabinetId: 'cab-1', recordedHere: [db.get('A')!, db.get('B')!, db.get('D')!], scanned: ['A', 'C', 'D', 'ZZZ'], resolve: (b) => db.get(b) });
    expect(result.missing.map((r) => r.barcode)).toEqual(['B']);
    expect(result.unexpected.map((r) => r.barcode)).toEqual(['C']);
    expect(result.misplaced.map((r) => r.barcode)).toEqual(['D']);
    expect(result.unknown).toEqual(['ZZZ']);
    expect(result.confirmed.map((r) => r.barcode)).toEqual(['A']);
  });
});

describe('requests, sweeps and the file watch in the database', () => {
  let f: WriterFixture;
  beforeEach(async () => {
    f = await writerFixture('sqlite');
    await syncOffice(f.writer, demoOffice());
    await importCsv(f.writer, 'people', 'name,email,role\nAda,ada@example.com,staff\nBob,bob@example.com,staff\n', 'system:test');
    await importCsv(f.writer, 'records', 'barcode,client,matter,title,home_cabinet\nSK-1,Acme,M1,Lease,cab-1\nSK-2,Acme,M2,Will,cab-1\nSK-3,Acme,M3,Deed,cab-2\n', 'system:test');
  });
  afterEach(async () => f.close());
  const person = async (email: string) => (await Person.findOne({ where: { email } }))!;
  const checkOut = async (barcode: string, personId: string) => FileRecord.update({ status: 'out', custodian_person_id: personId, location_id: null, due_at: new Date(f.clock.now().getTime() + 3600_000) }, { where: { barcode } });

  it('queues a request for a file that is out and names the requester when it is back', async () => {
    const ada = await person('ada@example.com');
    const bob = await person('bob@example.com');
    await checkOut('SK-1', ada.id);
    expect(await requestFile(f.writer, { barcode: 'SK-1', personId: bob.id })).toEqual({ queued: true, position: 1 });
    await expect(requestFile(f.writer, { barcode: 'SK-1', personId: bob.id })).rejects.toThrow(/already requested/);
    expect(await requestFile(f.writer, { barcode: 'SK-2', personId: bob.id })).toEqual({ queued: false, position: 0 });
    const record = (await FileRecord.findOne({ where: { barcode: 'SK-1' } }))!;
    const told = await f.writer.submit({ run: (ctx) => fulfilRequests(ctx, record.id) });
    expect(told.duplicate ? [] : told.value).toEqual([bob.id]);
    const types = (await f.store.entriesOfRecord(record.id)).map((r) => decodeLeaf(r.leaf).type);
    expect(types).toEqual(['record.imported', 'record.requested', 'record.requests_notified']);
  });

  it('a sweep reports what it found and, when asked, records corrections as new entries', async () => {
    const ada = await person('ada@example.com');
    await checkOut('SK-3', ada.id);
    const sweep = await startSweep(f.writer, { cabinetId: 'cab-1', actor: 'p_mgr' });
    expect(await recordSweepScans(f.writer, sweep, ['SK-1', 'SK-3', 'SK-3', 'NOPE-1'])).toBe(3);
    const result = await finishSweep(f.writer, { sweepId: sweep, actor: 'p_mgr', correct: true });
    expect(result.missing.map((r) => r.barcode)).toEqual(['SK-2']);
    expect(result.unexpected.map((r) => r.barcode)).toEqual(['SK-3']);
    expect(result.unknown).toEqual(['NOPE-1']);
    expect(await FileRecord.findOne({ where: { barcode: 'SK-3' } })).toMatchObject({ status: 'in', location_id: 'cab-1' });
    expect(await FileRecord.findOne({ where: { barcode: 'SK-2' } })).toMatchObject({ status: 'missing' });
    expect(await Alert.count({ where: { type: 'record.missing' } })).toBe(1);
    const sk3 = (await FileRecord.findOne({ where: { barcode: 'SK-3' } }))!;
    expect((await f.store.entriesOfRecord(sk3.id)).map((r) => decodeLeaf(r.leaf).type).at(-1)).toBe('record.location_corrected');
    await expect(finishSweep(f.writer, { sweepId: sweep, actor: 'p_mgr', correct: true })).rejects.toThrow(/finished/);
  });

  it('the file watch logs overdue files and alerts once', async () => {
    const ada = await person('ada@example.com');
    await checkOut('SK-1', ada.id);
    const watch = new FileWatch({ office: demoOffice(), writer: f.writer, bus: f.bus, clock: f.clock, logger: silentLogger });
    f.clock.advance(2 * 3600_000);
    await watch.check();
    await watch.check();
    expect(await Alert.count({ where: { type: 'record.overdue' } })).toBe(1);
  });
});
