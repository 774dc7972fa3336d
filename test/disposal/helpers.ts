import type { AccessPerson } from '../../server/workflows/cabinet-access';
import type { RecordState } from '../../server/workflows/file-scan';
import type { BinRecord, BinSession } from '../../server/disposal/bin-decisions';
import type { DisposalOutcome } from '../../server/disposal/outcomes';
import type { RetentionClassDef, RetentionFacts } from '../../server/disposal/retention';

export const NOW = new Date('2026-03-02T15:00:00Z');
export const closed7y: RetentionClassDef = { id: 'rc-1', name: 'closed+7y', trigger: 'matter_closed', years: 7, returnToClient: false };
export const created0y: RetentionClassDef = { id: 'rc-0', name: 'created+0y', trigger: 'created', years: 0, returnToClient: false };

export const person = (id: string, role = 'staff', over: Partial<AccessPerson> = {}): AccessPerson => ({
  id,
  actor: `p_${id}`,
  role,
  active: true,
  validFrom: null,
  validUntil: null,
  acknowledgedPolicy: null,
  ...over,
});

export const recordState = (over: Partial<RecordState> = {}): RecordState => ({
  id: 'r1',
  barcode: 'SK-000001',
  client: 'Acme',
  matter: 'M1',
  status: 'in',
  custodianId: null,
  custodianActor: null,
  location: 'cab-1',
  homeCabinetId: 'cab-1',
  legalHold: false,
  ...over,
});

/** A file whose retention ended long ago (matter closed in 2010, closed+7y). */
export const facts = (over: Partial<RetentionFacts> = {}): RetentionFacts => ({
  status: 'in',
  createdAt: new Date('2005-01-01T00:00:00Z'),
  classRef: 'closed+7y',
  retentionClass: closed7y,
  matterClosedAt: new Date('2010-06-30T00:00:00Z'),
  returnToClient: null,
  held: false,
  ...over,
});

export const binRecord = (record: Partial<RecordState> = {}, retention: Partial<RetentionFacts> = {}): BinRecord => {
  const r = recordState(record);
  return { record: r, retention: facts({ status: r.status, held: r.legalHold, ...retention }) };
};

export const depositor = (personId = 'ada', at = NOW, over: Partial<BinSession> = {}): BinSession => ({
  personId,
  actor: `p_${personId}`,
  kind: 'depositor',
  lastActivityAt: at,
  handled: new Set(),
  lidAllowedUntil: null,
  ...over,
});

/** Outcomes as short labels: fact:type, alert:type, command:x, record:status, or the kind. */
export const kinds = (outcomes: readonly DisposalOutcome[]) =>
  outcomes.map((o) =>
    o.kind === 'fact' ? `fact:${o.leaf.type}` : o.kind === 'alert' ? `alert:${o.type}` : o.kind === 'command' ? `command:${o.command}` : o.kind === 'record' ? `record:${o.status}` : o.kind,
  );

export const leaves = (outcomes: readonly DisposalOutcome[]) => outcomes.flatMap((o) => (o.kind === 'fact' ? [o.leaf] : []));
