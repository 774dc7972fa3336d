import type { LeafEvent } from '../custody-log/leaf';

/**
 * Custody-log entries for authentication and access (issue 3, points 6 and 9). One vocabulary
 * so the HTTP layer, the socket layer and the CLI log the same facts the same way. Every actor,
 * subject and address is a pseudonym (pseudonyms.ts): the log can never be erased.
 */

export const AUTH_EVENT_TYPES = [
  'user.login',
  'user.login_failed',
  /** Refused by the throttle without checking the password. */
  'user.login_throttled',
  /** A failure started or lengthened a back-off (throttle.ts AttemptOutcome.locked). */
  'user.locked',
  'user.logout',
  /** Authenticated but not allowed: role, kiosk scope, missing re-authentication, CSRF or origin. */
  'user.access_denied',
  'user.reauthenticated',
  'user.mfa_failed',
  'user.totp_enrolled',
  'user.totp_reset',
  'user.created',
  'user.password_changed',
  'user.disabled',
  'user.enabled',
  'user.setup_link_issued',
  'user.setup_completed',
] as const;

export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

export interface AuthEventFields {
  /** Who did it: the user's pseudonym, or AuthPseudonyms.unknownAccount for unknown usernames. */
  actor: string;
  /** AuthPseudonyms.address of the client. */
  address?: string;
  /** The user acted upon, when not the actor (an admin disabling someone). */
  subject?: string;
  /** Short machine-readable cause: 'bad_password', 'bad_totp', 'replayed_totp', 'csrf', 'role', … */
  reason?: string;
  /** For denials: which route or socket event, as `METHOD /path` with parameters left as `:name`. */
  target?: string;
  /** For throttle events: milliseconds until the next attempt is allowed. */
  retry_after_ms?: number;
}

/** An event ready for ctx.append. Absent fields are omitted, as leaves require. */
export function authEvent(type: AuthEventType, fields: AuthEventFields): LeafEvent {
  const event: LeafEvent = { type, actor: fields.actor };
  if (fields.address !== undefined) event.address = fields.address;
  if (fields.subject !== undefined) event.subject = fields.subject;
  if (fields.reason !== undefined) event.reason = fields.reason;
  if (fields.target !== undefined) event.target = fields.target;
  if (fields.retry_after_ms !== undefined) event.retry_after_ms = Math.round(fields.retry_after_ms);
  return event;
}
