import { timeOrderedId } from '../shared/time-ordered-id';
import { QueryTypes, type Sequelize } from 'sequelize';
import { DestructionCertificate, DisposalBatch, LegalHold, Matter, RetentionClass, ShredBin } from '../db/models';
import type { CustodyWriter, WriteContext } from '../ingest/custody-writer';
import type { EventBus } from '../ingest/event-bus';
import type { Clock } from '../shared/clock';
import type { Directory } from '../domain/directory';
import { announce, applyOutcomes } from './apply';
import { decideBatchStart, decideRetrieval } from './bin-decisions';
import { storeCertificateFile, readCertificateFile, removeCertificateFile, MAX_CERTIFICATE_BYTES } from './certificate-store';
import { decideCertification, reconcile, type ReconciliationRow } from './certification';
import { commit } from './commitment';
import { asBool, asDate, asDateOrNull, DisposalSnapshot, scopeOfHold } from './disposal-snapshot';
import { decidePlaceHold, decideReleaseHold, type HoldScope } from './holds';
import { decideEligibility, retentionDue, resolveRetentionClass } from './retention';
import type {
  BatchStartInput,
  CertificateFields,
  DispositionInput,
  HoldInput,
  HoldReleaseInput,
  MatterInput,
  RetentionClassInput,
  RetentionClassPatch,
} from './schemas';

/** A refusal the API answers with its status; `field` names the input at fault. */
export class DisposalError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DisposalError';
  }
}

export interface DisposalDeps {
  writer: CustodyWriter;
  bus: EventBus;
  sequelize: Sequelize;
  clock: Clock;
  /** Where certificate files are kept (`<dataDir>/certificates`); without it they can't be recorded. */
  dataDir?: string;
  /**
   * Who the log names when a change names no person: the signed-in caller's pseudonym (routes pass
   * it), else the local operator.
   */
  actor?: string;
  /** A shred bin of the office, with its seal (lid lock) when it has one; null when unknown. */
  findBin(id: string): Promise<{ id: string; seal?: string } | null>;
}

/** Bins as the office knows them: the shred_bins rows, and the lock the directory places at each. */
export function binsOf(directory: Directory): DisposalDeps['findBin'] {
  return async (id) => {
    if (!(await ShredBin.findByPk(id))) return null;
    const seal = directory.allDevices().find((d) => d.place === id && d.role === 'lock');
    return { id, ...(seal ? { seal: seal.id } : {}) };
  };
}

/** Changes made with no caller and no `by` (tests, the command line) are logged as the local operator. */
export const LOCAL_OPERATOR = 'local-operator';

type JobResult<T> = { ok: true; value: T } | { ok: false; error: DisposalError };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Retention, holds, pickups and certificates through the API. Every change is one writer job:
 * it reads what it needs in the writer's transaction, asks the pure decisions, and writes the rows
 * and their custody leaves together. Refusals are returned from the job, not thrown, so a refused
 * call writes nothing and costs its batch-mates nothing.
 */
export class DisposalService {
  constructor(private readonly deps: DisposalDeps) {}

  private snapshot(ctx?: WriteContext): DisposalSnapshot {
    return new DisposalSnapshot(this.deps.sequelize, ctx?.transaction ?? null);
  }

  private async job<T>(run: (ctx: WriteContext) => Promise<JobResult<T>>): Promise<T> {
    const outcome = await this.deps.writer.submit({ run });
    if (outcome.duplicate) throw new Error('internal: disposal jobs have no idempotency key');
    if (!outcome.value.ok) throw outcome.value.error;
    return outcome.value.value;
  }

  private async actorOf(ctx: WriteContext, personId: string | undefined, field = 'by'): Promise<JobResult<string>> {
    if (!personId) return { ok: true, value: this.deps.actor ?? LOCAL_OPERATOR };
    const person = await this.snapshot(ctx).person(personId);
    return person ? { ok: true, value: person.actor } : { ok: false, error: new DisposalError(400, `no person with id ${personId}`, field) };
  }

  // ---- Retention classes ----

  async listClasses() {
    const classes = await RetentionClass.findAll({ order: [['name', 'ASC']] });
    return classes.map((c) => classJson(c));
  }

  async createClass(input: RetentionClassInput) {
    return this.job(async (ctx) => {
      const actor = await this.actorOf(ctx, input.by);
      if (!actor.ok) return actor;
      if (await RetentionClass.findOne({ where: { name: input.name }, transaction: ctx.transaction })) {
        return { ok: false, error: new DisposalError(409, `a retention class named ${input.name} exists`, 'name') };
      }
      const row = await RetentionClass.create(
        { id: timeOrderedId(), name: input.name, trigger: input.trigger, years: input.years, return_to_client: input.return_to_client },
        { transaction: ctx.transaction },
      );
      await ctx.append({ type: 'retention_class.created', actor: actor.value, retention_class: row.id, name: row.name, trigger: row.trigger, years: row.years, return_to_client: input.return_to_client });
      return { ok: true, value: classJson(row) };
    });
  }

  async updateClass(id: string, patch: RetentionClassPatch) {
    return this.job(async (ctx) => {
      const actor = await this.actorOf(ctx, patch.by);
      if (!actor.ok) return actor;
      const row = await RetentionClass.findByPk(id, { transaction: ctx.transaction });
      if (!row) return { ok: false, error: new DisposalError(404, `no retention class ${id}`) };
      if (patch.name && patch.name !== row.name && (await RetentionClass.findOne({ where: { name: patch.name }, transaction: ctx.transaction }))) {
        return { ok: false, error: new DisposalError(409, `a retention class named ${patch.name} exists`, 'name') };
      }
      const oldName = row.name;
      const { by: _by, ...changes } = patch;
      await row.update(changes, { transaction: ctx.transaction });
      // Files that name the class by its old name follow it.
      if (patch.name && patch.name !== oldName) {
        await this.deps.sequelize.query('UPDATE records SET retention_class = :name WHERE retention_class = :old', {
          replacements: { name: patch.name, old: oldName },
          transaction: ctx.transaction,
        });
      }
      await ctx.append({
        type: 'retention_class.updated',
        actor: actor.value,
        retention_class: row.id,
        name: row.name,
        trigger: row.trigger,
        years: Number(row.years),
        return_to_client: asBool(row.return_to_client),
      });
      return { ok: true, value: classJson(row) };
    });
  }

  async deleteClass(id: string, by?: string) {
    return this.job(async (ctx) => {
      const actor = await this.actorOf(ctx, by);
      if (!actor.ok) return actor;
      const row = await RetentionClass.findByPk(id, { transaction: ctx.transaction });
      if (!row) return { ok: false, error: new DisposalError(404, `no retention class ${id}`) };
      const [used] = await this.deps.sequelize.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM records WHERE retention_class IN (:refs)', {
        type: QueryTypes.SELECT,
        replacements: { refs: [row.id, row.name] },
        transaction: ctx.transaction,
      });
      if (Number(used?.n ?? 0) > 0) return { ok: false, error: new DisposalError(409, `${Number(used!.n)} file(s) use retention class ${row.name}`) };
      await row.destroy({ transaction: ctx.transaction });
      await ctx.append({ type: 'retention_class.deleted', actor: actor.value, retention_class: row.id });
      return { ok: true, value: { id: row.id } };
    });
  }

  // ---- Matters and a file's disposition ----

  async listMatters() {
    const rows = await Matter.findAll({ order: [['client', 'ASC'], ['matter', 'ASC']] });
    return rows.map(matterJson);
  }

  /** Creates or changes a client's matter; closing it starts the clock of 'matter_closed' classes. */
  async upsertMatter(input: MatterInput) {
    return this.job(async (ctx) => {
      const actor = await this.actorOf(ctx, input.by);
      if (!actor.ok) return actor;
      const { transaction } = ctx;
      let row = await Matter.findOne({ where: { client: input.client, matter: input.matter }, transaction });
      const closedAt = input.closed_at === undefined ? undefined : input.closed_at === null ? null : new Date(input.closed_at);
      const parties = input.parties === undefined ? undefined : JSON.stringify(input.parties);
      if (!row) {
        row = await Matter.create({ id: timeOrderedId(), client: input.client, matter: input.matter, closed_at: closedAt ?? null, parties: parties ?? null }, { transaction });
      } else {
        await row.update({ ...(closedAt !== undefined ? { closed_at: closedAt } : {}), ...(parties !== undefined ? { parties } : {}) }, { transaction });
      }
      const closed = asDateOrNull(row.closed_at);
      // Client and matter names may name people: the leaf names the matter by its id only.
      await ctx.append({ type: 'matter.updated', actor: actor.value, matter: row.id, closed: closed !== null, ...(closed ? { closed_at: closed.toISOString() } : {}) });
      return { ok: true, value: matterJson(row) };
    });
  }

  async setDisposition(barcode: string, input: DispositionInput) {
    return this.job(async (ctx) => {
      const actor = await this.actorOf(ctx, input.by);
      if (!actor.ok) return actor;
      const snapshot = this.snapshot(ctx);
      const file = await snapshot.recordByBarcode(barcode);
      if (!file) return { ok: false, error: new DisposalError(404, `no record with barcode ${barcode}`) };
      let classId: string | null | undefined;
      if (input.retention_class !== undefined && input.retention_class !== null) {
        const cls = resolveRetentionClass(await snapshot.retentionClasses(), input.retention_class);
        if (!cls) return { ok: false, error: new DisposalError(400, `no retention class ${input.retention_class}`, 'retention_class') };
        classId = cls.id;
      } else if (input.retention_class === null) classId = null;
      const sets: string[] = [];
      if (classId !== undefined) sets.push('retention_class = :cls');
      if (input.return_to_client !== undefined) sets.push('return_to_client = :ret');
      if (sets.length === 0) return { ok: false, error: new DisposalError(400, 'nothing to change: give retention_class or return_to_client') };
      await this.deps.sequelize.query(`UPDATE records SET ${sets.join(', ')}, updated_at = :now WHERE id = :id`, {
        replacements: { cls: classId ?? null, ret: input.return_to_client ?? null, now: ctx.now, id: file.record.id },
        transaction: ctx.transaction,
      });
      await ctx.append({
        type: 'record.disposition_set',
        actor: actor.value,
        record: file.record.id,
        ...(classId !== undefined ? { retention_class: classId } : {}),
        ...(input.return_to_client !== undefined ? { return_to_client: input.return_to_client } : {}),
      });
      return { ok: true, value: { barcode, retention_class: classId === undefined ? file.retention.classRef : classId, return_to_client: input.return_to_client ?? file.retention.returnToClient } };
    });
  }

  // ---- Legal holds ----

  async listHolds(filter: { active?: boolean } = {}) {
    const rows = await LegalHold.findAll({ order: [['placed_at', 'DESC']] });
    const barcodes = await this.barcodesOf(rows.map((r) => r.record_id).filter((x): x is string => x !== null));
    return rows.filter((r) => filter.active === undefined || (r.released_at === null) === filter.active).map((r) => holdJson(r, barcodes));
  }

  private async barcodesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.deps.sequelize.query<{ id: string; barcode: string }>('SELECT id, barcode FROM records WHERE id IN (:ids)', { type: QueryTypes.SELECT, replacements: { ids } });
    return new Map(rows.map((r) => [r.id, r.barcode]));
  }

  async placeHold(input: HoldInput & { requested_by: string }) {
    const result = await this.job(async (ctx) => {
      const snapshot = this.snapshot(ctx);
      let scope: HoldScope;
      if (input.scope === 'record') {
        const file = await snapshot.recordByBarcode(input.barcode!);
        if (!file) return { ok: false, error: new DisposalError(404, `no record with barcode ${input.barcode}`, 'barcode') };
        scope = { kind: 'record', recordId: file.record.id };
      } else if (input.scope === 'matter') scope = { kind: 'matter', client: input.client!, matter: input.matter! };
      else scope = { kind: 'client', client: input.client! };
      const holdId = timeOrderedId();
      const reason = commit('hold-reason', input.reason);
      const decision = decidePlaceHold({
        holdId,
        scope,
        requester: await snapshot.person(input.requested_by),
        approver: await snapshot.person(input.approved_by),
        records: await snapshot.holdable(scope),
        reasonCommitment: reason.commitment,
      });
      if (!decision.ok) {
        const field = decision.reason === 'requester_not_allowed' ? 'requested_by' : 'approved_by';
        return { ok: false, error: new DisposalError(decision.reason === 'unknown_person' ? 400 : 409, decision.message, field) };
      }
      const row = await LegalHold.create(
        {
          id: holdId,
          scope: scope.kind,
          record_id: scope.kind === 'record' ? scope.recordId : null,
          client: scope.kind === 'record' ? null : scope.client,
          matter: scope.kind === 'matter' ? scope.matter : null,
          reason: input.reason,
          reason_salt: reason.salt,
          placed_by: input.requested_by,
          approved_by: input.approved_by,
          placed_at: ctx.now,
        },
        { transaction: ctx.transaction },
      );
      const after = await applyOutcomes(ctx, decision.outcomes);
      return { ok: true, value: { row, records: decision.recordIds, after } };
    });
    announce(this.deps.bus, result.after);
    return { ...holdJson(result.row, await this.barcodesOf(result.row.record_id ? [result.row.record_id] : [])), records: result.records.length };
  }

  async releaseHold(id: string, input: HoldReleaseInput & { released_by: string }) {
    const result = await this.job(async (ctx) => {
      const snapshot = this.snapshot(ctx);
      const row = await LegalHold.findByPk(id, { transaction: ctx.transaction });
      if (!row) return { ok: false, error: new DisposalError(404, `no legal hold ${id}`) };
      const scope = scopeOfHold(row);
      const records = await snapshot.holdable(scope);
      const reason = commit('hold-release-reason', input.reason);
      const decision = decideReleaseHold({
        hold: { id: row.id, scope, released: row.released_at !== null },
        releaser: await snapshot.person(input.released_by),
        approver: await snapshot.person(input.approved_by),
        records,
        heldByOthers: await snapshot.heldByOtherHolds(
          records.map((r) => r.id),
          row.id,
        ),
        reasonCommitment: reason.commitment,
      });
      if (!decision.ok) {
        const field = decision.reason === 'requester_not_allowed' ? 'released_by' : decision.reason === 'already_released' ? undefined : 'approved_by';
        return { ok: false, error: new DisposalError(decision.reason === 'unknown_person' ? 400 : 409, decision.message, field) };
      }
      await row.update(
        { released_at: ctx.now, released_by: input.released_by, release_approved_by: input.approved_by, release_reason: input.reason, release_reason_salt: reason.salt },
        { transaction: ctx.transaction },
      );
      const after = await applyOutcomes(ctx, decision.outcomes);
      return { ok: true, value: { row, records: decision.recordIds, after } };
    });
    announce(this.deps.bus, result.after);
    return { ...holdJson(result.row, await this.barcodesOf(result.row.record_id ? [result.row.record_id] : [])), records: result.records.length };
  }

  // ---- Eligibility ----

  /** Files that may be destroyed now: retention met, no hold, in their cabinet, not for return. */
  async eligible(now: Date = this.deps.clock.now()) {
    const candidates = await this.snapshot().eligibilityCandidates();
    const out = [];
    for (const c of candidates) {
      const verdict = decideEligibility(c.retention, now);
      if (!verdict.eligible) continue;
      out.push({
        id: c.record.id,
        barcode: c.record.barcode,
        client: c.record.client,
        matter: c.record.matter,
        location_id: c.record.location,
        retention_class: c.retention.retentionClass!.name,
        due: verdict.due.toISOString(),
      });
    }
    return out;
  }

  /** One file's retention verdict, for the dashboard's "why not" line. */
  async eligibilityOf(barcode: string, now: Date = this.deps.clock.now()) {
    const file = await this.snapshot().recordByBarcode(barcode);
    if (!file) throw new DisposalError(404, `no record with barcode ${barcode}`);
    const verdict = decideEligibility(file.retention, now);
    const due = file.retention.retentionClass ? retentionDue(file.retention.retentionClass, file.retention.createdAt, file.retention.matterClosedAt) : null;
    return { barcode, eligible: verdict.eligible, reason: verdict.eligible ? null : verdict.reason, due: iso(due), held: file.retention.held };
  }

  // ---- Pickups ----

  async listBatches() {
    const batches = await DisposalBatch.findAll({ order: [['started_at', 'DESC']] });
    const counts = await this.deps.sequelize.query<{ batch_id: string; files: number | string; certified: number | string }>(
      `SELECT batch_id, COUNT(*) AS files, COUNT(certificate_id) AS certified FROM disposal_deposits
       WHERE batch_id IS NOT NULL AND retrieved_at IS NULL GROUP BY batch_id`,
      { type: QueryTypes.SELECT },
    );
    const byBatch = new Map(counts.map((c) => [c.batch_id, c]));
    const certificates = await DestructionCertificate.findAll({ order: [['recorded_at', 'ASC']] });
    return batches.map((b) => ({
      id: b.id,
      bin: b.bin_id,
      started_at: asDate(b.started_at).toISOString(),
      started_via: b.started_via,
      started_by: b.started_by,
      seal_number: b.seal_number,
      files: Number(byBatch.get(b.id)?.files ?? 0),
      certified: Number(byBatch.get(b.id)?.certified ?? 0),
      certificates: certificates.filter((c) => c.batch_id === b.id).map(certificateJson),
    }));
  }

  /** The vendor's pickup, started by a manager with the number of the bin's seal. */
  async startBatch(input: BatchStartInput) {
    const bin = await this.deps.findBin(input.bin);
    if (!bin) throw new DisposalError(404, `no shred bin ${input.bin}`, 'bin');
    const result = await this.job(async (ctx) => {
      const actor = await this.actorOf(ctx, input.by);
      if (!actor.ok) return actor;
      const batchId = timeOrderedId();
      const decision = decideBatchStart({
        bin: { id: bin.id, ...(bin.seal ? { sealDevice: bin.seal } : {}) },
        batchId,
        actor: actor.value,
        personId: input.by ?? null,
        via: 'api',
        sealNumber: input.seal_number,
        pending: await this.snapshot(ctx).pendingDeposits(bin.id),
      });
      // A refusal under a hold is itself a fact (and alerts): it commits, then the call is refused.
      const after = await applyOutcomes(ctx, decision.outcomes);
      return { ok: true, value: { decision, batchId, after } };
    });
    announce(this.deps.bus, result.after);
    if (!result.decision.ok) {
      throw new DisposalError(
        409,
        result.decision.reason === 'legal_hold' ? 'pickup refused: a file in this bin is under a legal hold; take it out first' : 'nothing to collect: no file was deposited in this bin since the last pickup',
      );
    }
    return (await this.listBatches()).find((b) => b.id === result.batchId)!;
  }

  /** A deposited file taken back out of the bin, or handed back by the vendor. */
  async retrieve(barcode: string, by: string) {
    const result = await this.job(async (ctx) => {
      const snapshot = this.snapshot(ctx);
      const file = await snapshot.recordByBarcode(barcode);
      if (!file) return { ok: false, error: new DisposalError(404, `no record with barcode ${barcode}`) };
      const [deposit] = await snapshot.rows<{ bin_id: string; batch_id: string | null }>(
        'SELECT bin_id, batch_id FROM disposal_deposits WHERE record_id = :id AND retrieved_at IS NULL AND certificate_id IS NULL ORDER BY deposited_at DESC',
        { id: file.record.id },
      );
      const decision = decideRetrieval({ file, person: await snapshot.person(by), deposit: deposit ? { binId: deposit.bin_id, batchId: deposit.batch_id } : null });
      if (!decision.ok) return { ok: false, error: new DisposalError(decision.reason === 'not_deposited' ? 409 : 400, decision.message, decision.reason === 'not_deposited' ? undefined : 'by') };
      return { ok: true, value: await applyOutcomes(ctx, decision.outcomes) };
    });
    announce(this.deps.bus, result);
    return { barcode, status: 'out' as const, custodian_person_id: by };
  }

  // ---- Certificates ----

  async recordCertificate(batchId: string, fields: CertificateFields, file: { bytes: Buffer; name: string | null; mediaType: string | null }) {
    if (!this.deps.dataDir) throw new DisposalError(503, 'certificate storage is not configured (no data directory)');
    if (file.bytes.length === 0) throw new DisposalError(400, 'the certificate file is empty', 'file');
    if (file.bytes.length > MAX_CERTIFICATE_BYTES) throw new DisposalError(400, `the certificate file is larger than ${MAX_CERTIFICATE_BYTES} bytes`, 'file');
    const batch = await DisposalBatch.findByPk(batchId);
    if (!batch) throw new DisposalError(404, `no pickup batch ${batchId}`);
    const startedOn = asDate(batch.started_at).toISOString().slice(0, 10);
    if (fields.destroyed_on < startedOn) throw new DisposalError(400, `is before the pickup (${startedOn})`, 'destroyed_on');
    const tomorrow = new Date(this.deps.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
    if (fields.destroyed_on > tomorrow) throw new DisposalError(400, 'is in the future', 'destroyed_on');
    const stored = await storeCertificateFile(this.deps.dataDir, file.bytes, file.mediaType);
    let result;
    try {
      result = await this.job(async (ctx) => {
        const actor = await this.actorOf(ctx, fields.recorded_by, 'recorded_by');
        if (!actor.ok) return actor;
        if (await DestructionCertificate.findOne({ where: { serial_number: fields.serial_number }, transaction: ctx.transaction })) {
          return { ok: false, error: new DisposalError(409, `certificate ${fields.serial_number} is already recorded`, 'serial_number') };
        }
        const certificateId = timeOrderedId();
        const operator = commit('operator', fields.operator_name);
        const decision = decideCertification({
          batch: { id: batch.id, binId: batch.bin_id },
          certificate: {
            certificateId,
            serialNumber: fields.serial_number,
            destroyedOn: fields.destroyed_on,
            method: fields.method,
            operatorCommitment: operator.commitment,
            fileSha256: stored.sha256,
          },
          items: await this.snapshot(ctx).batchItems(batch.id),
          manifest: fields.barcodes ?? null,
          actor: actor.value,
        });
        if (!decision.ok) return { ok: false, error: new DisposalError(409, decision.message) };
        const row = await DestructionCertificate.create(
          {
            id: certificateId,
            batch_id: batch.id,
            serial_number: fields.serial_number,
            destroyed_on: fields.destroyed_on,
            place: fields.place,
            method: fields.method,
            operator_name: fields.operator_name,
            operator_salt: operator.salt,
            operator_commitment: operator.commitment,
            file_sha256: stored.sha256,
            file_name: file.name,
            file_size: stored.size,
            media_type: file.mediaType,
            stored_path: stored.relativePath,
            manifest: fields.barcodes ? JSON.stringify(fields.barcodes) : null,
            recorded_by: fields.recorded_by ?? null,
            recorded_at: ctx.now,
          },
          { transaction: ctx.transaction },
        );
        const after = await applyOutcomes(ctx, decision.outcomes);
        return { ok: true, value: { row, decision, after } };
      });
    } catch (err) {
      // A refused certificate leaves no file behind, unless the same file backs another one.
      if (stored.created && !(await DestructionCertificate.findOne({ where: { file_sha256: stored.sha256 } }))) await removeCertificateFile(this.deps.dataDir, stored.relativePath);
      throw err;
    }
    announce(this.deps.bus, result.after);
    const barcodes = await this.barcodesOf(result.decision.certified);
    return {
      certificate: certificateJson(result.row),
      certified: result.decision.certified.map((id) => barcodes.get(id) ?? id).sort(),
      refused: result.decision.refused.map((r) => ({ barcode: r.barcode, reason: r.reason })),
      extra: result.decision.extra,
    };
  }

  async certificateFile(id: string): Promise<{ bytes: Buffer; name: string; mediaType: string }> {
    if (!this.deps.dataDir) throw new DisposalError(503, 'certificate storage is not configured (no data directory)');
    const row = await DestructionCertificate.findByPk(id);
    if (!row) throw new DisposalError(404, `no certificate ${id}`);
    return { bytes: await readCertificateFile(this.deps.dataDir, row.stored_path), name: row.file_name ?? `certificate-${row.serial_number}`, mediaType: row.media_type ?? 'application/octet-stream' };
  }

  // ---- Reconciliation ----

  async reconciliation(batchId?: string): Promise<ReconciliationRow[]> {
    const batches = await DisposalBatch.findAll({ ...(batchId ? { where: { id: batchId } } : {}), order: [['started_at', 'ASC']] });
    if (batchId && batches.length === 0) throw new DisposalError(404, `no pickup batch ${batchId}`);
    const items = await this.deps.sequelize.query<{ batch_id: string; barcode: string; certificate_id: string | null }>(
      `SELECT d.batch_id, r.barcode, d.certificate_id FROM disposal_deposits d JOIN records r ON r.id = d.record_id
       WHERE d.batch_id IS NOT NULL AND d.retrieved_at IS NULL`,
      { type: QueryTypes.SELECT },
    );
    const certificates = await DestructionCertificate.findAll();
    return reconcile(
      batches.map((b) => {
        const own = items.filter((i) => i.batch_id === b.id);
        const held = new Set(own.map((i) => i.barcode));
        const certs = certificates.filter((c) => c.batch_id === b.id);
        const listed = certs.flatMap((c) => (c.manifest ? (JSON.parse(c.manifest) as string[]) : []));
        return {
          batchId: b.id,
          binId: b.bin_id,
          startedAt: asDate(b.started_at),
          sealNumber: b.seal_number,
          certificates: certs.length,
          items: own.map((i) => ({ barcode: i.barcode, certified: i.certificate_id !== null })),
          extra: listed.filter((code) => !held.has(code)),
        };
      }),
    );
  }
}

function classJson(c: RetentionClass) {
  return { id: c.id, name: c.name, trigger: c.trigger, years: Number(c.years), return_to_client: asBool(c.return_to_client) };
}

function matterJson(m: Matter) {
  return {
    id: m.id,
    client: m.client,
    matter: m.matter,
    closed_at: iso(asDateOrNull(m.closed_at)),
    parties: m.parties ? (JSON.parse(m.parties) as string[]) : [],
  };
}

function holdJson(h: LegalHold, barcodes: Map<string, string>) {
  return {
    id: h.id,
    scope: h.scope,
    barcode: h.record_id ? (barcodes.get(h.record_id) ?? null) : null,
    client: h.client,
    matter: h.matter,
    reason: h.reason,
    placed_by: h.placed_by,
    approved_by: h.approved_by,
    placed_at: asDate(h.placed_at).toISOString(),
    released_at: iso(asDateOrNull(h.released_at)),
    released_by: h.released_by ?? null,
    release_approved_by: h.release_approved_by ?? null,
    release_reason: h.release_reason ?? null,
  };
}

function certificateJson(c: DestructionCertificate) {
  return {
    id: c.id,
    batch: c.batch_id,
    serial_number: c.serial_number,
    destroyed_on: c.destroyed_on,
    place: c.place,
    method: c.method,
    file_sha256: c.file_sha256,
    file_size: Number(c.file_size),
    recorded_at: asDate(c.recorded_at).toISOString(),
  };
}
