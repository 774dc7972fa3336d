/**
 * One custody-log leaf → one line a person can read. Pure: the live feed, the custody timeline and
 * the tests share it. Leaves carry no personal data (people are pseudonyms, files are ids), so the
 * lines name people by a short pseudonym and files by barcode when the page knows it.
 */
import type { LeafEvent } from '../api/types';

export type Tone = 'neutral' | 'ok' | 'info' | 'warn' | 'danger';
export type Category = 'files' | 'access' | 'cabinets' | 'devices' | 'alerts' | 'visitors' | 'disposal' | 'people' | 'system';

export interface FeedLine {
  text: string;
  tone: Tone;
  category: Category;
}

/** Lookups a page may know: a record id → its barcode, a place id → its name. */
export interface Names {
  record?: (id: string) => string | undefined;
  place?: (id: string) => string | undefined;
}

export const CATEGORY_LABELS: Record<Category, string> = {
  files: 'Files',
  access: 'Access',
  cabinets: 'Cabinets',
  devices: 'Device reads',
  alerts: 'Alerts',
  visitors: 'Visitors',
  disposal: 'Shredding',
  people: 'People and badges',
  system: 'System',
};

const DENIAL_REASONS: Record<string, string> = {
  unknown_badge: 'unknown badge',
  inactive: 'the badge holder is no longer active',
  not_yet_valid: 'the badge is not valid yet',
  expired: 'the badge has expired',
  no_access: 'no access to this cabinet',
  outside_schedule: 'outside their allowed hours',
  policy_not_acknowledged: 'the file-handling policy is not acknowledged',
  ethical_wall: 'screened from this matter (ethical wall)',
  visitor_badge: 'a visitor badge',
};

const ALERT_TYPES: Record<string, string> = {
  'cabinet.forced': 'cabinet opened without a badge',
  'cabinet.held_open': 'cabinet left open',
  'cabinet.after_hours': 'cabinet opened after hours',
  'cabinet.access_denied': 'access refused at a cabinet',
  'cabinet.visitor_badge': 'visitor badge used at a cabinet',
  'record.ethical_wall': 'ethical wall: a screened person scanned a file',
  'record.unexpected_scan': 'file scanned where it should not be',
  'record.misplaced': 'file put in the wrong cabinet',
  'storage.writes_suspended': 'device reads are not being stored',
  'log.integrity_failure': 'custody log integrity failure',
};

const READ_KINDS: Record<string, string> = {
  badge: 'Badge read',
  barcode: 'File label scanned',
  door: 'Door sensor changed',
  lock: 'Lock reported its state',
  availability: 'Device went online or offline',
};

/** `record.checked_out` → "record checked out"; `no_access` → "no access". */
export function humanize(id: string): string {
  return id.replace(/[._]+/g, ' ').trim();
}

export function alertTypeLabel(type: string): string {
  return ALERT_TYPES[type] ?? humanize(type);
}

export function denialReasonLabel(reason: string): string {
  return DENIAL_REASONS[reason] ?? humanize(reason);
}

/** A pseudonym, shortened: `p_1a2b3c…` → "person 1a2b3c". */
export function actorLabel(actor: string | undefined): string {
  if (!actor) return 'someone';
  const m = /^([pvu])_([0-9a-f]{6})[0-9a-f]*$/.exec(actor);
  if (m) return `${m[1] === 'v' ? 'visitor' : m[1] === 'u' ? 'user' : 'person'} ${m[2]}`;
  if (actor === 'system' || actor.startsWith('system:')) return 'the system';
  if (actor === 'local-operator') return 'the local operator';
  return actor;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function describeEvent(event: LeafEvent, names: Names = {}): FeedLine {
  const type = event.type;
  const place = (id: string | undefined) => (id ? (names.place?.(id) ?? id) : undefined);
  const at = (id: string | undefined) => (id ? ` at ${place(id)}` : '');
  const cabinet = (id: string | undefined) => (id ? (names.place?.(id) ?? `Cabinet ${id}`) : 'A cabinet');
  const loc = str(event.location);
  const actor = str(event.actor);
  const who = actorLabel(actor);
  const reason = str(event.reason);
  const recordId = str(event.record);
  const ref = recordId ? (names.record?.(recordId) ?? `…${recordId.slice(-6)}`) : undefined;
  const file = ref ? `File ${ref}` : 'A file';
  const fileLower = ref ? `file ${ref}` : 'a file';

  switch (type) {
    case 'device.read': {
      const kind = str(event.kind) ?? 'read';
      const base = READ_KINDS[kind] ?? `${capitalize(humanize(kind))} read`;
      const by = kind === 'badge' ? (actor ? ` (${who})` : ' (not recognized)') : '';
      return { text: `${base}${at(loc ?? str(event.device))}${by}`, tone: 'neutral', category: 'devices' };
    }
    case 'record.created':
      return { text: `${file} created${loc ? ` in ${place(loc)}` : ''}`, tone: 'info', category: 'files' };
    case 'record.imported':
      return { text: `${file} imported${loc ? ` into ${place(loc)}` : ''}`, tone: 'info', category: 'files' };
    case 'record.checked_out':
      return {
        text: `${file} checked out by ${who}${at(loc)}${reason === 'found_elsewhere' ? ' (found outside its recorded place)' : ''}`,
        tone: reason ? 'warn' : 'info',
        category: 'files',
      };
    case 'record.checked_in': {
      const note = reason === 'not_home_cabinet' ? ' (not its home cabinet)' : reason === 'returned_by_other' ? ` (returned by ${who}, not its holder)` : '';
      return { text: `${file} returned${loc ? ` to ${place(loc)}` : ''}${reason === 'returned_by_other' ? '' : actor ? ` by ${who}` : ''}${note}`, tone: reason ? 'warn' : 'ok', category: 'files' };
    }
    case 'record.transferred':
      return { text: `${file} handed from ${actorLabel(str(event.from))} to ${who}${at(loc)}`, tone: 'info', category: 'files' };
    case 'access.granted':
      return { text: `Access granted to ${who}${at(loc)}`, tone: 'ok', category: 'access' };
    case 'access.denied': {
      const why = reason ? `: ${denialReasonLabel(reason)}` : '';
      const severe = reason === 'ethical_wall' || reason === 'visitor_badge';
      return { text: `Access refused${actor ? ` to ${who}` : ''}${at(loc)}${why}${recordId ? ` (${fileLower})` : ''}`, tone: severe ? 'danger' : 'warn', category: 'access' };
    }
    case 'cabinet.opened':
      return { text: `${cabinet(loc)} opened${actor ? ` by ${who}` : ''}`, tone: 'neutral', category: 'cabinets' };
    case 'cabinet.closed':
      return { text: `${cabinet(loc)} closed`, tone: 'neutral', category: 'cabinets' };
    case 'cabinet.forced_open':
      return { text: `${cabinet(loc)} was opened without a badge`, tone: 'danger', category: 'cabinets' };
    case 'cabinet.held_open':
      return { text: `${cabinet(loc)} has been left open`, tone: 'warn', category: 'cabinets' };
    case 'alert.raised': {
      const severity = str(event.severity) ?? 'warning';
      const what = alertTypeLabel(reason ?? 'alert');
      const where = str(event.device) ?? loc;
      return {
        text: `Alert (${severity}): ${what}${where ? ` — ${place(where)}` : ''}`,
        tone: severity === 'critical' ? 'danger' : severity === 'info' ? 'info' : 'warn',
        category: 'alerts',
      };
    }
    case 'office.configured': {
      const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
      return { text: `Office layout updated: ${count(event.added)} added, ${count(event.changed)} changed`, tone: 'neutral', category: 'system' };
    }
    case 'person.created':
      return { text: `${capitalize(actorLabel(str(event.subject)))} added${str(event.role) ? ` as ${str(event.role)}` : ''}`, tone: 'neutral', category: 'people' };
    case 'badge.issued':
      return { text: `Badge issued to ${actorLabel(str(event.subject))}`, tone: 'neutral', category: 'people' };
    case 'visitor.pre_registered':
      return { text: `Visitor ${actor ? `${who} ` : ''}pre-registered`, tone: 'neutral', category: 'visitors' };
    case 'visitor.signed_in':
      return { text: `${capitalize(actor ? who : 'a visitor')} signed in${at(loc)}`, tone: 'info', category: 'visitors' };
    case 'visitor.signed_out':
      return { text: `${capitalize(actor ? who : 'a visitor')} signed out${at(loc)}`, tone: 'neutral', category: 'visitors' };
    case 'disposal.deposited':
      return { text: `${file} deposited for shredding${at(loc)}${actor ? ` by ${who}` : ''}`, tone: 'info', category: 'disposal' };
    case 'disposal.certified':
      return { text: `${recordId ? `${file}: destruction` : 'Destruction'} certified${at(loc)}`, tone: 'ok', category: 'disposal' };
    case 'hold.placed':
      return { text: `Legal hold placed on ${fileLower}`, tone: 'warn', category: 'files' };
    case 'hold.released':
      return { text: `Legal hold released on ${fileLower}`, tone: 'info', category: 'files' };
    case 'report.viewed': {
      const report = str(event.report) ?? 'report';
      if (report === 'custody' && recordId) return { text: `Custody history of ${fileLower} viewed by ${who}`, tone: 'neutral', category: 'files' };
      return { text: `${capitalize(humanize(report))} report viewed${str(event.format) && event.format !== 'json' ? ` as ${String(event.format).toUpperCase()}` : ''} by ${who}${recordId ? ` (${fileLower})` : ''}`, tone: 'neutral', category: 'system' };
    }
    case 'bundle.exported':
      return { text: `Custody bundle of ${fileLower} exported by ${who}`, tone: 'neutral', category: 'files' };
    case 'record.overdue':
      return { text: `${file} is overdue${actor ? ` (held by ${who})` : ''}`, tone: 'warn', category: 'files' };
    case 'record.due_soon':
      return { text: `${file} is due back soon${actor ? ` (held by ${who})` : ''}`, tone: 'info', category: 'files' };
    case 'record.missing':
      return { text: `${file} is missing${at(loc)}`, tone: 'danger', category: 'files' };
    case 'record.requested':
      return { text: `${file} requested by ${who}`, tone: 'info', category: 'files' };
    case 'record.location_corrected':
      return { text: `${file}: location corrected${loc ? ` to ${place(loc)}` : ''}${actor ? ` by ${who}` : ''}`, tone: 'info', category: 'files' };
    case 'alert.acknowledged':
      return { text: `Alert acknowledged by ${who}`, tone: 'ok', category: 'alerts' };
    case 'alert.escalated':
      return { text: `Alert escalated${str(event.level) || typeof event.level === 'number' ? ` to level ${String(event.level)}` : ''}`, tone: 'warn', category: 'alerts' };
    case 'device.offline':
      return { text: `${str(event.device) ? `Device ${str(event.device)}` : 'A device'} stopped reporting${at(loc)}`, tone: 'warn', category: 'devices' };
    case 'bin.lid_opened':
      return { text: `Shred bin lid opened${at(loc)}${actor ? ` by ${who}` : ''}`, tone: 'neutral', category: 'disposal' };
    case 'bin.lid_closed':
      return { text: `Shred bin lid closed${at(loc)}`, tone: 'neutral', category: 'disposal' };
    case 'disposal.lid_forced':
      return { text: `Shred bin lid forced${at(loc)}`, tone: 'danger', category: 'disposal' };
    case 'disposal.collected':
      return { text: `${recordId ? `${file} collected` : 'Shred bin collected'} by the shredding contractor${at(loc)}`, tone: 'info', category: 'disposal' };
    case 'disposal.refused':
      return { text: `${file} refused at the shred bin${at(loc)}${reason ? `: ${humanize(reason)}` : ''}`, tone: 'warn', category: 'disposal' };
    case 'disposal.retrieved':
      return { text: `${file} retrieved from the shred bin${actor ? ` by ${who}` : ''}`, tone: 'warn', category: 'disposal' };
    case 'visitor.preregistered':
    case 'visitor.registered':
      return { text: `${capitalize(actor ? who : 'a visitor')} ${type === 'visitor.registered' ? 'registered' : 'pre-registered'}`, tone: 'neutral', category: 'visitors' };
    case 'visitor.nda_accepted':
      return { text: `${capitalize(actor ? who : 'a visitor')} accepted the confidentiality agreement`, tone: 'neutral', category: 'visitors' };
    case 'visitor.sign_in_refused':
      return { text: `Visitor sign-in refused${reason ? `: ${humanize(reason)}` : ''}`, tone: 'warn', category: 'visitors' };
    case 'visitor.auto_signed_out':
      return { text: `${capitalize(actor ? who : 'a visitor')} signed out automatically at closing`, tone: 'neutral', category: 'visitors' };
    case 'visitor.flagged':
    case 'visitor.conflict':
      return { text: `Visitor ${type === 'visitor.flagged' ? 'matches the watch list' : 'has a possible conflict'}${actor ? ` (${who})` : ''}`, tone: 'danger', category: 'visitors' };
    case 'user.login':
      return { text: `${capitalize(who)} signed in`, tone: 'neutral', category: 'people' };
    case 'user.logout':
      return { text: `${capitalize(who)} signed out`, tone: 'neutral', category: 'people' };
    case 'user.mfa_failed':
    case 'user.login_failed':
      return { text: `Failed sign-in${actor ? ` for ${who}` : ''}${reason ? ` (${humanize(reason)})` : ''}`, tone: 'warn', category: 'people' };
    case 'user.locked':
      return { text: `Account of ${who} locked after failed sign-ins`, tone: 'danger', category: 'people' };
    case 'user.access_denied':
      return { text: `${capitalize(who)} was refused${str(event.target) ? ` ${str(event.target)}` : ''}${reason ? ` (${humanize(reason)})` : ''}`, tone: 'warn', category: 'people' };
    case 'policy.acknowledged':
      return { text: `${capitalize(who)} acknowledged the file-handling policy${typeof event.version === 'number' ? ` (version ${event.version})` : ''}`, tone: 'neutral', category: 'people' };
    case 'wall.placed':
      return { text: `Ethical wall placed for ${actorLabel(str(event.subject))}`, tone: 'info', category: 'people' };
    default: {
      const [family] = type.split('.');
      const category: Category =
        family === 'record' ? 'files' : family === 'cabinet' ? 'cabinets' : family === 'visitor' ? 'visitors' : family === 'disposal' ? 'disposal' : family === 'user' ? 'people' : 'system';
      const subject = recordId ? ` — ${fileLower}` : '';
      return { text: `${capitalize(humanize(type))}${subject}${at(loc)}${actor ? ` (${who})` : ''}`, tone: 'neutral', category };
    }
  }
}

/**
 * Entries that record someone looking (a custody view, a bundle export, a report): they are part of
 * a file's history but change nothing about it, so pages showing the file do not reload for them
 * (reloading would log another view, and so on).
 */
export function isLookOnly(event: LeafEvent): boolean {
  return /\.(viewed|exported)$/.test(event.type);
}
