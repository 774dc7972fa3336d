import { timeOrderedId } from '../shared/time-ordered-id';
import type { OfficeConfig } from '../config/office-schema';
import { FileRecord } from '../db/models';
import type { DeviceEvent } from '../ingest/device-event';
import type { WriteContext } from '../ingest/custody-writer';
import type { Outcome } from '../workflows/outcomes';
import { SnapshotReader } from '../workflows/snapshot';
import { applyDisposalWrite } from './apply';
import { decideBinBadge, decideBinLid, decideBinScan, type BinPlace, type BinSession, type BinStep } from './bin-decisions';
import { DisposalSnapshot } from './disposal-snapshot';
import { isShared, type DisposalOutcome } from './outcomes';

type ShredBin = OfficeConfig['shred_bins'][number];

/**
 * The shred-bin branch of the correlator: reads from a bin's reader, scanner and lid sensor go
 * through the pure decisions in bin-decisions.ts. Runs inside the writer job of the device read;
 * the shared outcomes (facts with the read as evidence, record moves, alerts, commands, answers)
 * are handed back to the correlator's own apply, the disposal writes are made here, in order.
 */
export class BinCorrelation {
  private readonly devices = new Map<string, ShredBin>();
  /** Badge-first sessions per bin. Setting the same session again is harmless on a retried job. */
  private readonly sessions = new Map<string, BinSession>();

  constructor(office: OfficeConfig) {
    // The seal is a lock: its state reports are stored as raw reads but decide nothing.
    for (const bin of office.shred_bins) for (const d of [bin.reader, bin.scanner, bin.lid]) if (d) this.devices.set(d, bin);
  }

  handles(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  async correlate(ctx: WriteContext, event: DeviceEvent, actor: string | undefined, applyShared: (outcomes: Outcome[]) => Promise<void>): Promise<void> {
    const bin = this.devices.get(event.deviceId);
    if (!bin) return;
    const place: BinPlace = { id: bin.id, ...(bin.seal ? { sealDevice: bin.seal } : {}) };
    const sequelize = FileRecord.sequelize!;
    const snapshot = new SnapshotReader(sequelize, ctx.transaction);
    const disposal = new DisposalSnapshot(sequelize, ctx.transaction);
    const session = this.sessions.get(bin.id) ?? null;
    const now = ctx.now;
    let step: BinStep | null = null;
    if (event.kind === 'badge' && event.deviceId === bin.reader) {
      const person = actor ? await snapshot.personByActor(actor) : null;
      const pending = person?.role === 'vendor' ? await disposal.pendingDeposits(bin.id) : [];
      step = decideBinBadge({ bin: place, device: event.deviceId, person, session, pending, batchId: timeOrderedId(), now });
    } else if (event.kind === 'barcode' && event.deviceId === bin.scanner) {
      const file = await disposal.recordByBarcode(event.data);
      const walls = session ? await snapshot.wallsOf(session.personId) : [];
      step = decideBinScan({ bin: place, device: event.deviceId, session, file, barcode: event.data, walls, now });
    } else if (event.kind === 'door' && event.deviceId === bin.lid) {
      step = decideBinLid({ bin: place, device: event.deviceId, state: event.state, session, now });
    }
    if (!step) return;
    if (step.session) this.sessions.set(bin.id, step.session);
    else this.sessions.delete(bin.id);
    await applyInOrder(ctx, step.outcomes, applyShared);
  }
}

async function applyInOrder(ctx: WriteContext, outcomes: readonly DisposalOutcome[], applyShared: (outcomes: Outcome[]) => Promise<void>): Promise<void> {
  let run: Outcome[] = [];
  for (const o of outcomes) {
    if (isShared(o)) {
      run.push(o);
      continue;
    }
    if (run.length > 0) await applyShared(run);
    run = [];
    await applyDisposalWrite(ctx, o);
  }
  if (run.length > 0) await applyShared(run);
}
