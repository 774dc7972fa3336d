import type { RouteDef } from '../../../server/api/route';
import { type Identity, keepsSession } from './identities';
import { CSRF_FAULTS, ORIGIN_FAULTS, materialize, type Materialized, type RequestCase } from './requests';
import { bodyViews, check, decodeParams, matchRoute, parseQuery, type SchemaVerdict } from './server-view';

/**
 * Whether a fuzz request must be refused, and with which status when that is certain. Follows
 * the order of the server: express.json, routing (and param decoding), the access gate (CSRF and
 * Origin, session, second factor, role, re-authentication), then the route's zod schemas.
 */

export interface Verdict {
  /** Invalid by the schemas or the access rule: any answer but a 4xx is a finding. */
  mustFail: boolean;
  /** The status when the order of checks makes it certain. */
  expected?: number;
  /** Other statuses also right (e.g. a re-authentication refusal). */
  alsoOk?: number[];
  /** The first check that refuses it. */
  reason: string;
  /** The route's own zod schema throws on this input (rather than refusing it). */
  validatorThrows?: boolean;
  /** The route express will run, if any. */
  matched?: RouteDef;
  body?: Materialized;
}

/** Routes that read their own body; what they accept is not a JSON schema. */
const SELF_READ_BODY = new Set(['POST /api/v1/disposal/batches/:id/certificate/upload']);

const label = (r: RouteDef) => `${r.method.toUpperCase()} ${r.path}`;

export function judge(routes: readonly RouteDef[], c: RequestCase, id: Identity): Verdict {
  const body = c.body ? materialize(c.body) : undefined;
  const views = bodyViews(body ? { bytes: body.bytes, text: body.text, contentType: body.contentType, contentEncoding: body.contentEncoding, chunked: body.chunked } : undefined);
  const base = { ...(body ? { body } : {}) };
  if (views.every((v) => v.kind === 'error')) {
    const statuses = new Set(views.map((v) => (v.kind === 'error' ? v.status : undefined)));
    const only = statuses.size === 1 ? [...statuses][0] : undefined;
    return { ...base, mustFail: true, ...(only ? { expected: only } : {}), reason: 'body unreadable' };
  }
  const maybeUnreadable = views.some((v) => v.kind === 'error');
  const certain = (status: number) => (maybeUnreadable ? {} : { expected: status });
  const m = matchRoute(routes, c.method, c.path);
  // Outside /api the dashboard answers (index.html for any GET): not the API's business.
  if (!m && !/^\/api(?:[/?]|$)/i.test(c.path)) return { ...base, mustFail: false, reason: 'not an API path' };
  if (!m) return { ...base, mustFail: true, ...certain(404), reason: 'no route' };
  if ('decodeError' in m) return { ...base, mustFail: true, ...certain(400), reason: 'param not decodable' };
  const route = m.route;
  const withRoute = { ...base, matched: route };
  const params = decodeParams(m.rawParams)!;

  const session = keepsSession(id, c.auth);
  const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(c.method);
  if (unsafe && (ORIGIN_FAULTS.includes(c.auth) || (session && CSRF_FAULTS.includes(c.auth)))) return { ...withRoute, mustFail: true, ...certain(403), reason: 'csrf' };
  const access = route.access;
  let alsoOk: number[] | undefined;
  if (!('public' in access)) {
    if (!session) return { ...withRoute, mustFail: true, ...certain(401), reason: 'no session' };
    if (id.mfaPending && !access.mfaPending) return { ...withRoute, mustFail: true, ...certain(403), reason: 'second factor owed' };
    if (!access.roles.includes(id.role!)) return { ...withRoute, mustFail: true, ...certain(403), reason: 'role' };
    if (access.reauth) alsoOk = [403];
  }

  const verdicts: SchemaVerdict[] = [check(route.params, params, 'params'), check(route.query, parseQuery(c.path), 'query')];
  const selfRead = SELF_READ_BODY.has(label(route));
  const bodyVerdicts = views.flatMap((v): SchemaVerdict[] => (v.kind === 'value' ? [selfRead ? 'invalid' : check(route.body, v.value, 'body')] : []));
  const throws = [...verdicts, ...bodyVerdicts].includes('throws');
  const paramsOrQueryBad = verdicts.some((v) => v !== 'valid');
  const bodyBad = bodyVerdicts.every((v) => v !== 'valid');
  if (!paramsOrQueryBad && !bodyBad) return { ...withRoute, mustFail: false, reason: 'valid' };
  const reason = verdicts[0] !== 'valid' ? 'params' : verdicts[1] !== 'valid' ? 'query' : 'body';
  // The upload route answers 400 or 415 from its own reading of the body.
  const expected = selfRead && reason === 'body' ? {} : certain(400);
  return { ...withRoute, mustFail: true, ...expected, ...(alsoOk ? { alsoOk } : {}), reason, ...(throws ? { validatorThrows: true } : {}) };
}
