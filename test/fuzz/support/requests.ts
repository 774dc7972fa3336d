import fc from 'fast-check';
import { brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import type { RouteDef } from '../../../server/api/route';
import { Entries, deeplyNested, toJsonText, type JsonLike } from './json-text';
import { HOSTILE_STRINGS, POLLUTION_KEYS, anyJson, hostileString, invalidObject, invalidValue, jsonSchemaOf, validValue, type JsonSchema } from './schema-arbs';

/**
 * One fuzz request for one route, as plain data: what to send and which part was aimed at. The
 * identity's cookie, CSRF token and Origin are added (or spoilt, per `auth`) when it is sent.
 */

export type AuthFault =
  | 'none'
  // Neutral variants: the caller stays who they are (padded cookie header, explicit same-origin, no Origin as scripts send).
  | 'cookie-padded'
  | 'fetch-same-origin'
  | 'no-origin'
  | 'csrf-missing'
  | 'csrf-empty'
  | 'csrf-wrong'
  | 'csrf-other-session'
  | 'csrf-too-long'
  | 'csrf-twice'
  | 'origin-evil'
  | 'origin-null'
  | 'origin-garbage'
  | 'origin-other-port'
  | 'origin-other-scheme'
  | 'fetch-cross-site'
  | 'fetch-same-site'
  | 'fetch-none'
  | 'cookie-tampered'
  | 'cookie-truncated'
  | 'cookie-twice'
  | 'cookie-wrong-name'
  | 'cookie-garbage'
  | 'cookie-huge-garbage'
  | 'cookie-empty'
  | 'cookie-secure-name';

export const NEUTRAL_AUTH: readonly AuthFault[] = ['cookie-padded', 'fetch-same-origin', 'no-origin'];
export const CSRF_FAULTS: readonly AuthFault[] = ['csrf-missing', 'csrf-empty', 'csrf-wrong', 'csrf-other-session', 'csrf-too-long', 'csrf-twice'];
export const ORIGIN_FAULTS: readonly AuthFault[] = ['origin-evil', 'origin-null', 'origin-garbage', 'origin-other-port', 'origin-other-scheme', 'fetch-cross-site', 'fetch-same-site', 'fetch-none'];
export const COOKIE_FAULTS: readonly AuthFault[] = ['cookie-tampered', 'cookie-truncated', 'cookie-twice', 'cookie-wrong-name', 'cookie-garbage', 'cookie-huge-garbage', 'cookie-empty', 'cookie-secure-name'];

export type BodyEncoding = 'gzip' | 'gzip-junk' | 'gzip-bomb' | 'deflate-junk' | 'br-junk' | 'compress' | 'identity' | 'GZIP';

export interface BodyCase {
  text: string;
  contentType?: string;
  encoding?: BodyEncoding;
  chunked?: boolean;
}

export interface RequestCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: BodyCase;
  auth: AuthFault;
  /** The part aimed at, for the summary: params, query, body:<kind>, transport:<kind>, path, auth. */
  focus: string;
}

// ---------------------------------------------------------------- bodies on the wire

let bomb: Buffer | undefined;
/** 8 MB of JSON whitespace-padded text in ~8 kB of gzip: must be refused by size once inflated. */
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.from(`{"a":"${' '.repeat(8 * 1024 * 1024)}"}`), { level: 9 });
  return bomb;
}

export interface Materialized {
  bytes: Buffer;
  text: string;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  chunked: boolean;
}

export function materialize(body: BodyCase): Materialized {
  const raw = Buffer.from(body.text, 'utf8');
  let bytes: Buffer = raw;
  let contentEncoding: string | undefined;
  switch (body.encoding) {
    case undefined:
      break;
    case 'gzip':
    case 'GZIP':
      bytes = gzipSync(raw);
      contentEncoding = body.encoding === 'GZIP' ? 'GZIP' : 'gzip';
      break;
    case 'gzip-bomb':
      bytes = gzipBomb();
      contentEncoding = 'gzip';
      break;
    case 'gzip-junk':
      contentEncoding = 'gzip';
      break;
    case 'deflate-junk':
      contentEncoding = 'deflate';
      break;
    case 'br-junk':
      contentEncoding = 'br';
      break;
    case 'compress':
      contentEncoding = 'compress';
      break;
    case 'identity':
      contentEncoding = 'identity';
      break;
  }
  if (body.encoding?.endsWith('-junk') && decodes(bytes, contentEncoding!)) bytes = truncatedStream(contentEncoding!);
  return { bytes, text: body.text, contentType: body.contentType, contentEncoding, chunked: body.chunked ?? false };
}

/** Junk must really be junk: short text can happen to be a valid stream (an empty brotli body, say). */
function decodes(bytes: Buffer, encoding: string): boolean {
  try {
    if (encoding === 'br') brotliDecompressSync(bytes);
    else if (encoding === 'gzip') gunzipSync(bytes);
    else inflateSync(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A stream of the named encoding cut off in the middle: never decodes. */
function truncatedStream(encoding: string): Buffer {
  const whole = Buffer.from('{"cut":"off in the middle of the stream, so it never decodes"}');
  const compressed = encoding === 'br' ? brotliCompressSync(whole) : encoding === 'gzip' ? gzipSync(whole) : deflateSync(whole);
  return compressed.subarray(0, Math.floor(compressed.length / 2));
}

// ---------------------------------------------------------------- pieces

const CONTENT_TYPES: readonly (string | undefined)[] = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;charset=UTF-8',
  'application/json; charset=utf-7',
  'application/json; charset=utf-16le',
  'application/json; charset=utf-32',
  'application/json; charset=latin1',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-9',
  'application/json; charset',
  'application/json;;;',
  'application/json; charset="utf-8',
  'application/json, text/plain',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'multipart/form-data',
  'application/vnd.api+json',
  'application/',
  '',
  '*/*',
  undefined,
];

const contentType: fc.Arbitrary<string | undefined> = fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) });

const encoding: fc.Arbitrary<BodyEncoding | undefined> = fc.oneof(
  { weight: 20, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom<BodyEncoding>('gzip', 'GZIP', 'identity') },
  { weight: 2, arbitrary: fc.constantFrom<BodyEncoding>('gzip-junk', 'deflate-junk', 'br-junk', 'compress', 'gzip-bomb') },
);

/** Headers that must change nothing about who is calling: noise around an invalid input. */
const noiseHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  {
    weight: 4,
    arbitrary: fc
      .subarray(
        [
          ['accept', '*/*;q=0.1, application/json;q=abc'],
          ['accept-encoding', 'gzip, br, zstd, ' + 'x'.repeat(200)],
          ['accept-language', 'zz-ZZ;q=2'],
          ['x-forwarded-for', '127.0.0.1, ::1, 10.0.0.1, evil'],
          ['x-forwarded-host', 'evil.example'],
          ['x-forwarded-proto', 'https'],
          ['x-http-method-override', 'DELETE'],
          ['x-original-url', '/api/v1/people'],
          ['x-rewrite-url', '/api/health'],
          ['if-none-match', '"' + 'a'.repeat(500) + '"'],
          ['range', 'bytes=0-0,-1,5-'],
          ['user-agent', '\u00ff\u00fe' + 'A'.repeat(2000)],
          ['x-junk', 'é\u0080\u00ff'],
          ['connection', 'close'],
          ['x-long', 'h'.repeat(8000)],
          ['host', 'evil.example'],
          ['authorization', 'Bearer ' + 'a'.repeat(100)],
        ] as [string, string][],
        { minLength: 1, maxLength: 4 },
      )
      .map((pairs) => Object.fromEntries(pairs)),
  },
);

/** Raw path segments, already as they go on the wire: traversal, bad escapes, very long. */
const HOSTILE_SEGMENTS: readonly string[] = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AE%C0%AE',
  '%FF',
  '%ED%A0%80',
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '..%5C..%5Cwindows',
  '%2F',
  '%00',
  'SK-000001%00',
  '%252F',
  '%25',
  '%u0041',
  '%20',
  '%09%0A',
  '%C2%A0',
  ';',
  ',',
  'a;b=c',
  '*',
  '$',
  '~',
  '%7B%7D',
  'x'.repeat(300),
  'Y'.repeat(4000),
  '%41'.repeat(1500),
  'SK-0000001',
  'sk-000001',
  'SK_000001',
  'SK-' + '9'.repeat(62),
  'SK-' + '9'.repeat(61),
  '0x10',
  '-1',
  '0',
  '1.5',
  '1e309',
  'NaN',
  'Infinity',
  '%201%20',
];

/** encodeURIComponent, except that a lone surrogate is written as its (invalid) 3-byte UTF-8 form instead of throwing. */
function encode(v: string): string {
  let out = '';
  for (const ch of v) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out;
}

/** A value as it arrives from a URL: always a string. */
function asUrlString(value: JsonLike): string {
  return typeof value === 'string' ? value : value instanceof Object ? toJsonText(value) : String(value);
}

function validSegment(s: JsonSchema | undefined): fc.Arbitrary<string> {
  if (!s) return fc.constant('x1');
  return validValue(s).map((v) => encode(asUrlString(v)));
}

function invalidSegment(s: JsonSchema | undefined): fc.Arbitrary<string> {
  const fromSchema = s ? invalidValue(s).map((v) => encode(asUrlString(v))) : fc.constant('x');
  return fc.oneof({ weight: 3, arbitrary: fromSchema }, { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) }, { weight: 1, arbitrary: hostileString.filter((x) => x.length > 0).map(encode) });
}

function pathWith(route: RouteDef, values: Record<string, string>): string {
  return route.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => values[name] ?? 'x');
}

type Pairs = [string, string][];

const toQueryString = (pairs: Pairs) => pairs.map(([k, v]) => (v === '\u0000none' ? k : `${k}=${v}`)).join('&');

function validQueryPairs(s: JsonSchema | undefined): fc.Arbitrary<Pairs> {
  if (!s?.properties) return fc.constant([]);
  return (validValue({ ...s, required: [] }) as fc.Arbitrary<Record<string, JsonLike>>).map((o) => Object.entries(o).map(([k, v]) => [encode(k), encode(asUrlString(v))] as [string, string]));
}

function invalidQueryPairs(s: JsonSchema): fc.Arbitrary<Pairs> {
  const props = s.properties ?? {};
  const keys = Object.keys(props);
  const faults: fc.Arbitrary<Pairs>[] = [
    // An unknown key, a bracketed key, a prototype key.
    fc.tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS.filter(Boolean), 'a[]', 'a[b]', 'limit[]', 'q.r', 'LIMIT', 'status ', 'fuzz'), hostileString.filter((x) => x.length > 0)), hostileString).map(([k, v]) => [[encode(k), encode(v)]]),
    // Raw junk that node:querystring must cope with.
    fc.constantFrom<Pairs>([['%', '%']], [['%zz', '1']], [['', '']], [['=', '=']], [['a', '%E0%A4%A']], [['&&&', '\u0000none']], [['x'.repeat(9000), '1']], [['a', 'b=c=d']], [['+', '+']], [['%00', '%00']]),
  ];
  if (keys.length) {
    const key = fc.constantFrom(...keys);
    faults.push(
      fc.oneof(...keys.map((k) => invalidValue(props[k]!).map((v) => [[k, encode(asUrlString(v))]] as Pairs))),
      fc.tuple(key, validValue(props[keys[0]!]!)).map(([k, v]) => [
        [k, encode(asUrlString(v))],
        [k, encode(asUrlString(v))],
      ]),
      key.map((k) => [[`${k}[]`, '1']] as Pairs),
      key.map((k) => [[`${k}[0]`, '1']] as Pairs),
      key.map((k) => [[k, 'v'.repeat(9000)]] as Pairs),
      key.map((k) => [[k, '\u0000none']] as Pairs),
      key.map((k) => [[k, '']] as Pairs),
    );
  }
  return fc.oneof(...faults);
}

const MALFORMED_JSON: readonly string[] = [
  '{',
  '}',
  '{"a":}',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '{"a":1}garbage',
  '{"a":1}{"b":2}',
  '[1,]',
  '{"a":"\\x41"}',
  '{"a":"\u0000"}',
  '{"a":"\\ud800"',
  '{"a":1 // comment\n}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":1.}',
  '{"a":--1}',
  '\ufeff{"a":1}',
  '   ',
  '\n',
  'null',
  'true',
  '0',
  '"string"',
  '-0',
  '1e309',
  '<?xml version="1.0"?><a/>',
  'a=1&b=2',
  '\u0000',
  '\u00ff\u00fe{}',
  '{"a":"' + '\\'.repeat(1001) + '"}',
];

const TOP_LEVEL_WRONG: readonly string[] = ['[]', '[{}]', '[[]]', '[null]', '{"":""}', '[1,2,3]', '[' + '{},'.repeat(2000) + '{}]'];

/** Big or deep bodies: just under and just over the 256 kB limit, nested deeper than any stack. */
function bigBody(keys: string[]): fc.Arbitrary<string> {
  const key = keys.length ? fc.constantFrom(...keys) : fc.constant('a');
  return fc.oneof(
    fc.tuple(key, fc.integer({ min: 1_000, max: 60_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([k, depth, kind]) => `{${JSON.stringify(k)}:${deeplyNested(depth, kind)}}`),
    fc.tuple(fc.integer({ min: 20_000, max: 120_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([depth, kind]) => deeplyNested(kind === 'array' ? depth : Math.floor(depth / 3), kind)),
    fc.tuple(key, fc.integer({ min: 200_000, max: 262_000 })).map(([k, n]) => `{${JSON.stringify(k)}:"${'x'.repeat(n)}"}`),
    fc.tuple(key, fc.integer({ min: 262_200, max: 600_000 })).map(([k, n]) => `{${JSON.stringify(k)}:"${'y'.repeat(n)}"}`),
    fc.tuple(key, fc.integer({ min: 20_000, max: 60_000 })).map(([k, n]) => `{${JSON.stringify(k)}:"${'\\u0000'.repeat(n / 6)}"}`),
    fc.integer({ min: 1_000, max: 20_000 }).map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`),
    fc.tuple(key, fc.integer({ min: 10_000, max: 120_000 })).map(([k, n]) => `{${JSON.stringify(k)}:[${'1,'.repeat(n)}1]}`),
    fc.integer({ min: 1_000, max: 20_000 }).map((n) => `{${'"a":1,'.repeat(n)}"a":2}`),
  );
}

function pollutedBody(s: JsonSchema | undefined): fc.Arbitrary<string> {
  const skeleton = s ? (validValue(s) as fc.Arbitrary<JsonLike>) : fc.constant<JsonLike>({});
  return fc
    .tuple(skeleton, fc.constantFrom<[string, JsonLike]>(['__proto__', { isAdmin: true, role: 'admin' }], ['constructor', { prototype: { isAdmin: true } }], ['__proto__', null], ['__proto__', []], ['prototype', { x: 1 }]))
    .map(([base, extra]) => toJsonText(base !== null && typeof base === 'object' && !Array.isArray(base) && !(base instanceof Entries) ? new Entries([...Object.entries(base as Record<string, JsonLike>), extra]) : new Entries([extra])));
}

function bodyFor(s: JsonSchema | undefined): fc.Arbitrary<{ text: string; kind: string }> {
  const keys = Object.keys(s?.properties ?? {});
  const options: { weight: number; arbitrary: fc.Arbitrary<{ text: string; kind: string }> }[] = [
    { weight: 8, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text) => ({ text, kind: 'malformed' })) },
    { weight: 4, arbitrary: fc.constantFrom(...TOP_LEVEL_WRONG).map((text) => ({ text, kind: 'top-level' })) },
    { weight: 5, arbitrary: anyJson.map((v) => ({ text: toJsonText(v), kind: 'junk' })) },
    { weight: 4, arbitrary: bigBody(keys).map((text) => ({ text, kind: 'big' })) },
    { weight: 3, arbitrary: pollutedBody(s).map((text) => ({ text, kind: 'pollution' })) },
  ];
  if (s) options.push({ weight: 40, arbitrary: (s.type === 'object' || s.anyOf || s.oneOf ? (s.anyOf || s.oneOf ? invalidValue(s) : invalidObject(s)) : invalidValue(s)).map((v) => ({ text: toJsonText(v), kind: 'schema' })) });
  return fc.oneof(...options);
}

/** Multipart bodies for the certificate upload: never with a file part, so never a valid upload. */
const multipartBody: fc.Arbitrary<{ text: string; kind: string; type: string }> = fc
  .tuple(
    fc.constantFrom('B', 'x'.repeat(70), '', '"quoted"', 'a b'),
    fc.array(fc.tuple(fc.constantFrom('serial_number', 'destroyed_on', 'place', 'method', 'operator_name', 'barcodes', 'recorded_by', 'file', '__proto__', 'constructor', ''), hostileString), { maxLength: 8 }),
    fc.constantFrom('ok', 'truncated', 'no-closing', 'wrong-boundary', 'huge-part', 'crlf-junk', 'many-parts'),
  )
  .map(([boundary, fields, shape]) => {
    const b = boundary === '' ? 'B' : boundary.replace(/"/g, '');
    const part = (name: string, value: string) => `--${b}\r\nContent-Disposition: form-data; name="${name.replace(/"/g, '')}"\r\n\r\n${value}\r\n`;
    let text = fields.map(([k, v]) => part(k, v)).join('');
    if (shape === 'huge-part') text += part('place', 'p'.repeat(300_000));
    if (shape === 'many-parts') text += Array.from({ length: 3000 }, (_, i) => part(`f${i}`, 'v')).join('');
    if (shape === 'crlf-junk') text += '\r\n\r\n--\r\n';
    text += shape === 'truncated' ? `--${b}\r\nContent-Disposition: form-data; name="x"\r\n\r\nab` : shape === 'no-closing' ? '' : shape === 'wrong-boundary' ? '--other--\r\n' : `--${b}--\r\n`;
    return { text, kind: `multipart-${shape}`, type: `multipart/form-data; boundary=${boundary}` };
  });

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

// ---------------------------------------------------------------- one route

export interface RouteShape {
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
}

export function shapeOf(route: RouteDef): RouteShape {
  return {
    ...(route.params ? { params: jsonSchemaOf(route.params) } : {}),
    ...(route.query ? { query: jsonSchemaOf(route.query) } : {}),
    ...(route.body ? { body: jsonSchemaOf(route.body) } : {}),
  };
}

const hasBodyMethod = (m: string) => m !== 'get';

/**
 * Requests aimed at one route: each has one part made invalid (params, query, body, the bytes on
 * the wire, the path itself) and the others valid where the schemas allow, plus an auth fault
 * drawn from `auth`.
 */
export function requestsFor(route: RouteDef, auth: fc.Arbitrary<AuthFault>): fc.Arbitrary<RequestCase> {
  const shape = shapeOf(route);
  const paramNames = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  const paramSchema = (name: string) => shape.params?.properties?.[name];
  const validParams = fc.record(Object.fromEntries(paramNames.map((n) => [n, validSegment(paramSchema(n))]))) as fc.Arbitrary<Record<string, string>>;
  const badParams: fc.Arbitrary<Record<string, string>> = paramNames.length
    ? fc.tuple(validParams, fc.oneof(...paramNames.map((name) => invalidSegment(paramSchema(name)).map((bad) => [name, bad] as const)))).map(([good, [name, bad]]) => ({ ...good, [name]: bad }))
    : validParams;
  const validQuery = validQueryPairs(shape.query);
  const badQuery = shape.query ? fc.tuple(validQuery, invalidQueryPairs(shape.query)).map(([a, b]) => [...a, ...b]) : validQuery;
  const validBody: fc.Arbitrary<string | undefined> = shape.body ? validValue(shape.body).map(toJsonText) : fc.constant(hasBodyMethod(route.method) ? '{}' : undefined);
  const badBody = bodyFor(shape.body);

  const foci: { weight: number; arbitrary: fc.Arbitrary<{ focus: string; params: Record<string, string>; query: Pairs; body: { text: string; kind: string } | undefined }> }[] = [];
  const wrap = (focus: string, p: typeof validParams, q: typeof validQuery, b: fc.Arbitrary<{ text: string; kind: string } | undefined>) =>
    fc.tuple(p, q, b).map(([params, query, body]) => ({ focus: body && focus === 'body' ? `body:${body.kind}` : focus, params, query, body }));
  const okBody = validBody.map((t) => (t === undefined ? undefined : { text: t, kind: 'valid' }));
  if (paramNames.length) foci.push({ weight: 6 + 2 * paramNames.length, arbitrary: wrap('params', badParams, validQuery, okBody) });
  if (shape.query) foci.push({ weight: 6 + Object.keys(shape.query.properties ?? {}).length * 2, arbitrary: wrap('query', validParams, badQuery, okBody) });
  if (shape.body || hasBodyMethod(route.method)) foci.push({ weight: shape.body ? 14 + Object.keys(shape.body.properties ?? {}).length * 2 : 4, arbitrary: wrap('body', validParams, validQuery, badBody) });
  // GET routes take no body, but express.json still reads one that is sent: malformed must be a 400.
  if (!hasBodyMethod(route.method)) foci.push({ weight: 2, arbitrary: wrap('body', validParams, validQuery, badBody) });
  foci.push({ weight: 2, arbitrary: wrap('mixed', badParams, badQuery, badBody) });
  if (route.path.endsWith('/certificate/upload')) foci.push({ weight: 12, arbitrary: wrap('body', validParams, validQuery, multipartBody) });

  const base = fc.oneof(...foci);
  const pathFault = fc.oneof(
    { weight: 10, arbitrary: fc.constant<string | null>(null) },
    { weight: 1, arbitrary: fc.constantFrom<string | null>('extra-segment', 'double-slash', 'trailing-slash', 'upper-case', 'encoded-literal', 'other-method', 'dot-segment') },
  );

  return fc.tuple(base, contentType, encoding, fc.boolean(), noiseHeaders, pathFault, auth, fc.constantFrom(...METHODS)).map(([b, type, enc, chunked, headers, fault, authFault, otherMethod]) => {
    let path = pathWith(route, b.params);
    let method = route.method.toUpperCase();
    let focus = b.focus;
    if (fault) {
      focus = `path:${fault}`;
      if (fault === 'extra-segment') path += '/extra';
      else if (fault === 'double-slash') path = path.replace('/api/', '/api//');
      else if (fault === 'trailing-slash') path += '/';
      else if (fault === 'upper-case') path = path.toUpperCase();
      // Under /api, so the answer is the API's (the dashboard answers everything else).
      else if (fault === 'encoded-literal') path = path.replace('/api/v1/', '/api/%761/');
      else if (fault === 'dot-segment') path = path.replace('/api/', '/api/./');
      else if (fault === 'other-method') method = otherMethod.toUpperCase();
    }
    const query = toQueryString(b.query);
    if (query) path += `?${query}`;
    const forced = b.body && 'type' in b.body ? (b.body as { type: string }).type : undefined;
    const body: BodyCase | undefined = b.body
      ? {
          text: b.body.text,
          ...(forced !== undefined ? { contentType: forced } : type === undefined ? {} : { contentType: type }),
          ...(enc === undefined || b.body.text.length > 300_000 ? {} : { encoding: enc }),
          ...(chunked && b.body.text.length < 300_000 ? { chunked: true } : {}),
        }
      : undefined;
    if (body && forced === undefined && (body.encoding !== undefined || body.contentType !== 'application/json') && focus.startsWith('body')) focus = `transport:${body.encoding ?? 'content-type'}`;
    return { method, path, headers, ...(body ? { body } : {}), auth: authFault, focus };
  });
}

/** Hostile strings re-exported for the protocol-level cases. */
export { HOSTILE_STRINGS };
