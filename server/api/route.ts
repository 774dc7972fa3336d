import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../db/models';
import type { Services } from '../services';

/**
 * Who may call a route. Deny by default: every route must say. 'local' routes are open only while
 * the server listens on loopback, until authentication exists.
 */
export type Access = { public: true } | { roles: readonly Role[] };

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
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
