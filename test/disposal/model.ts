import fc from 'fast-check';
import type { RecordStatus } from '../../server/db/models';
import { decideFileScan, type RecordState } from '../../server/workflows/file-scan';
import type { AccessPerson } from '../../server/workflows/cabinet-access';
import { decideBatchStart, decideBinBadge, decideBinScan, decideRetrieval, type BinRecord, type BinSession } from '../../server/disposal/bin-decisions';
import { decideCertification } from '../../server/disposal/certification';
import { decidePlaceHold, decideReleaseHold, holdCovers, type HoldScope } from '../../server/disposal/holds';
import type { DisposalOutcome } from '../../server/disposal/outcomes';
import { resolveRetentionClass, type RetentionClassDef } from '../../server/disposal/retention';

/**
 * A model of the office at the level of the pure decisions: the same decisions the server takes,
 * applied to plain state. The property tests run random command sequences through it (and, in the
 * DB-backed variant, through the real writer side by side) and check the invariants after each.
 */

export interface ModelPerson {
  id: string;
  actor: string;
  role: string;
}

export interface ModelRecord {
  id: string;
  barcode: string;
  client: string;
  matter: string;
  status: RecordStatus;
  custodianId: string | null;
  location: string | null;
  homeCabinetId: string;
  legalHold: boolean;
  classRef: string | null;
  returnToClient: boolean | null;
  createdAt: Date;
}

export interface ModelDeposit {
  recordId: string;
  binId: string;
  batchId: string | null;
  certified: boolean;
  retrieved: boolean;
}

export interface ModelHold {
  id: string;
  scope: HoldScope;
  released: boolean;
}

export interface Model {
  now: Date;
  people: ModelPerson[];
  records: ModelRecord[];
  classes: RetentionClassDef[];
  matterClosedAt: Map<string, Date>;
  holds: ModelHold[];
  deposits: ModelDeposit[];
  batches: string[];
  binSession: BinSession | null;
  nextId: number;
}

export const BIN = 'shred-1';
export const DESK = 'desk-9';

export type Command =
  /** A desk scan: check-out, check-in or transfer, whichever the file's state makes it. */
  | { op: 'checkout' | 'transfer'; who: number; rec: number }
  /** The file's holder scans it at the desk (check-in); if nobody holds it, person `who` does. */
  | { op: 'checkin'; who: number; rec: number }
  | { op: 'hold'; scope: 'record' | 'matter'; rec: number }
  | { op: 'release'; hold: number }
  | { op: 'deposit'; who: number; rec: number }
  | { op: 'pickup'; via: 'badge' | 'api' }
  | { op: 'certify'; batch: number; manifest: boolean }
  | { op: 'retrieve'; rec: number };

/** People: 0–2 deposit and carry files, 3 and 4 manage holds, 5 is the shredding vendor. */
export const PEOPLE = [
  { key: 'ada', role: 'staff' },
  { key: 'bob', role: 'staff' },
  { key: 'mia', role: 'manager' },
  { key: 'max', role: 'admin' },
  { key: 'ann', role: 'manager' },
  { key: 'vic', role: 'vendor' },
] as const;

/** Files: two matters; retention ended for most, still running for one, none for one, one for return. */
export const FILES = [
  { barcode: 'SK-500001', client: 'Acme', matter: 'M1', cls: 'closed+7y', ret: null },
  { barcode: 'SK-500002', client: 'Acme', matter: 'M1', cls: 'closed+7y', ret: null },
  { barcode: 'SK-500003', client: 'Acme', matter: 'M1', cls: 'closed+100y', ret: null },
  { barcode: 'SK-500004', client: 'Birch', matter: 'M2', cls: 'closed+7y', ret: null },
  { barcode: 'SK-500005', client: 'Birch', matter: 'M2', cls: 'closed+7y', ret: true },
  { barcode: 'SK-500006', client: 'Birch', matter: 'M2', cls: null, ret: null },
] as const;

export const CLASSES = [
  { name: 'closed+7y', trigger: 'matter_closed' as const, years: 7, returnToClient: false },
  { name: 'closed+100y', trigger: 'matter_closed' as const, years: 100, returnToClient: false },
];

export const MATTERS_CLOSED_AT = new Date('2010-01-01T00:00:00Z');

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constantFrom('checkout' as const, 'transfer' as const), who: fc.nat(2), rec: fc.nat(FILES.length - 1) }),
  fc.record({ op: fc.constant('checkin' as const), who: fc.nat(2), rec: fc.nat(FILES.length - 1) }),
  fc.record({ op: fc.constant('hold' as const), scope: fc.constantFrom('record' as const, 'matter' as const), rec: fc.nat(FILES.length - 1) }),
  fc.record({ op: fc.constant('release' as const), hold: fc.nat(5) }),
  { arbitrary: fc.record({ op: fc.constant('deposit' as const), who: fc.nat(2), rec: fc.nat(FILES.length - 1) }), weight: 3 },
  fc.record({ op: fc.constant('pickup' as const), via: fc.constantFrom('badge' as const, 'api' as const) }),
  fc.record({ op: fc.constant('certify' as const), batch: fc.nat(3), manifest: fc.boolean() }),
  fc.record({ op: fc.constant('retrieve' as const), rec: fc.nat(FILES.length - 1) }),
);

export function initialModel(input: { now: Date; people: ModelPerson[]; records: ModelRecord[]; classes: RetentionClassDef[] }): Model {
  const matterClosedAt = new Map<string, Date>();
  for (const r of input.records) matterClosedAt.set(`${r.client}\n${r.matter}`, MATTERS_CLOSED_AT);
  return { ...input, matterClosedAt, holds: [], deposits: [], batches: [], binSession: null, nextId: 1 };
}

/** A pure model with synthetic ids. */
export function syntheticModel(now: Date): Model {
  const people = PEOPLE.map((p) => ({ id: p.key, actor: `p_${p.key}`, role: p.role }));
  const classes = CLASSES.map((c, i) => ({ id: `rc${i}`, ...c }));
  const records = FILES.map(
    (f, i): ModelRecord => ({
      id: `r${i}`,
      barcode: f.barcode,
      client: f.client,
      matter: f.matter,
      status: 'in',
      custodianId: null,
      location: 'cab-4',
      homeCabinetId: 'cab-4',
      legalHold: false,
      classRef: f.cls,
      returnToClient: f.ret,
      createdAt: new Date('2001-01-01T00:00:00Z'),
    }),
  );
  return initialModel({ now, people, records, classes });
}

export function coveredByActiveHold(m: Model, r: ModelRecord): boolean {
  return m.holds.some((h) => !h.released && holdCovers(h.scope, r));
}

export function isHeld(m: Model, r: ModelRecord): boolean {
  return r.legalHold || coveredByActiveHold(m, r);
}

const accessPerson = (p: ModelPerson): AccessPerson => ({ id: p.id, actor: p.actor, role: p.role, active: true, validFrom: null, validUntil: null, acknowledgedPolicy: null });

function recordState(m: Model, r: ModelRecord): RecordState {
  const custodian = m.people.find((p) => p.id === r.custodianId);
  return {
    id: r.id,
    barcode: r.barcode,
    client: r.client,
    matter: r.matter,
    status: r.status,
    custodianId: r.custodianId,
    custodianActor: custodian?.actor ?? null,
    location: r.location,
    homeCabinetId: r.homeCabinetId,
    legalHold: r.legalHold,
  };
}

function binRecord(m: Model, r: ModelRecord): BinRecord {
  return {
    record: recordState(m, r),
    retention: {
      status: r.status,
      createdAt: r.createdAt,
      classRef: r.classRef,
      retentionClass: resolveRetentionClass(m.classes, r.classRef),
      matterClosedAt: m.matterClosedAt.get(`${r.client}\n${r.matter}`) ?? null,
      returnToClient: r.returnToClient,
      held: isHeld(m, r),
    },
  };
}

/** What one command did: its outcomes, and the ids it created (so the DB run can map its own). */
export interface Step {
  outcomes: DisposalOutcome[];
  /** The decision refused the command as a whole (hold refused, nothing to collect…). */
  refused: boolean;
  newHold?: string;
  newBatch?: string;
}

function apply(m: Model, outcomes: readonly DisposalOutcome[]): void {
  for (const o of outcomes) {
    const rec = 'recordId' in o ? m.records.find((r) => r.id === o.recordId) : undefined;
    switch (o.kind) {
      case 'record':
        Object.assign(rec!, { status: o.status, custodianId: o.custodianId, location: o.location });
        break;
      case 'hold.flag':
        rec!.legalHold = o.held;
        break;
      case 'deposit':
        m.deposits.push({ recordId: o.recordId, binId: o.binId, batchId: null, certified: false, retrieved: false });
        break;
      case 'batch.create':
        m.batches.push(o.batchId);
        for (const d of m.deposits) if (d.binId === o.binId && d.batchId === null && !d.retrieved && o.recordIds.includes(d.recordId)) d.batchId = o.batchId;
        break;
      case 'deposit.certified':
        for (const d of m.deposits) if (d.batchId === o.batchId && d.recordId === o.recordId && !d.retrieved) d.certified = true;
        break;
      case 'deposit.retrieved':
        for (const d of m.deposits) if (d.recordId === o.recordId && !d.retrieved && !d.certified) d.retrieved = true;
        break;
      default:
        break;
    }
  }
}

const newId = (m: Model, prefix: string) => `${prefix}${m.nextId++}`;

/** A desk scan by `who` of `rec`: badge, then scan, as at desk-9. */
function deskScan(m: Model, who: ModelPerson, r: ModelRecord): Step {
  const outcomes = decideFileScan({
    place: { kind: 'desk', deskId: DESK, session: { personId: who.id, actor: who.actor, startedAt: m.now, handled: new Set() } },
    device: `${DESK}-scanner`,
    record: recordState(m, r),
    barcode: r.barcode,
    walls: [],
  });
  apply(m, outcomes);
  return { outcomes, refused: false };
}

/**
 * Runs one command against the model. `ids` lets the DB-backed run hand in the ids the server drew
 * (hold and batch ids), so model and database name the same things.
 */
export function step(m: Model, c: Command, ids: { hold?: string; batch?: string } = {}): Step {
  const person = (i: number) => m.people[i]!;
  switch (c.op) {
    case 'checkout':
    case 'transfer':
      return deskScan(m, person(c.who), m.records[c.rec]!);
    case 'checkin': {
      const r = m.records[c.rec]!;
      const holder = m.people.find((p) => p.id === r.custodianId);
      return deskScan(m, holder ?? person(c.who), r);
    }
    case 'hold': {
      const r = m.records[c.rec]!;
      const scope: HoldScope = c.scope === 'record' ? { kind: 'record', recordId: r.id } : { kind: 'matter', client: r.client, matter: r.matter };
      const holdId = ids.hold ?? newId(m, 'h');
      const d = decidePlaceHold({ holdId, scope, requester: { ...person(3), active: true }, approver: { ...person(4), active: true }, records: m.records, reasonCommitment: '0'.repeat(64) });
      if (!d.ok) return { outcomes: [], refused: true };
      m.holds.push({ id: holdId, scope, released: false });
      apply(m, d.outcomes);
      return { outcomes: d.outcomes, refused: false, newHold: holdId };
    }
    case 'release': {
      const hold = m.holds[c.hold];
      if (!hold) return { outcomes: [], refused: true };
      const others = new Set(m.records.filter((r) => m.holds.some((h) => h !== hold && !h.released && holdCovers(h.scope, r))).map((r) => r.id));
      const d = decideReleaseHold({ hold, releaser: { ...person(4), active: true }, approver: { ...person(3), active: true }, records: m.records, heldByOthers: others, reasonCommitment: '0'.repeat(64) });
      if (!d.ok) return { outcomes: [], refused: true };
      hold.released = true;
      apply(m, d.outcomes);
      return { outcomes: d.outcomes, refused: false };
    }
    case 'deposit': {
      const who = person(c.who);
      const badge = decideBinBadge({ bin: { id: BIN }, device: `${BIN}-reader`, person: accessPerson(who), session: m.binSession, pending: [], batchId: 'unused', now: m.now });
      m.binSession = badge.session;
      const scan = decideBinScan({ bin: { id: BIN }, device: `${BIN}-scanner`, session: m.binSession, file: binRecord(m, m.records[c.rec]!), barcode: m.records[c.rec]!.barcode, walls: [], now: m.now });
      m.binSession = scan.session;
      apply(m, scan.outcomes);
      return { outcomes: scan.outcomes, refused: false };
    }
    case 'pickup': {
      const pending = m.deposits
        .filter((d) => d.binId === BIN && d.batchId === null && !d.retrieved)
        .map((d) => m.records.find((r) => r.id === d.recordId)!)
        .filter((r) => r.status === 'deposited')
        .map((r) => ({ recordId: r.id, barcode: r.barcode, held: isHeld(m, r) }));
      const batchId = ids.batch ?? newId(m, 'b');
      const vic = person(5);
      if (c.via === 'badge') {
        const s = decideBinBadge({ bin: { id: BIN }, device: `${BIN}-reader`, person: accessPerson(vic), session: m.binSession, pending, batchId, now: m.now });
        m.binSession = s.session;
        apply(m, s.outcomes);
        const ok = s.outcomes.some((o) => o.kind === 'batch.create');
        return { outcomes: s.outcomes, refused: !ok, ...(ok ? { newBatch: batchId } : {}) };
      }
      const s = decideBatchStart({ bin: { id: BIN }, batchId, actor: person(2).actor, personId: person(2).id, via: 'api', sealNumber: 'SEAL-1', pending });
      apply(m, s.outcomes);
      return { outcomes: s.outcomes, refused: !s.ok, ...(s.ok ? { newBatch: batchId } : {}) };
    }
    case 'certify': {
      const batchId = m.batches[c.batch];
      if (!batchId) return { outcomes: [], refused: true };
      const items = batchItemsOf(m, batchId);
      const manifest = manifestOf(items, c.manifest);
      const d = decideCertification({
        batch: { id: batchId, binId: BIN },
        certificate: { certificateId: newId(m, 'c'), serialNumber: 'x', destroyedOn: '2026-01-05', method: 'shred', operatorCommitment: '0'.repeat(64), fileSha256: '0'.repeat(64) },
        items,
        manifest,
        actor: person(2).actor,
      });
      if (!d.ok) return { outcomes: [], refused: true };
      apply(m, d.outcomes);
      return { outcomes: d.outcomes, refused: false };
    }
    case 'retrieve': {
      const r = m.records[c.rec]!;
      const dep = [...m.deposits].reverse().find((d) => d.recordId === r.id && !d.retrieved && !d.certified);
      const d = decideRetrieval({ file: binRecord(m, r), person: { ...person(2), active: true }, deposit: dep ? { binId: dep.binId, batchId: dep.batchId } : null });
      if (!d.ok) return { outcomes: [], refused: true };
      apply(m, d.outcomes);
      return { outcomes: d.outcomes, refused: false };
    }
  }
}

export function batchItemsOf(m: Model, batchId: string) {
  return m.deposits
    .filter((d) => d.batchId === batchId && !d.retrieved)
    .map((d) => {
      const r = m.records.find((x) => x.id === d.recordId)!;
      return { recordId: r.id, barcode: r.barcode, status: r.status, held: isHeld(m, r), certified: d.certified };
    })
    .sort((a, b) => (a.barcode < b.barcode ? -1 : 1));
}

/** With a manifest: the certificate lists only the batch's first file, and one file the batch never held. */
export function manifestOf(items: readonly { barcode: string }[], listed: boolean): string[] | null {
  return listed ? [...items.slice(0, 1).map((i) => i.barcode), 'SK-999999'] : null;
}

/** Where a file is, as a single answer; throws when its fields disagree (in two places, or none). */
export function placeOf(r: Pick<ModelRecord, 'status' | 'custodianId' | 'location' | 'barcode'>, openDeposits: number, certifiedDeposits: number): string {
  const fail = (why: string) => {
    throw new Error(`${r.barcode} (${r.status}): ${why}`);
  };
  switch (r.status) {
    case 'in':
      if (r.custodianId !== null || r.location === null) fail('in a cabinet must have a location and no custodian');
      if (openDeposits !== 0) fail('in a cabinet but also waiting in a bin');
      return `cabinet:${r.location}`;
    case 'out':
      if (r.custodianId === null || r.location !== null) fail('out must have a custodian and no location');
      if (openDeposits !== 0) fail('out but also waiting in a bin');
      return `person:${r.custodianId}`;
    case 'deposited':
      if (r.custodianId !== null || r.location !== BIN) fail('deposited must be located in the bin with no custodian');
      if (openDeposits !== 1) fail(`deposited must have exactly one open deposit, has ${openDeposits}`);
      return `bin:${r.location}`;
    case 'destroyed':
      if (r.custodianId !== null || r.location !== null) fail('destroyed must be nowhere');
      if (certifiedDeposits !== 1 || openDeposits !== 0) fail('destroyed must have exactly one certified deposit');
      return 'destroyed';
    default:
      return fail('unexpected status');
  }
}

/** The invariants after every command. */
export function checkInvariants(m: Model): void {
  for (const r of m.records) {
    const mine = m.deposits.filter((d) => d.recordId === r.id);
    placeOf(r, mine.filter((d) => !d.retrieved && !d.certified).length, mine.filter((d) => d.certified).length);
    const covered = coveredByActiveHold(m, r);
    if (r.status !== 'destroyed' && r.legalHold !== covered) throw new Error(`${r.barcode}: legal_hold flag ${r.legalHold} but covered by an active hold: ${covered}`);
    if (r.status === 'destroyed' && r.legalHold) throw new Error(`${r.barcode}: destroyed while flagged as held`);
  }
}

/** A command must never deposit or destroy a file that was held when it ran. */
export function checkHeldSafety(heldBefore: ReadonlySet<string>, outcomes: readonly DisposalOutcome[]): void {
  for (const o of outcomes) {
    if (o.kind === 'record' && heldBefore.has(o.recordId) && (o.status === 'deposited' || o.status === 'destroyed')) {
      throw new Error(`held file ${o.recordId} was moved to ${o.status}`);
    }
    if (o.kind === 'fact' && typeof o.leaf.record === 'string' && heldBefore.has(o.leaf.record) && ['disposal.deposited', 'disposal.certified', 'disposal.collected'].includes(o.leaf.type)) {
      throw new Error(`held file ${o.leaf.record} got ${o.leaf.type}`);
    }
  }
}

export function heldIds(m: Model): Set<string> {
  return new Set(m.records.filter((r) => isHeld(m, r)).map((r) => r.id));
}
