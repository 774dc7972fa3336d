import { timeOrderedId } from '../shared/time-ordered-id';
import type { Sequelize, Transaction } from 'sequelize';
import { OpenVisits } from './open-visits';
import { AccessCache } from './access-cache';
import type { OfficeConfig } from '../config/office-schema';
import { FileRecord } from '../db/models';
import type { Credential, DeviceEvent } from '../ingest/device-event';
import type { WriteContext } from '../ingest/custody-writer';
import type { Directory } from '../domain/directory';
import { writeAlert } from '../domain/alert-raiser';
import { decideCabinetAccess } from './cabinet-access';
import { decideCabinetBadge, decideCabinetDoor, type CabinetPlace } from './cabinet-visit';
import { decideFileScan, type DeskSession } from './file-scan';
import type { Outcome } from './outcomes';
import { SnapshotReader } from './snapshot';
import { BinCorrelation } from '../disposal/bin-correlation';
import { dueAtFor } from './file-watch-rules';
import { fulfilRequests } from '../domain/file-requests';
import type { ReceptionHook } from '../visitors/reception';

/** What must happen once the transaction has committed: never before. */
export interface AfterCommit {
  commands: { deviceId: string; command: 'unlock' | 'lock' }[];
  answers: { deviceId: string; ok: boolean; message: string }[];
  alerts: { id: string; type: string; severity: string; message: string; logIndex: number }[];
  /** Files back in a cabinet that somebody had asked for. */
  available?: { recordId: string; personIds: string[] }[];
  /** The transaction the job ran in: its in-memory changes join the committed view after the commit. */
  transaction?: Transaction;
}

/** How long a checked-out file may stay out before it is overdue. */
export const LOAN_DAYS = 5;

/** A desk session lasts this long after the badge, or after the last scan. */
const DESK_SESSION_MS = 60_000;

type Place = { kind: 'cabinet'; cabinet: OfficeConfig['cabinets'][number] } | { kind: 'desk'; desk: OfficeConfig['desks'][number] };

/**
 * Turns stored device reads into custody facts. It runs inside the writer job that stores the raw
 * read, reads the state it needs in that transaction, asks the pure decisions in this folder, and
 * writes their outcomes there too: a fact commits with its evidence or not at all.
 */
export class Correlator {
  private readonly places = new Map<string, Place>();
  private readonly deskSessions = new Map<string, DeskSession>();
  private readonly doorOpenSince = new Map<string, Date>();
  /** Shred bins (reader, scanner, lid): their decisions live in server/disposal. */
  private readonly bins: BinCorrelation;

  /** Reception's reader and scanner: visitors handing back their badge (server/visitors). */
  private readonly receptionDevices = new Set<string>();

  /** Open visits and the facts behind access decisions live in memory: reads cost no queries. */
  readonly visits: OpenVisits;
  readonly access: AccessCache;
  private readonly fileRooms: Set<string>;

  constructor(private readonly deps: { office: OfficeConfig; directory: Directory; sequelize: Sequelize; visitors?: ReceptionHook }) {
    this.visits = new OpenVisits(deps.sequelize);
    this.fileRooms = new Set(deps.office.sites.flatMap((site) => site.rooms.filter((r) => r.kind === 'file_room').map((r) => r.id)));
    this.access = new AccessCache(deps.sequelize);
    for (const cabinet of deps.office.cabinets) {
      for (const d of [cabinet.reader, cabinet.scanner, cabinet.door]) if (d) this.places.set(d, { kind: 'cabinet', cabinet });
    }
    for (const desk of deps.office.desks) for (const d of [desk.reader, desk.scanner]) if (d) this.places.set(d, { kind: 'desk', desk });
    this.bins = new BinCorrelation(deps.office);
    for (const d of [deps.office.reception?.reader, deps.office.reception?.scanner]) if (d) this.receptionDevices.add(d);
  }

  /** After the commit of a job this correlator worked in. */
  committed(after: AfterCommit): void {
    if (after.transaction) this.visits.committedIn(after.transaction);
  }

  /** For the cabinet rule: a visitor's loaner card is a visitor badge, never a key. */
  async isVisitorCredential(ctx: WriteContext, credential: Credential): Promise<boolean> {
    return this.deps.visitors ? this.deps.visitors.isVisitorCredential(credential, ctx.transaction) : false;
  }

  /** Cabinets whose door is open now, and since when (for the held-open check). */
  openDoors(): ReadonlyMap<string, Date> {
    return this.doorOpenSince;
  }

  async correlate(ctx: WriteContext, event: DeviceEvent, evidenceId: string, actor: string | undefined): Promise<AfterCommit> {
    const place = this.places.get(event.deviceId);
    const after: AfterCommit = { commands: [], answers: [], alerts: [], transaction: ctx.transaction };
    if (event.kind === 'availability' && event.state === 'offline') {
      const alert = { type: 'device.offline', severity: 'warning' as const, message: `Device ${event.deviceId} went offline`, device: event.deviceId };
      await this.apply(ctx, [{ kind: 'alert', ...alert }], event.deviceId, evidenceId, after);
      return after;
    }
    if (!place) {
      if (this.deps.visitors && this.receptionDevices.has(event.deviceId)) return this.deps.visitors.atReception(ctx, event, evidenceId, actor);
      if (this.bins.handles(event.deviceId)) await this.bins.correlate(ctx, event, actor, (outcomes) => this.apply(ctx, outcomes, event.deviceId, evidenceId, after));
      return after;
    }
    const snapshot = new SnapshotReader(FileRecord.sequelize!, ctx.transaction);
    const outcomes =
      place.kind === 'cabinet'
        ? await this.atCabinet(snapshot, place.cabinet, event, actor, ctx)
        : await this.atDesk(snapshot, place.desk, event, actor, ctx.now);
    await this.apply(ctx, outcomes, event.deviceId, evidenceId, after);
    return after;
  }

  private async atCabinet(
    snapshot: SnapshotReader,
    cabinet: OfficeConfig['cabinets'][number],
    event: DeviceEvent,
    actor: string | undefined,
    ctx: WriteContext,
  ): Promise<Outcome[]> {
    const now = ctx.now;
    const place: CabinetPlace = { id: cabinet.id, ...(cabinet.lock ? { lockDevice: cabinet.lock } : {}) };
    const visit = await this.visits.get(cabinet.id, ctx.transaction);
    const access$ = this.access;
    if (event.kind === 'badge') {
      const person = actor ? await access$.person(actor) : null;
      const office = this.deps.office.office;
      const access = decideCabinetAccess({
        person,
        visitorBadge: !person && (await this.isVisitorCredential(ctx, event.credential)),
        cabinetId: cabinet.id,
        rules: person ? await access$.rulesOf(person.id) : [],
        currentPolicy: await access$.currentPolicy(now),
        walls: person ? await access$.wallsOf(person.id) : [],
        cabinetContents: await access$.cabinetContents(cabinet.id),
        office: { timeZone: office.timezone, days: office.hours.days, open: office.hours.open, close: office.hours.close },
        now,
      });
      return decideCabinetBadge({ cabinet: place, device: event.deviceId, access, person: person ? { id: person.id, actor: person.actor } : null, visit });
    }
    if (event.kind === 'door') {
      if (event.state === 'open') this.doorOpenSince.set(cabinet.id, now);
      else this.doorOpenSince.delete(cabinet.id);
      const inFileRoom = event.state === 'open' && this.fileRooms.has(cabinet.room);
      const visitors = inFileRoom ? await access$.unescortedVisitors() : 0;
      return decideCabinetDoor({ cabinet: place, device: event.deviceId, state: event.state, visit, now, unescortedVisitorsInFileRoomOffice: visitors });
    }
    if (event.kind === 'barcode') {
      const walls = visit ? await access$.wallsOf(visit.personId) : [];
      const record = await snapshot.recordByBarcode(event.data);
      return decideFileScan({ place: { kind: 'cabinet', cabinetId: cabinet.id, visit }, device: event.deviceId, record, barcode: event.data, walls });
    }
    return [];
  }

  private async atDesk(
    snapshot: SnapshotReader,
    desk: OfficeConfig['desks'][number],
    event: DeviceEvent,
    actor: string | undefined,
    now: Date,
  ): Promise<Outcome[]> {
    if (event.kind === 'badge') {
      const person = actor ? await snapshot.personByActor(actor) : null;
      if (!person || !person.active) return [{ kind: 'answer', ok: false, message: 'Badge not recognised' }];
      // Setting the same session again is harmless, so a retried job leaves the same state.
      this.deskSessions.set(desk.id, { personId: person.id, actor: person.actor, startedAt: now, handled: new Set() });
      return [{ kind: 'answer', ok: true, message: 'Scan the files' }];
    }
    if (event.kind !== 'barcode') return [];
    let session = this.deskSessions.get(desk.id) ?? null;
    if (session && now.getTime() - session.startedAt.getTime() > DESK_SESSION_MS) session = null;
    const record = await snapshot.recordByBarcode(event.data);
    const walls = session ? await snapshot.wallsOf(session.personId) : [];
    const outcomes = decideFileScan({ place: { kind: 'desk', deskId: desk.id, session }, device: event.deviceId, record, barcode: event.data, walls });
    if (session && record) {
      this.deskSessions.set(desk.id, { ...session, startedAt: now, handled: new Set([...session.handled, record.id]) });
    }
    return outcomes;
  }

  private async apply(ctx: WriteContext, outcomes: Outcome[], deviceId: string, evidenceId: string, after: AfterCommit): Promise<void> {
    const { transaction } = ctx;
    for (const o of outcomes) {
      switch (o.kind) {
        case 'fact':
          await ctx.append({ ...o.leaf, evidence: [evidenceId] });
          break;
        case 'record': {
          const out = o.status === 'out';
          await FileRecord.update(
            {
              status: o.status,
              custodian_person_id: o.custodianId,
              location_id: o.location,
              due_at: out ? dueAtFor(ctx.now, LOAN_DAYS) : null,
              reminded_at: null,
              overdue_notified_at: null,
            },
            { where: { id: o.recordId }, transaction },
          );
          if (o.status === 'in') {
            const waiting = await fulfilRequests(ctx, o.recordId);
            if (waiting.length > 0) (after.available ??= []).push({ recordId: o.recordId, personIds: waiting });
          }
          break;
        }
        case 'visit.start': {
          const id = timeOrderedId();
          const now = ctx.now.toISOString();
          // Read back only through the in-memory open visits, never by a later job's SQL.
          ctx.insertLater('cabinet_visits', { id, cabinet_id: o.cabinetId, person_id: o.personId, started_at: now, last_activity_at: now });
          this.visits.set(transaction, o.cabinetId, { id, cabinetId: o.cabinetId, personId: o.personId, actor: o.actor, startedAt: ctx.now, lastActivityAt: ctx.now });
          break;
        }
        case 'visit.end':
          ctx.updateLater('cabinet_visits', o.visitId, { ended_at: ctx.now, end_reason: o.reason });
          this.visits.set(transaction, o.cabinetId, null);
          break;
        case 'alert':
          after.alerts.push(await writeAlert(ctx, { ...o, evidence: [evidenceId] }));
          break;
        case 'command':
          after.commands.push({ deviceId: o.deviceId, command: o.command });
          break;
        case 'answer':
          after.answers.push({ deviceId, ok: o.ok, message: o.message });
          break;
      }
    }
  }
}
