import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../server/api/route-table';
import type { RouteDef } from '../../server/api/route';
import { PROJECT_ROOT } from '../support/office';
import { startTestServer, type ServerFixture } from '../support/server';
import { signIn } from '../support/auth-client';
import { HttpDriver, rawExchange, type WireResponse } from './support/driver';
import { diffFingerprints, fingerprint, type Fingerprint } from './support/fingerprint';
import { anonymous, authHeaders, halfSignedIn, identityOf, keepsSession, type Identity } from './support/identities';
import { judge, type Verdict } from './support/oracle';
import { COOKIE_FAULTS, CSRF_FAULTS, NEUTRAL_AUTH, ORIGIN_FAULTS, requestsFor, shapeOf, type AuthFault, type RequestCase } from './support/requests';
import { propertyCount } from './support/schema-arbs';

/**
 * Issue 3, bad input: schema-driven fuzzing of every route with invalid bodies, parameters,
 * query strings and headers. Every request sent is invalid by the route's own zod schemas or by
 * its access rule (test/fuzz/support/oracle.ts decides, before sending), so each must get a 4xx
 * with a JSON `error` and stay small (64 kB at most: a refusal has no reason to grow with the
 * input), must write nothing (custody log size and every table's rows unchanged,
 * apart from the `user.access_denied` entries refusals of a signed-in caller are meant to
 * write, which are counted), and the server must stay up (/api/health after every batch).
 *
 * Phases: A as a signed-in admin who passes every access rule (so only the input is wrong:
 * nothing at all may be written); B the admin with spoilt credentials (CSRF token, Origin,
 * Sec-Fetch-Site, cookie); C the other roles and a half-signed-in session; D without a session;
 * E malformed HTTP on raw sockets (framing, lengths, header sizes).
 *
 * FUZZ_SEED=<n> reproduces a run (the seed is printed), FUZZ_REQUESTS sets the volume,
 * FUZZ_CONNECTIONS the kept-alive connections. Details of failures and the summary go to
 * test-output/fuzz/.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 0x5afe_2024);
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 40_000);
const CONNECTIONS = Number(process.env.FUZZ_CONNECTIONS ?? 16);
const OUTPUT_DIR = path.join(PROJECT_ROOT, 'test-output', 'fuzz');

const DENIAL_MESSAGES = new Set([
  'request refused: it did not come from this site (CSRF/Origin check)',
  'your role does not allow this',
  'confirm your password and code again for this action',
]);

/** The largest refusal the API should ever answer. */
const MAX_REFUSAL_BYTES = 64 * 1024;

const label = (r: RouteDef) => `${r.method.toUpperCase()} ${r.path}`;
const ALL_FAULTS: AuthFault[] = [...CSRF_FAULTS, ...ORIGIN_FAULTS, ...COOKIE_FAULTS];

/** A stable 31-bit seed per (phase, identity, route), derived from the run's seed. */
function seedFor(...parts: string[]): number {
  let h = (SEED ^ 0x811c9dc5) >>> 0;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h & 0x7fffffff;
}

/** Share of the volume: more for routes with more to get wrong. */
function weightOf(route: RouteDef): number {
  const s = shapeOf(route);
  return 1 + 0.5 * propertyCount(s.params) + 0.35 * propertyCount(s.query) + 0.35 * propertyCount(s.body) + (route.method === 'get' ? 0 : 0.3);
}

interface Planned {
  id: Identity;
  c: RequestCase;
  v: Verdict;
  index: number;
  seed: number;
}

interface Failure {
  phase: string;
  identity: string;
  route: string;
  seed: number;
  index: number;
  problems: string[];
  request: { method: string; path: string; headers: Record<string, string | string[]>; body?: string; bodyBytes?: number; contentEncoding?: string; chunked?: boolean };
  verdict: { reason: string; expected?: number; matched?: string };
  status?: number;
  response?: string;
}

class Tally {
  requests = 0;
  readonly statuses = new Map<string, number>();
  add(status: string | number): void {
    this.requests++;
    const key = String(status);
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }
  merge(other: Tally): void {
    this.requests += other.requests;
    for (const [k, n] of other.statuses) this.statuses.set(k, (this.statuses.get(k) ?? 0) + n);
  }
  histogram(): string {
    return [...this.statuses]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}:${n}`)
      .join(' ');
  }
}

const isApiPath = (p: string) => /^\/api(?:[/?]|$)/i.test(p);

function errorOf(res: WireResponse): string | null {
  try {
    const body = JSON.parse(res.body) as { error?: unknown };
    return typeof body.error === 'string' && body.error.length > 0 ? body.error : null;
  } catch {
    return null;
  }
}

function problemsOf(res: WireResponse, p: Planned): string[] {
  const out: string[] = [];
  if (res.status >= 500) out.push(`server error ${res.status}`);
  else if (res.status < 400) out.push(`invalid request accepted with ${res.status}`);
  // 431 comes from node's HTTP parser (headers over 16 kB), before express: no JSON there.
  else if (res.status !== 431) {
    const { v } = p;
    if (v.expected !== undefined && res.status !== v.expected && !v.alsoOk?.includes(res.status)) out.push(`expected ${v.expected} (${v.reason}), got ${res.status}`);
    // A refusal names what is wrong; it has no reason to be bigger than this, whatever was sent.
    if (res.bytes > MAX_REFUSAL_BYTES) out.push(`refusal of ${res.bytes} bytes answered to a ${p.v.body?.bytes.length ?? 0}-byte body`);
    else if (isApiPath(p.c.path)) {
      if (!/^application\/json/.test(String(res.headers['content-type']))) out.push(`answer is ${String(res.headers['content-type'])}, not JSON`);
      else if (errorOf(res) === null) out.push('JSON answer without an `error` string');
    }
  }
  if (p.v.validatorThrows) out.push("the route's zod schema throws on this input instead of refusing it");
  return out;
}

describe('fuzzing every route with invalid input (issue 3)', () => {
  let f: ServerFixture;
  let driver: HttpDriver;
  const failures: Failure[] = [];
  const perRoute = new Map<string, Tally>();
  const perPhase = new Map<string, Tally>();
  const perFocus = new Map<string, Tally>();
  const totals = new Tally();
  const notes: string[] = [];
  let skippedValid = 0;
  /** The largest refusal answered, against the request that caused it: error messages echo the fields at fault. */
  let largest = { bytes: 0, sent: 0, route: '', focus: '' };
  let denialsSeen = 0;
  let fuzzMs = 0;
  let planMs = 0;
  let checkMs = 0;
  const memory: { phase: string; rssMb: number; heapMb: number }[] = [];
  let peakRssMb = 0;
  const started = performance.now();

  const mark = (phase: string) => {
    const m = process.memoryUsage();
    memory.push({ phase, rssMb: Math.round(m.rss / 2 ** 20), heapMb: Math.round(m.heapUsed / 2 ** 20) });
  };

  const tally = (map: Map<string, Tally>, key: string) => {
    if (!map.has(key)) map.set(key, new Tally());
    return map.get(key)!;
  };

  /** Invalid requests for one route as one identity: generated with the seed, kept only if the oracle says they must fail. */
  function plan(phase: string, id: Identity, route: RouteDef, count: number, auth: fc.Arbitrary<AuthFault>): Planned[] {
    if (count <= 0) return [];
    const t0 = performance.now();
    const seed = seedFor(phase, id.name, label(route));
    const arb = requestsFor(route, auth);
    const out: Planned[] = [];
    let index = 0;
    for (let attempt = 0; out.length < count && attempt < 8; attempt++) {
      for (const c of fc.sample(arb, { seed: seed + attempt, numRuns: Math.max(40, Math.ceil((count - out.length) * 1.6)) })) {
        const v = judge(ROUTES, c, id);
        if (v.mustFail) out.push({ id, c, v, index, seed: seed + attempt });
        else skippedValid++;
        index++;
        if (out.length >= count) break;
      }
    }
    planMs += performance.now() - t0;
    return out;
  }

  function describeRequest(p: Planned, headers: Record<string, string | string[]>): Failure['request'] {
    const shown = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…(${v.length} chars)` : v]));
    const body = p.v.body;
    return {
      method: p.c.method,
      path: p.c.path.length > 2000 ? `${p.c.path.slice(0, 2000)}…(${p.c.path.length} chars)` : p.c.path,
      headers: shown,
      ...(body
        ? {
            body: body.text.length > 2000 ? `${body.text.slice(0, 2000)}…` : body.text,
            bodyBytes: body.bytes.length,
            ...(body.contentEncoding ? { contentEncoding: body.contentEncoding } : {}),
            ...(body.chunked ? { chunked: true } : {}),
          }
        : {}),
    };
  }

  /** Sends planned requests for one route; answers the number of logged refusals it caused. */
  async function send(phase: string, route: RouteDef, planned: Planned[]): Promise<number> {
    let denials = 0;
    const t0 = performance.now();
    await driver.pool(planned, async (p) => {
      const body = p.v.body;
      const headers: Record<string, string | string[]> = {
        ...authHeaders(p.id, p.c.auth),
        ...(body?.contentType !== undefined ? { 'content-type': body.contentType } : {}),
        ...(body?.contentEncoding !== undefined ? { 'content-encoding': body.contentEncoding } : {}),
        ...p.c.headers,
      };
      const request = { method: p.c.method, path: p.c.path, headers, ...(p.v.body ? { body: p.v.body.bytes, chunked: p.v.body.chunked } : {}) };
      let res: WireResponse;
      try {
        res = await driver.send(request);
      } catch (err) {
        failures.push({ phase, identity: p.id.name, route: label(route), seed: p.seed, index: p.index, problems: [`no answer: ${String(err)}`], request: describeRequest(p, headers), verdict: { reason: p.v.reason } });
        for (const t of [totals, tally(perRoute, label(route)), tally(perPhase, phase), tally(perFocus, p.c.focus)]) t.add('no-answer');
        return;
      }
      for (const t of [totals, tally(perRoute, label(route)), tally(perPhase, phase), tally(perFocus, p.c.focus)]) t.add(res.status);
      if (res.bytes > largest.bytes) largest = { bytes: res.bytes, sent: p.v.body?.bytes.length ?? 0, route: label(route), focus: p.c.focus };
      if (keepsSession(p.id, p.c.auth) && res.status === 403 && DENIAL_MESSAGES.has(errorOf(res) ?? '')) denials++;
      const problems = problemsOf(res, p);
      if (problems.length) {
        failures.push({
          phase,
          identity: p.id.name,
          route: label(route),
          seed: p.seed,
          index: p.index,
          problems,
          request: describeRequest(p, headers),
          verdict: { reason: p.v.reason, ...(p.v.expected ? { expected: p.v.expected } : {}), ...(p.v.matched ? { matched: label(p.v.matched) } : {}) },
          status: res.status,
          response: res.body.slice(0, 500),
        });
      }
    });
    fuzzMs += performance.now() - t0;
    return denials;
  }

  async function signedIn(id: Identity): Promise<boolean> {
    const res = await driver.send({ method: 'GET', path: '/api/v1/auth/session', headers: authHeaders(id, 'none') });
    return res.status === 200 && (JSON.parse(res.body) as { signed_in: boolean }).signed_in;
  }

  async function healthy(): Promise<boolean> {
    const res = await driver.send({ method: 'GET', path: '/api/health', headers: {} });
    return res.status === 200 && (JSON.parse(res.body) as { status: string }).status === 'ok';
  }

  /**
   * One batch per route: send, then check the server still answers and what changed. Only
   * refusals of a signed-in caller (403 CSRF / role / re-authentication) may add log entries, one
   * each; nothing else may change.
   */
  async function runPhase(phase: string, batches: { route: RouteDef; plan: () => Planned[] }[]): Promise<string[]> {
    const problems: string[] = [];
    let before: Fingerprint = await fingerprint(f.server);
    for (const batch of batches) {
      // Planned just before it is sent: bodies of up to 600 kB are not all kept at once.
      const { route } = batch;
      const planned = batch.plan();
      if (planned.length === 0) continue;
      const denials = await send(phase, route, planned);
      denialsSeen += denials;
      peakRssMb = Math.max(peakRssMb, Math.round(process.memoryUsage().rss / 2 ** 20));
      const t0 = performance.now();
      if (!(await healthy())) problems.push(`${phase} ${label(route)}: /api/health not ok after the batch`);
      // A session ended by the batch (a sign-out that got through) would skew everything after it.
      for (const id of new Set(planned.map((p) => p.id))) {
        if (id.token !== undefined && !(await signedIn(id))) problems.push(`${phase} ${label(route)}: the ${id.name} session no longer works after the batch`);
      }
      const after = await fingerprint(f.server);
      const changed = diffFingerprints(before, after, ['log', 'log_entries']);
      const grew = after.logSize - before.logSize;
      const rows = (after.counts.log_entries ?? 0) - (before.counts.log_entries ?? 0);
      if (changed.length) problems.push(`${phase} ${label(route)}: wrote ${changed.join(', ')}`);
      if (grew !== denials || rows !== denials) problems.push(`${phase} ${label(route)}: custody log grew by ${grew} (${rows} rows) for ${denials} logged refusals`);
      before = after;
      checkMs += performance.now() - t0;
    }
    mark(phase);
    return problems;
  }

  /** Requests per route for a phase, in proportion to what each route has to get wrong. */
  function allocate(routes: readonly RouteDef[], total: number): Map<RouteDef, number> {
    const sum = routes.reduce((n, r) => n + weightOf(r), 0);
    return new Map(routes.map((r) => [r, Math.max(20, Math.round((total * weightOf(r)) / sum))]));
  }

  beforeAll(async () => {
    f = await startTestServer({ checkpointIntervalMs: 3_600_000 });
    driver = new HttpDriver(f.url, CONNECTIONS, 20_000, 1024 * 1024);
    mark('start');
    console.log(`[fuzz] seed ${SEED} (FUZZ_SEED to reproduce), target ${TOTAL} requests, ${CONNECTIONS} connections, ${ROUTES.length} routes`);
  }, 120_000);

  afterAll(async () => {
    driver?.close();
    await f?.close();
    if (totals.requests === 0) return;
    const seconds = (performance.now() - started) / 1000;
    const lines: string[] = [];
    const width = Math.max(...ROUTES.map((r) => label(r).length));
    lines.push(`${'route'.padEnd(width)}  ${'requests'.padStart(8)}  statuses`);
    for (const r of ROUTES) {
      const t = perRoute.get(label(r));
      lines.push(`${label(r).padEnd(width)}  ${String(t?.requests ?? 0).padStart(8)}  ${t?.histogram() ?? ''}`);
    }
    lines.push('');
    for (const [phase, t] of perPhase) lines.push(`phase ${phase}: ${t.requests} requests  ${t.histogram()}`);
    lines.push('');
    for (const [focus, t] of [...perFocus].sort(([a], [b]) => a.localeCompare(b))) lines.push(`aimed at ${focus}: ${t.requests}  ${t.histogram()}`);
    lines.push('');
    lines.push(`TOTAL ${totals.requests} requests  ${totals.histogram()}`);
    lines.push(`generated but valid (not sent): ${skippedValid}; logged refusals (user.access_denied) counted: ${denialsSeen}`);
    lines.push(
      `sending ${(fuzzMs / 1000).toFixed(1)} s (${Math.round(totals.requests / (fuzzMs / 1000))} requests/s), generating and judging ${(planMs / 1000).toFixed(1)} s, checks between batches ${(checkMs / 1000).toFixed(1)} s; whole suite ${seconds.toFixed(1)} s (${Math.round(totals.requests / seconds)} requests/s overall)`,
    );
    lines.push(`largest refusal: ${largest.bytes} bytes answered to a ${largest.sent}-byte body (${largest.route}, ${largest.focus})`);
    lines.push(`memory of the test process, server included (rss/heap MB): ${memory.map((m) => `${m.phase} ${m.rssMb}/${m.heapMb}`).join(', ')}; peak rss after a batch ${peakRssMb}`);
    for (const n of notes) lines.push(n);
    lines.push(`failures: ${failures.length}`);
    console.log(`[fuzz] seed ${SEED}\n${lines.join('\n')}`);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(path.join(OUTPUT_DIR, 'routes-summary.txt'), `seed ${SEED}\n${lines.join('\n')}\n`);
    writeFileSync(path.join(OUTPUT_DIR, 'routes-failures.json'), JSON.stringify(failures, null, 2));
  });

  const report = (phase: string) => {
    const mine = failures.filter((x) => x.phase === phase);
    const shown = mine.slice(0, 12).map((x) => `${x.route} as ${x.identity} [seed ${x.seed} #${x.index}] ${x.problems.join('; ')} — ${JSON.stringify(x.request).slice(0, 600)} → ${x.status ?? ''} ${x.response ?? ''}`);
    return { count: mine.length, shown };
  };

  it('A: as an admin who passes every access rule, invalid params, query and bodies get a 4xx and write nothing', async () => {
    // Signed in now, so the re-authentication window (5 minutes) covers the routes that need it; those go first.
    const admin = identityOf(await signIn(f.server, 'admin', 'fuzz-admin'), (await f.as('staff')).csrf, 'admin');
    const routes = [...ROUTES].sort((a, b) => Number('reauth' in a.access && !!a.access.reauth) - Number('reauth' in b.access && !!b.access.reauth)).reverse();
    const notAdmin = routes.filter((r) => !('public' in r.access) && !r.access.roles.includes('admin'));
    if (notAdmin.length) notes.push(`routes admins may not call (fuzzed in phase C only): ${notAdmin.map(label).join(', ')}`);
    const counts = allocate(routes, TOTAL * 0.55);
    // Credentials as a browser or a script sends them, sometimes in an odd but valid shape.
    const neutral = fc.oneof({ weight: 8, arbitrary: fc.constant<AuthFault>('none') }, { weight: 2, arbitrary: fc.constantFrom(...NEUTRAL_AUTH) });
    const batches = routes.filter((r) => !notAdmin.includes(r)).map((route) => ({ route, plan: () => plan('A', admin, route, counts.get(route)!, neutral) }));
    const problems = await runPhase('A', batches);
    const { count, shown } = report('A');
    expect({ problems, failures: count, first: shown }).toEqual({ problems: [], failures: 0, first: [] });
  }, 900_000);

  it('B: the admin with a spoilt CSRF token, Origin, Sec-Fetch-Site or cookie is refused; only refusals are logged', async () => {
    const admin = identityOf(await f.as('admin'), (await f.as('staff')).csrf, 'admin');
    const counts = allocate(ROUTES, TOTAL * 0.12);
    const batches = ROUTES.map((route) => ({ route, plan: () => plan('B', admin, route, counts.get(route)!, fc.constantFrom(...ALL_FAULTS)) }));
    const problems = await runPhase('B', batches);
    const { count, shown } = report('B');
    expect({ problems, failures: count, first: shown }).toEqual({ problems: [], failures: 0, first: [] });
  }, 900_000);

  it('C: other roles and a half-signed-in session get 4xx for invalid input and 403 where their role is refused', async () => {
    const staff = await f.as('staff');
    const ids: Identity[] = [];
    for (const role of ['reception', 'staff', 'manager', 'kiosk'] as const) ids.push(identityOf(await f.as(role), (await f.as('admin')).csrf, role));
    ids.push(await halfSignedIn(f.server, staff.csrf));
    const counts = allocate(ROUTES, (TOTAL * 0.22) / ids.length);
    const auth = fc.oneof({ weight: 17, arbitrary: fc.constant<AuthFault>('none') }, { weight: 3, arbitrary: fc.constantFrom(...ALL_FAULTS) });
    const batches = ROUTES.map((route) => ({ route, plan: () => ids.flatMap((id) => plan('C', id, route, counts.get(route)!, auth)) }));
    const problems = await runPhase('C', batches);
    const { count, shown } = report('C');
    expect({ problems, failures: count, first: shown }).toEqual({ problems: [], failures: 0, first: [] });
  }, 900_000);

  it('D: without a session, every route refuses invalid input with a 4xx and nothing is written', async () => {
    const id = anonymous(new URL(f.url).origin, (await f.as('staff')).csrf);
    const counts = allocate(ROUTES, TOTAL * 0.11);
    const auth = fc.oneof(
      { weight: 3, arbitrary: fc.constant<AuthFault>('none') },
      { weight: 1, arbitrary: fc.constantFrom<AuthFault>(...ORIGIN_FAULTS, 'cookie-garbage', 'cookie-tampered', 'cookie-huge-garbage', 'cookie-empty') },
    );
    const batches = ROUTES.map((route) => ({ route, plan: () => plan('D', id, route, counts.get(route)!, auth) }));
    const problems = await runPhase('D', batches);
    const { count, shown } = report('D');
    expect({ problems, failures: count, first: shown }).toEqual({ problems: [], failures: 0, first: [] });
  }, 900_000);

  it('E: malformed HTTP (framing, lengths, header sizes, methods) gets 4xx or a closed connection, and the server stays up', async () => {
    const admin = await f.as('admin');
    const before = await fingerprint(f.server);
    const auth = `Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\nOrigin: ${admin.origin}\r\n`;
    const H = 'Host: 127.0.0.1\r\n';
    const J = 'Content-Type: application/json\r\n';
    const post = (p: string, extra: string, body: string) => `POST ${p} HTTP/1.1\r\n${H}${auth}${J}${extra}\r\n${body}`;
    const people = '/api/v1/people';
    const cases: [string, (string | Buffer)[], { waitMs?: number; endWrite?: boolean; gapMs?: number }?][] = [
      ['body without Content-Length or chunking', [post(people, '', '{"name":1}')]],
      ['Content-Length longer than the body, then half-close', [post(people, 'Content-Length: 100\r\n', '{"name":1}')], { endWrite: true }],
      ['Content-Length longer than the body, left hanging', [post(people, 'Content-Length: 100\r\n', '{"name":1}')], { waitMs: 800 }],
      ['Content-Length shorter than the body', [post(people, 'Content-Length: 5\r\n', '{"name":1}')]],
      ['Content-Length and chunked together', [post(people, 'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n')]],
      ['two different Content-Lengths', [post(people, 'Content-Length: 2\r\nContent-Length: 3\r\n', '{}x')]],
      ['negative Content-Length', [post(people, 'Content-Length: -1\r\n', '{}')]],
      ['Content-Length 1e3', [post(people, 'Content-Length: 1e3\r\n', '{}')]],
      ['Content-Length far over the limit, body never sent', [post(people, 'Content-Length: 99999999999\r\n', '{')], { endWrite: true }],
      ['bad chunk size', [post(people, 'Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n')]],
      ['chunk longer than declared', [post(people, 'Transfer-Encoding: chunked\r\n', '2\r\n{"name":1}\r\n0\r\n\r\n')]],
      ['chunked body cut short, then half-close', [post(people, 'Transfer-Encoding: chunked\r\n', 'a\r\n{"name":1')], { endWrite: true }],
      ['chunked with a junk trailer', [post(people, 'Transfer-Encoding: chunked\r\n', '2\r\n[]\r\n0\r\nX-Trailer: a\u0000b\r\n\r\n')]],
      ['chunk extension of 5000 bytes', [post(people, 'Transfer-Encoding: chunked\r\n', `2;ext=${'e'.repeat(5000)}\r\n[]\r\n0\r\n\r\n`)]],
      ['chunked, identity', [post(people, 'Transfer-Encoding: chunked, identity\r\n', '2\r\n[]\r\n0\r\n\r\n')]],
      ['Transfer-Encoding gzip, chunked with junk', [post(people, 'Transfer-Encoding: gzip, chunked\r\n', '4\r\njunk\r\n0\r\n\r\n')]],
      ['unknown Transfer-Encoding', [post(people, 'Transfer-Encoding: bogus\r\n', '[]')]],
      ['NUL in a header value', [post(people, 'X-A: a\u0000b\r\nContent-Length: 2\r\n', '[]')]],
      ['CR in a header value', [post(people, 'X-A: a\rb\r\nContent-Length: 2\r\n', '[]')]],
      ['space before the colon', [post(people, 'Content-Length : 2\r\n', '[]')]],
      ['obsolete line folding', [post(people, 'X-A: a\r\n b\r\nContent-Length: 2\r\n', '[]')]],
      ['bare LF line endings', [`POST ${people} HTTP/1.1\n${H.replace('\r', '')}${auth.replaceAll('\r', '')}${J.replace('\r', '')}Content-Length: 2\n\n[]`]],
      ['header section over 16 kB', [`GET /api/v1/records/x HTTP/1.1\r\n${H}${auth}X-Big: ${'b'.repeat(20_000)}\r\n\r\n`]],
      ['request line over 16 kB', [`GET /api/v1/records/${'A'.repeat(20_000)} HTTP/1.1\r\n${H}${auth}\r\n`]],
      ['3000 headers', [`GET /api/v1/records/x HTTP/1.1\r\n${H}${auth}${'X-N: n\r\n'.repeat(3000)}\r\n`]],
      ['unknown method', [`FOO ${people} HTTP/1.1\r\n${H}${auth}\r\n`]],
      ['WebDAV method', [`PROPFIND ${people} HTTP/1.1\r\n${H}${auth}\r\n`]],
      ['HTTP/9.9', [`GET /api/v1/records/x HTTP/9.9\r\n${H}${auth}\r\n`]],
      ['HTTP/1.1 without Host', [`GET /api/v1/records/x HTTP/1.1\r\n${auth}\r\n`]],
      ['two Host headers', [`GET /api/v1/records/x HTTP/1.1\r\n${H}Host: evil.example\r\n${auth}\r\n`]],
      ['HTTP/1.0 with an invalid param', [`GET /api/v1/records/x HTTP/1.0\r\n${auth}\r\n`]],
      ['absolute-form to another host', [`POST http://evil.example${people} HTTP/1.1\r\n${H}${auth}${J}Content-Length: 2\r\n\r\n[]`]],
      ['asterisk-form', [`OPTIONS * HTTP/1.1\r\n${H}\r\n`]],
      ['CONNECT', [`CONNECT evil.example:443 HTTP/1.1\r\n${H}\r\n`]],
      ['websocket upgrade on an API path', [`GET /api/v1/records HTTP/1.1\r\n${H}${auth}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`]],
      ['h2c upgrade', [`GET /api/v1/records/x HTTP/1.1\r\n${H}${auth}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n`]],
      ['HTTP/2 preface', ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n']],
      ['TLS hello on the plain port', [Buffer.from('160301002e0100002a0303' + '00'.repeat(40), 'hex')]],
      ['Expect: 100-continue, body never sent, half-close', [post(people, 'Expect: 100-continue\r\nContent-Length: 1000000\r\n', '')], { endWrite: true }],
      ['unknown Expect', [post(people, 'Expect: 200-ok\r\nContent-Length: 2\r\n', '[]')]],
      ['NUL in the path', [`GET /api/v1/records/\u0000 HTTP/1.1\r\n${H}${auth}\r\n`]],
      ['raw non-ASCII byte in the path', [Buffer.concat([Buffer.from('GET /api/v1/records/'), Buffer.from([0xe9, 0xff]), Buffer.from(` HTTP/1.1\r\n${H}${auth}\r\n`)])]],
      ['space in the path', [`GET /api/v1/records/a b HTTP/1.1\r\n${H}${auth}\r\n`]],
      ['fragment in the path', [`GET /api/v1/records/x#frag HTTP/1.1\r\n${H}${auth}\r\n`]],
      ['slow body, byte by byte', [post(people, 'Content-Length: 10\r\n', ''), ...'{"name":1}'.split('')], { gapMs: 50, waitMs: 3000 }],
      ['200 pipelined invalid requests', [Array.from({ length: 200 }, (_, i) => post(people, 'Content-Length: 10\r\n', `{"name":${i % 10}}`)).join('')], { waitMs: 5000 }],
    ];
    const raw = new Tally();
    const problems: string[] = [];
    const runs = cases.flatMap((c) => [c, c, c]);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        while (next < runs.length) {
          const [name, chunks, options] = runs[next++]!;
          const r = await rawExchange(f.url, chunks, options ?? { waitMs: 1000 });
          const finals = r.statuses.filter((s) => s >= 200);
          if (finals.length === 0) raw.add('closed/none');
          for (const s of finals) raw.add(s);
          for (const s of finals) if (s < 400 || s >= 500) problems.push(`${name}: ${s} — ${JSON.stringify(r.text.slice(0, 300))}`);
          const t = tally(perRoute, `raw: ${name}`);
          if (finals.length === 0) t.add('closed/none');
          for (const s of finals) t.add(s);
        }
      }),
    );
    fuzzMs += performance.now() - t0;
    totals.merge(raw);
    perPhase.set('E', raw);
    notes.push(`phase E (raw sockets): ${runs.length} connections, ${raw.requests} answers/closures  ${raw.histogram()}`);
    for (const [name] of cases) notes.push(`  raw ${name}: ${perRoute.get(`raw: ${name}`)?.histogram() ?? ''}`);
    expect(await healthy()).toBe(true);
    const changed = diffFingerprints(before, await fingerprint(f.server));
    mark('E');
    expect({ problems: [...new Set(problems)], changed }).toEqual({ problems: [], changed: [] });
  }, 300_000);

  it('the server is up at the end, its writer accepting, and memory did not run away', async () => {
    expect(await healthy()).toBe(true);
    expect(f.server.services.writer.haltedSince).toBeFalsy();
    const start = memory[0]!;
    const peak = Math.max(peakRssMb, ...memory.map((m) => m.rssMb));
    expect(peak - start.rssMb, `rss grew from ${start.rssMb} MB to ${peak} MB`).toBeLessThan(1024);
    expect(totals.requests).toBeGreaterThan(TOTAL * 0.8);
  });
});
