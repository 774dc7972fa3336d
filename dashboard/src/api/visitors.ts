/**
 * The visitors API as the kiosk and the visitors page expect it. It is being built on the server
 * (/api/v1/visitors); until it is, every call answers `VisitorsUnavailable` (the server says 404)
 * and the pages say so plainly instead of failing.
 *
 * Expected endpoints (see dashboard/README.md for the contract):
 *   GET  /api/v1/visitors/nda                → NdaVersion (the current NDA text)
 *   POST /api/v1/visitors/pre-registrations  PreRegistration → { token }
 *   POST /api/v1/visitors/sign-in            SignInRequest → SignInResult
 *   POST /api/v1/visitors/sign-out           { token } → SignOutResult
 *   GET  /api/v1/visitors/on-site            → { visitors: OnSiteVisitor[] }
 */
import { ApiError, apiJson } from './client';

export interface NdaVersion {
  /** Recorded with each sign-in, so what the visitor accepted can be shown later. */
  version: string;
  title: string;
  /** Plain text, paragraphs separated by blank lines. */
  text: string;
}

export interface PreRegistration {
  name: string;
  company?: string;
  email?: string;
  /** Whom the visitor comes to see (a person id). */
  host: string;
  /** RFC 3339. */
  expected_at: string;
}

export interface WalkInFields {
  name: string;
  company?: string;
  /** Whom they are visiting, as typed or chosen at the kiosk. */
  visiting: string;
  purpose?: string;
}

/** Pre-registered visitors bring their QR code (the token); walk-ins type their details. */
export type SignInRequest = ({ token: string } | { walk_in: WalkInFields }) & { nda_version: string };

export interface VisitorBadge {
  /** Printed as a QR code on the badge; scanning it at the kiosk signs the visitor out. */
  token: string;
  name: string;
  company?: string;
  visiting: string;
  /** RFC 3339. */
  signed_in_at: string;
  valid_until?: string;
}

export interface SignInResult {
  visit_id: string;
  badge: VisitorBadge;
}

export interface SignOutResult {
  visit_id: string;
  name: string;
  signed_out_at: string;
}

export interface OnSiteVisitor {
  visit_id: string;
  name: string;
  company?: string;
  visiting: string;
  signed_in_at: string;
}

/** The server has no visitors API yet (404), or not at this path. */
export class VisitorsUnavailable extends Error {
  constructor() {
    super('Visitor sign-in is not available on this server yet.');
    this.name = 'VisitorsUnavailable';
  }
}

async function call<T>(path: string, init: Parameters<typeof apiJson>[1] = {}): Promise<T> {
  try {
    return await apiJson<T>(`/api/v1/visitors${path}`, init);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 501)) throw new VisitorsUnavailable();
    throw err;
  }
}

export const visitorsApi = {
  currentNda: (signal?: AbortSignal) => call<NdaVersion>('/nda', { signal }),
  preRegister: (input: PreRegistration) => call<{ token: string }>('/pre-registrations', { method: 'POST', body: input }),
  signIn: (input: SignInRequest) => call<SignInResult>('/sign-in', { method: 'POST', body: input }),
  signOut: (input: { token: string }) => call<SignOutResult>('/sign-out', { method: 'POST', body: input }),
  onSite: (signal?: AbortSignal) => call<{ visitors: OnSiteVisitor[] }>('/on-site', { signal }),
};

export type VisitorsApi = typeof visitorsApi;
