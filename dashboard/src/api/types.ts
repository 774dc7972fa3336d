/**
 * API types, taken from the server's own sources with `import type` only: nothing of the server
 * ends up in the bundle, and a change to a route's schema breaks the dashboard's typecheck rather
 * than the dashboard at run time.
 */
import type { z } from 'zod';
import type { recordSchema } from '../../../server/api/routes/records';
import type { healthSchema } from '../../../server/api/routes/health';
import type { RecordStatus } from '../../../server/db/models';
import type { AccessRole } from '../../../server/api/route';
import type { alertSchema } from '../../../server/api/routes/alerts';
import type { sessionSchema } from '../../../server/api/routes/auth';
import type { personSchema } from '../../../server/api/routes/admin';
import type { labelSchema } from '../../../server/api/routes/visitors';
import type { CabinetStatus } from '../../../server/api/routes/cabinets';
import type { DirectoryDevice } from '../../../server/domain/directory';
import type { LeafEvent } from '../../../server/custody-log/leaf';
import type { CustodyBundle } from '../../../server/custody-log/bundle';
import type { BusEvents } from '../../../server/ingest/event-bus';
import type { ActivityReport } from '../../../server/reports/activity-report';

export type { LeafEvent, CustodyBundle, RecordStatus };

/** Who can sign in: people's roles and the reception kiosk's own account. */
export type Role = AccessRole;

/** What a value looks like after JSON.stringify on the server and JSON.parse here. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends Uint8Array
    ? never
    : T extends (infer U)[]
      ? Jsonified<U>[]
      : T extends object
        ? { [K in keyof T]: Jsonified<T[K]> }
        : T;

/** GET /api/v1/records/:barcode and each row of GET /api/v1/records. */
export type FileRecordJson = z.infer<typeof recordSchema>;
/** GET /api/v1/records?q= */
export interface RecordSearchResult {
  total: number;
  records: FileRecordJson[];
}

/** GET /api/health */
export type Health = z.infer<typeof healthSchema>;

/** GET /api/v1/devices: what the route's handler returns (Directory.allDevices). */
export type DeviceJson = DirectoryDevice;
export interface DeviceList {
  devices: DeviceJson[];
}

/** One custody-log entry, as GET /api/v1/records/:barcode/custody and the 'custody' socket event carry it. */
export interface CustodyEntry {
  index: number;
  event: LeafEvent;
}
/** GET /api/v1/records/:barcode/custody */
export interface CustodyResponse {
  /** The record's id: leaves name records by id, never by barcode. */
  record: string;
  entries: CustodyEntry[];
}

/** GET /api/v1/log/checkpoint */
export interface CheckpointResponse {
  size: number;
  note: string | null;
  verifier_key: string;
}

/** GET /api/v1/alerts and POST /api/v1/alerts/:id/acknowledge. */
export type AlertJson = Jsonified<z.infer<typeof alertSchema>>;
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export interface AlertList {
  alerts: AlertJson[];
}

// socket.io events (server/api/live-socket.ts)
/** 'custody': every leaf of one commit. */
export type CustodyEmit = CustodyEntry[];
/** 'alert' */
export type AlertEmit = BusEvents['alert.raised'];
/** 'answer': feedback for the person at a reader, scanner or kiosk. */
export type AnswerEmit = BusEvents['station.answer'];
/** 'writer': the writer stopped or resumed accepting writes (dates arrive as strings). */
export type WriterEmit = { accepting: false; reason: string; since: string } | { accepting: true; at: string };

/** GET /api/v1/auth/session */
export type SessionJson = z.infer<typeof sessionSchema>;
/** POST /api/v1/auth/login, /totp/verify, /totp/confirm, /setup (server/api/routes/auth.ts answerLogin). */
export interface LoginAnswer {
  status: 'ok' | 'mfa_required' | 'mfa_enrolment_required';
  csrf_token: string;
}
/** POST /api/v1/auth/totp/enrol */
export interface TotpEnrolment {
  secret: string;
  uri: string;
  qr_svg: string;
}

/** GET /api/v1/people (managers): names for the person ids records and visits carry. */
export type PersonJson = z.infer<typeof personSchema>;

/** The badge label of a visitor signed in at the kiosk. */
export type VisitorLabel = z.infer<typeof labelSchema>;

/** One cabinet of GET /api/v1/cabinets: room, last door and lock reports, the open visit, alerts, files. */
export type CabinetJson = CabinetStatus;
export interface CabinetList {
  cabinets: CabinetJson[];
}

/** GET /api/v1/reports/activity: counts per category and per UTC day or hour (server/reports/activity-report.ts). */
export type ActivityReportJson = ActivityReport;
export type ActivityCategoryKey = ActivityReport['categories'][number]['key'];
