import querystring from 'node:querystring';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { z } from 'zod';
import type { RouteDef } from '../../../server/api/route';

/**
 * What the server will make of a request, worked out on the test's side: which route express
 * picks, the params, query and body that route's validation sees, and so whether the request is
 * invalid by the route's own zod schemas or its access rule. The fuzzer sends only requests this
 * says must be refused, so a 2xx is a finding and never a legitimate write.
 *
 * It models express 5 as configured in server/api/http-app.ts: routes tried in table order,
 * literal segments case-insensitive, one optional trailing slash, params decoded with
 * decodeURIComponent (a failure is a 400), `query parser: simple` (node:querystring) and
 * express.json({ limit: '256kb', strict: true }) in front of everything.
 */

export const JSON_LIMIT = 256 * 1024;

export type BodyView = { kind: 'error'; status?: number } | { kind: 'value'; value: unknown };

export interface SentBody {
  bytes: Buffer;
  /** The text before any content-encoding (what JSON.parse would see). */
  text: string;
  /** Value of the Content-Type header, or undefined when none is sent. */
  contentType: string | undefined;
  /** Content-Encoding header, if any, and whether `bytes` really are in that encoding. */
  contentEncoding?: string;
  /** Sent with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
}

export interface MatchedRoute {
  route: RouteDef;
  /** Raw (still percent-encoded) path parameters. */
  rawParams: Record<string, string>;
}

const segmentsOf = (path: string) => path.split('/');

/**
 * The route express runs for this method and path, as express finds it: layers in table order,
 * each matched on the path first. A layer whose path matches decodes its params before its method
 * is looked at, so a bad escape is a 400 even from a route of another method.
 */
export function matchRoute(routes: readonly RouteDef[], method: string, rawPathWithQuery: string): MatchedRoute | { decodeError: true } | null {
  let pathname = rawPathWithQuery.split('?')[0]!;
  if (pathname.length > 1 && pathname.endsWith('/')) pathname = pathname.slice(0, -1);
  const got = segmentsOf(pathname);
  for (const route of routes) {
    const want = segmentsOf(route.path);
    if (want.length !== got.length) continue;
    const rawParams: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      const w = want[i]!;
      const g = got[i]!;
      if (w.startsWith(':')) {
        if (g.length === 0) ok = false;
        else rawParams[w.slice(1)] = g;
      } else if (w.toLowerCase() !== g.toLowerCase()) ok = false;
    }
    if (!ok) continue;
    if (decodeParams(rawParams) === null) return { decodeError: true };
    if (route.method === method.toLowerCase()) return { route, rawParams };
  }
  return null;
}

/** Decoded params, or null when decodeURIComponent fails (express answers 400). */
export function decodeParams(raw: Record<string, string>): Record<string, string> | null {
  const out: Record<string, string> = {};
  try {
    for (const [k, v] of Object.entries(raw)) out[k] = decodeURIComponent(v);
  } catch {
    return null;
  }
  return out;
}

export function parseQuery(rawPathWithQuery: string): Record<string, unknown> {
  const at = rawPathWithQuery.indexOf('?');
  return at < 0 ? {} : (querystring.parse(rawPathWithQuery.slice(at + 1)) as Record<string, unknown>);
}

/** media type of a Content-Type value, the way type-is reads it (parameters ignored, lowercased). */
function mediaType(value: string): string | null {
  const m = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*(?:;|$)/.exec(value);
  return m ? m[1]!.toLowerCase() : null;
}

function charsetOf(value: string): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?\s*(?:;|$)/i.exec(value);
  return m?.[1]?.toLowerCase();
}

/** The first character that is not JSON whitespace (space, tab, LF, CR), as body-parser's strict check reads it. */
function firstNonJsonSpace(text: string): string | undefined {
  for (const ch of text) if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') return ch;
  return undefined;
}

/** What strict body-parser makes of the bytes: decoded as UTF-8 (iconv-lite drops a leading BOM), then JSON.parse. */
function parseJsonBytes(bytes: Buffer): BodyView {
  return parseJsonText(bytes.toString('utf8').replace(/^\ufeff/, ''));
}

/** What JSON.parse in strict body-parser makes of a text. */
function parseJsonText(text: string): BodyView {
  if (text.length === 0) return { kind: 'value', value: {} };
  const first = firstNonJsonSpace(text);
  if (first !== '{' && first !== '[') return { kind: 'error', status: 400 };
  try {
    return { kind: 'value', value: JSON.parse(text) };
  } catch {
    return { kind: 'error', status: 400 };
  }
}

/**
 * The bodies the route might see. One view when body-parser's behaviour is certain; several when
 * the request leans on a corner (odd charset, odd but matching type) whose outcome the test does
 * not want to bet on: a request then counts as invalid only if every view is refused.
 */
export function bodyViews(body: SentBody | undefined): BodyView[] {
  if (!body) return [{ kind: 'value', value: undefined }];
  const ct = body.contentType;
  if (ct === undefined) return [{ kind: 'value', value: undefined }];
  const type = mediaType(ct);
  const canonical = /^application\/json\s*(?:;\s*charset=utf-8\s*)?$/i.test(ct.trim());
  if (type !== 'application/json') {
    // Unknown or unmatched types are skipped by express.json; an unparsable header is too. Lenient corners: either way.
    return type === null || type.endsWith('+json') || type === 'text/json' ? [{ kind: 'value', value: undefined }, parseJsonBytes(body.bytes)] : [{ kind: 'value', value: undefined }];
  }
  const charset = charsetOf(ct);
  if (charset !== undefined && !charset.startsWith('utf-')) return [{ kind: 'error', status: 415 }];
  // An odd charset (utf-7, utf-16, utf-9…) may be refused (415) before or after the body is read: no exact status then.
  const exotic = charset !== undefined && charset !== 'utf-8';
  const error = (status: number): BodyView[] => [exotic ? { kind: 'error' } : { kind: 'error', status }];
  let bytes = body.bytes;
  if (body.contentEncoding !== undefined && body.contentEncoding.toLowerCase() !== 'identity') {
    const enc = body.contentEncoding.toLowerCase();
    if (enc !== 'gzip' && enc !== 'deflate' && enc !== 'br') return error(415);
    // Only junk is ever sent as br.
    if (enc === 'br') return [{ kind: 'error' }];
    try {
      const limits = { maxOutputLength: JSON_LIMIT + 1 };
      bytes = enc === 'gzip' ? gunzipSync(body.bytes, limits) : inflateSync(body.bytes, limits);
    } catch (err) {
      return error((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 413 : 400);
    }
  }
  if (bytes.length > JSON_LIMIT) return error(413);
  if (canonical || charset === 'utf-8' || charset === undefined) {
    // A header like "application/json;;" or "APPLICATION/JSON; charset" is an edge worth sending, not one to predict.
    return canonical ? [parseJsonBytes(bytes)] : [parseJsonBytes(bytes), { kind: 'value', value: undefined }];
  }
  // utf-7, utf-16, utf-32, utf-9…: decoded with iconv-lite or refused; either way, not predicted.
  return [{ kind: 'error' }, parseJsonBytes(bytes), { kind: 'value', value: undefined }];
}

export type SchemaVerdict = 'valid' | 'invalid' | 'throws';

/** What validatePart does with a value: safeParse, after `?? {}` for params and query. */
export function check(schema: z.ZodType | undefined, value: unknown, where: 'params' | 'query' | 'body'): SchemaVerdict {
  if (!schema) return 'valid';
  try {
    return schema.safeParse(value ?? (where === 'body' ? undefined : {})).success ? 'valid' : 'invalid';
  } catch {
    return 'throws';
  }
}
