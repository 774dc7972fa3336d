import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dialectsUnderTest } from '../support/databases';
import { DisposalError } from '../../server/disposal/disposal-service';
import { asBool, HELD_SQL } from '../../server/disposal/disposal-snapshot';
import { disposalFixture, type DisposalFixture } from './db-fixture';
import {
  batchItemsOf,
  BIN,
  checkInvariants,
  commandArb,
  FILES,
  initialModel,
  manifestOf,
  PEOPLE,
  placeOf,
  step,
  type Command,
  type Model,
  type ModelRecord,
} from './model';

/**
 * The state-machine property, DB-backed: the same random command sequences run through the real
 * correlator (device reads at desk-9 and shred-1) and the disposal service, on a real database,
 * beside the pure model. After every command the database must agree with the model, keep each
 * file in exactly one place, keep the hold flag in sync, and never have deposited or destroyed a
 * file that was held when the command ran. Fewer runs than the pure variant: each needs a database.
 */
const dialects = await dialectsUnderTest();
const RUNS: Record<string, number> = { sqlite: 6, postgres: 3 };

interface DbRecord {
  id: string;
  barcode: string;
  status: ModelRecord['status'];
  custodian_person_id: string | null;
  location_id: string | null;
  legal_hold: unknown;
  held: unknown;
  open_deposits: number | string;
  certified_deposits: number | string;
}

async function dbRecords(f: DisposalFixture): Promise<DbRecord[]> {
  return f.query<DbRecord>(
    `SELECT r.id, r.barcode, r.status, r.custodian_person_id, r.location_id, r.legal_hold, ${HELD_SQL} AS held,
       (SELECT COUNT(*) FROM disposal_deposits d WHERE d.record_id = r.id AND d.retrieved_at IS NULL AND d.certificate_id IS NULL) AS open_deposits,
       (SELECT COUNT(*) FROM disposal_deposits d WHERE d.record_id = r.id AND d.certificate_id IS NOT NULL) AS certified_deposits
     FROM records r ORDER BY r.barcode`,
    { yes: true },
  );
}

async function modelFrom(f: DisposalFixture): Promise<Model> {
  const classes = (await f.service.listClasses()).map((c) => ({ id: c.id, name: c.name, trigger: c.trigger, years: c.years, returnToClient: c.return_to_client }));
  const records = FILES.map(
    (file): ModelRecord => ({
      id: f.recordId[file.barcode]!,
      barcode: file.barcode,
      client: file.client,
      matter: file.matter,
      status: 'in',
      custodianId: null,
      location: 'cab-4',
      homeCabinetId: 'cab-4',
      legalHold: false,
      classRef: file.cls,
      returnToClient: file.ret,
      createdAt: new Date('2001-01-01T00:00:00Z'),
    }),
  );
  const people = PEOPLE.map((p) => ({ id: f.person[p.key]!, actor: f.pseudonym[p.key]!, role: p.role }));
  return initialModel({ now: f.clock.now(), people, records, classes });
}

/** Runs one command against the server; returns whether it was refused as a whole and the ids it drew. */
async function runOnServer(f: DisposalFixture, m: Model, c: Command, ids: { holds: string[]; batches: string[] }, serial: () => string): Promise<{ refused: boolean; hold?: string; batch?: string }> {
  const key = (i: number) => PEOPLE[i]!.key;
  const refusedBy = async (work: () => Promise<unknown>) => {
    try {
      await work();
      return false;
    } catch (err) {
      if (err instanceof DisposalError) return true;
      throw err;
    }
  };
  switch (c.op) {
    case 'checkout':
    case 'transfer':
    case 'checkin': {
      const r = m.records[c.rec]!;
      const holder = c.op === 'checkin' ? PEOPLE.find((p) => f.person[p.key] === r.custodianId)?.key : undefined;
      await f.badge('desk-9-reader', holder ?? key(c.who));
      await f.scan('desk-9-scanner', r.barcode);
      return { refused: false };
    }
    case 'hold': {
      const r = m.records[c.rec]!;
      const scope = c.scope === 'record' ? { scope: 'record' as const, barcode: r.barcode } : { scope: 'matter' as const, client: r.client, matter: r.matter };
      const hold = await f.service.placeHold({ ...scope, reason: 'Litigation', requested_by: f.person[key(3)]!, approved_by: f.person[key(4)]! });
      return { refused: false, hold: hold.id };
    }
    case 'release': {
      const id = ids.holds[c.hold];
      if (!id) return { refused: true };
      return { refused: await refusedBy(() => f.service.releaseHold(id, { reason: 'Over', released_by: f.person[key(4)]!, approved_by: f.person[key(3)]! })) };
    }
    case 'deposit':
      await f.badge('shred-1-reader', key(c.who));
      await f.scan('shred-1-scanner', m.records[c.rec]!.barcode);
      return { refused: false };
    case 'pickup': {
      const known = new Set(ids.batches);
      if (c.via === 'badge') await f.badge('shred-1-reader', 'vic');
      else if (await refusedBy(() => f.service.startBatch({ bin: BIN, seal_number: 'SEAL-1', by: f.person[key(2)]! }))) return { refused: true };
      const fresh = (await f.query<{ id: string }>('SELECT id FROM disposal_batches')).map((b) => b.id).filter((id) => !known.has(id));
      return fresh.length === 1 ? { refused: false, batch: fresh[0]! } : { refused: true };
    }
    case 'certify': {
      const batch = ids.batches[c.batch];
      if (!batch) return { refused: true };
      const manifest = manifestOf(batchItemsOf(m, batch), c.manifest);
      return {
        refused: await refusedBy(() =>
          f.service.recordCertificate(
            batch,
            { serial_number: serial(), destroyed_on: '2026-01-05', place: 'Plant', method: 'shred', operator_name: 'Op', ...(manifest ? { barcodes: manifest } : {}) },
            { bytes: Buffer.from(serial()), name: null, mediaType: null },
          ),
        ),
      };
    }
    case 'retrieve':
      return { refused: await refusedBy(() => f.service.retrieve(m.records[c.rec]!.barcode, f.person[key(2)]!)) };
  }
}

describe.each(dialects)('custody and disposal state machine on %s (DB-backed)', (dialect) => {
  it(
    'the database follows the model, keeps every file in one place and never deposits or destroys a held file',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(commandArb, { minLength: 5, maxLength: 30 }), async (commands) => {
          const f = await disposalFixture(dialect);
          try {
            const m = await modelFrom(f);
            const ids = { holds: [] as string[], batches: [] as string[] };
            let n = 0;
            const serial = () => `COD-${n++}`;
            for (const c of commands) {
              const before = await dbRecords(f);
              const heldBefore = new Map(before.filter((r) => asBool(r.held)).map((r) => [r.id, r.status]));
              const server = await runOnServer(f, m, c, ids, serial);
              const model = step(m, c, { ...(server.hold ? { hold: server.hold } : {}), ...(server.batch ? { batch: server.batch } : {}) });
              if (server.hold) ids.holds.push(server.hold);
              if (server.batch) ids.batches.push(server.batch);
              expect(server.refused, `${JSON.stringify(c)}: refused`).toBe(model.refused);
              checkInvariants(m);
              const rows = await dbRecords(f);
              for (const row of rows) {
                const mr = m.records.find((r) => r.id === row.id)!;
                const where = `${JSON.stringify(c)} ${row.barcode}`;
                expect({ status: row.status, custodian: row.custodian_person_id, location: row.location_id, held: asBool(row.legal_hold) }, where).toEqual({
                  status: mr.status,
                  custodian: mr.custodianId,
                  location: mr.location,
                  held: mr.legalHold,
                });
                placeOf({ ...row, custodianId: row.custodian_person_id, location: row.location_id }, Number(row.open_deposits), Number(row.certified_deposits));
                // A file held when the command ran may stay where it is, never move into a bin or be destroyed.
                const was = heldBefore.get(row.id);
                if (was !== undefined && row.status !== was) expect(['deposited', 'destroyed'], `${where}: held file became ${row.status}`).not.toContain(row.status);
              }
            }
          } finally {
            await f.close();
          }
        }),
        { numRuns: RUNS[dialect] ?? 3, endOnFailure: true },
      );
    },
    300_000,
  );
});
