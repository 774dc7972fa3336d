/**
 * The visitors API (server/api/routes/visitors.ts) as the kiosk and the visitors pages use it.
 * Refusals come back as VisitorRefused with the server's reason and its message, written for the
 * visitor; a sign-in that needs the confidentiality agreement first throws NdaRequired with the
 * text to show. A server without the visitor module (404 "no route", 503) throws
 * VisitorsUnavailable, and the pages say so plainly.
 */
import { ApiError, apiJson, apiUrl, type RequestOptions } from './client';
import type { PersonJson, VisitorLabel } from './types';
import type { VisitSummary } from '../../../server/visitors/visitor-service';
import type { RollCall } from '../../../server/visitors/roll-call';
import type { HostChoice } from '../../../server/visitors/host-directory';

export type { VisitSummary, RollCall, VisitorLabel, HostChoice };

/** GET /api/v1/visitors/nda, and the `nda` of a 409 nda_required refusal. */
export interface NdaText {
  version: number;
  sha256: string;
  text: string;
  effective_at?: string;
}

/** A visitor's own details (they are stored encrypted, and erased after the retention period). */
export interface VisitorPerson {
  name: string;
  email?: string;
  phone?: string;
}

export interface WalkIn {
  person: VisitorPerson;
  company?: string;
}

/** Pre-registered visitors bring their token; walk-ins give their details and whom they visit. */
export type SignInWho = { token: string } | { visitor: WalkIn; host_person_id: string; purpose?: string };

export interface SignInResult {
  visit_id: string;
  pseudonym: string;
  escort_required: boolean;
  nda_version: number | null;
  badge: { kind: 'label'; label: VisitorLabel } | { kind: 'card'; card_id: string };
}

export interface PreregistrationInput {
  visitor: WalkIn;
  host_person_id: string;
  expected_at: string;
  company?: string;
  purpose?: string;
  escort_required?: boolean;
}

export interface Preregistered {
  visit_id: string;
  visitor_id: string;
  pseudonym: string;
  /** Shown once: the QR code the visitor brings. */
  token: string;
  token_expires_at: string;
}

/** The server has no visitor module, or not this endpoint. */
export class VisitorsUnavailable extends Error {
  constructor(what = 'Visitor sign-in') {
    super(`${what} is not available on this server yet.`);
    this.name = 'VisitorsUnavailable';
  }
}

/** The visitor service said no; `message` is written for the visitor. */
export class VisitorRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'VisitorRefused';
  }
}

/** Sign-in needs the (current) confidentiality agreement accepted first. */
export class NdaRequired extends Error {
  constructor(
    readonly nda: NdaText,
    readonly outdated: boolean,
  ) {
    super(outdated ? 'The confidentiality agreement has changed' : 'Please read and accept the confidentiality agreement');
    this.name = 'NdaRequired';
  }
}

function translate(err: unknown, what?: string): never {
  if (err instanceof ApiError) {
    const reason = typeof err.body.reason === 'string' ? err.body.reason : undefined;
    if ((reason === 'nda_required' || reason === 'nda_outdated') && typeof err.body.nda === 'object' && err.body.nda !== null) {
      throw new NdaRequired(err.body.nda as NdaText, reason === 'nda_outdated');
    }
    if (reason) throw new VisitorRefused(err.status, reason, err.message);
    // A 404 without a reason is the router's "no route": the endpoint does not exist here.
    if (err.status === 404 || err.status === 503 || err.status === 501) throw new VisitorsUnavailable(what);
  }
  throw err;
}

async function call<T>(path: string, init: RequestOptions = {}, what?: string): Promise<T> {
  try {
    return await apiJson<T>(`/api/v1/visitors${path}`, init);
  } catch (err) {
    return translate(err, what);
  }
}

export const visitorsApi = {
  /** The agreement in force; null when none is set (the server answers 404 with a message). */
  currentNda: async (signal?: AbortSignal): Promise<NdaText | null> => {
    try {
      return await apiJson<NdaText>('/api/v1/visitors/nda', { signal });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && /agreement/.test(err.message)) return null;
      return translate(err);
    }
  },
  signIn: (who: SignInWho, nda?: { version: number; sha256: string; typed_name: string }) =>
    call<SignInResult>('/sign-in', { method: 'POST', body: { ...who, ...(nda ? { nda } : {}), badge: { kind: 'label' } } }),
  /** The visitor scans their own badge's QR code (kiosk and reception accounts). */
  signOutByToken: (token: string) => call<{ visit_id: string; signed_out_at: string; first_name?: string }>('/sign-out', { method: 'POST', body: { token } }, 'Signing out at the kiosk'),
  signOutVisit: (visitId: string) => call<{ visit_id: string; signed_out_at: string }>(`/visits/${encodeURIComponent(visitId)}/sign-out`, { method: 'POST', body: { card_returned: true } }),
  visits: (status: 'expected' | 'on_site' | 'signed_out' | 'cancelled' | undefined, signal?: AbortSignal) =>
    call<{ visits: VisitSummary[] }>('/visits', { query: { status, limit: 200 }, signal }),
  preregister: (input: PreregistrationInput) => call<Preregistered>('/preregistrations', { method: 'POST', body: input }),
  rollCall: (signal?: AbortSignal) => call<RollCall>('/roll-call', { signal }, 'The roll call'),
  rollCallCsvUrl: () => apiUrl('/api/v1/visitors/roll-call', { format: 'csv' }),
};

/** Hosts a visitor can come to see: current staff (GET /api/v1/people, managers and admins). */
export async function hostDirectory(signal?: AbortSignal): Promise<PersonJson[] | null> {
  try {
    const { people } = await apiJson<{ people: PersonJson[] }>('/api/v1/people', { signal });
    return people.filter((p) => p.active && p.role !== 'vendor');
  } catch (err) {
    if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return null;
    throw err;
  }
}

/** The accounts that read the lobby's short list of hosts; others would only be refused (and logged). */
const LOBBY_ROLES: readonly string[] = ['kiosk', 'reception'];

/**
 * Whom a visitor can come to see, as the signed-in role may read it: the kiosk and reception get
 * the lobby's list (id and name only), managers the staff directory. null: the role reads neither.
 */
export async function hostChoices(role: string | undefined, signal?: AbortSignal): Promise<HostChoice[] | null> {
  if (role && LOBBY_ROLES.includes(role)) {
    try {
      return (await apiJson<{ hosts: HostChoice[] }>('/api/v1/visitors/hosts', { signal })).hosts;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return null;
      throw err;
    }
  }
  const people = await hostDirectory(signal);
  return people ? people.map((p) => ({ id: p.id, name: p.name })).sort((a, b) => a.name.localeCompare(b.name)) : null;
}
