import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../db/models';
import type { Services } from '../services';
import type { Principal } from './principal';

/** People's roles, plus the reception kiosk's own account. Vendors have no sign-in, so no route admits them in practice. */
export type AccessRole = Role | 'kiosk';

/**
 * Who may call a route. Deny by default: every route must say. `reauth` asks for the password
 * (and second factor) again within the last minutes; `mfaPending` lets a half-signed-in session
 * (password right, second factor owed) through, which only the sign-in routes allow.
 */
export type Access = { public: true } | { roles: readonly AccessRole[]; reauth?: boolean; mfaPending?: boolean };

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
  /** Who is calling; null only on public routes. */
  principal: Principal | null;
  /** The pseudonym custody-log entries name for the caller ('anonymous' on public routes). */
  actor: string;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. /api/v1/records/:barcode */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Documented response body for 200/201. */
  response?: z.ZodType;
  status?: 200 | 201;
  /** Answers with JSON unless the handler has already sent the response (downloads). */
  handler(services: Services, input: RouteInput<P, Q, B>): Promise<unknown>;
}

/** Keeps the generic parameters of one route while the table holds many. */
export function defineRoute<P, Q, B>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

/** An error with an HTTP status and, for 400s, the fields at fault. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: { field: string; message: string }[],
  ) {
    super(message);
  }
}
