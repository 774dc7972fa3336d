import fc from 'fast-check';
import { z } from 'zod';
import { Entries, RawToken, jsonTypeOf, type JsonLike } from './json-text';

/**
 * fast-check arbitraries driven by a route's zod schemas, read through z.toJSONSchema(schema,
 * { io: 'input' }): values that satisfy a schema (the skeleton a single fault is planted in) and
 * values that violate one of its constraints (type, length, pattern, format, enum, range,
 * required, additionalProperties). Whether a generated value really is invalid is decided later
 * by the zod schema itself; these only aim at the edges.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Number of leaf properties a schema describes: how much there is to get wrong. */
export function propertyCount(s: JsonSchema | undefined): number {
  if (!s) return 0;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return Math.max(...alternatives.map(propertyCount));
  if (s.properties) return Object.values(s.properties).reduce((n, p) => n + Math.max(1, propertyCount(p)), 0);
  if (s.items) return propertyCount(s.items);
  return s.type ? 1 : 0;
}

const types = (s: JsonSchema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

// ---------------------------------------------------------------- hostile material

const ALNUM = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

/** Strings that have broken parsers, loggers, SQL and templates before. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n\r',
  '\u00a0\u2028\u2029\ufeff',
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(64),
  '\u202eevil\u202c',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '😀',
  '👨‍👩‍👧‍👦',
  'ﬀ',
  'İ',
  'ß',
  'Ω',
  '\u0085',
  '\r\n\r\nHTTP/1.1 200 OK',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  "' OR '1'='1' --",
  '"; DROP TABLE records; --',
  '%',
  '_',
  '%_%',
  '\\',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '#{7*7}',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x10',
  '0b11',
  ' 12 ',
  '12abc',
  'null',
  'undefined',
  'true',
  '[object Object]',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u0430dmin',
  'ADMIN',
  'Admin ',
];

export const POLLUTION_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf', 'isAdmin', ''];

const loneSurrogateUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: loneSurrogateUnit, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
);

const NUMBER_TOKENS = ['1e309', '-1e309', '1E400', '-0', '1e-400', '0.1', '1.5', '-1', '0', '9007199254740993', '123456789012345678901234567890', '1e21', '2147483648', '-2147483649', '4294967296'];
export const hostileNumber: fc.Arbitrary<JsonLike> = fc.oneof(
  fc.constantFrom(...NUMBER_TOKENS).map((t) => new RawToken(t)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const pollutedObject: fc.Arbitrary<JsonLike> = fc
  .tuple(fc.constantFrom(...POLLUTION_KEYS), fc.constantFrom<JsonLike>({ isAdmin: true }, { polluted: 'yes' }, new Entries([['prototype', { polluted: true }]]), 1, 'x', null))
  .map(([k, v]) => new Entries([[k, v]]));

/** Any JSON value, including hostile numbers and prototype-named keys. */
export const anyJson: fc.Arbitrary<JsonLike> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonLike> },
  { weight: 1, arbitrary: hostileNumber },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: pollutedObject },
);

const OTHER_TYPE_VALUES: readonly JsonLike[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  new RawToken('1e309'),
  new RawToken('-0'),
  '',
  'x',
  '1',
  'true',
  [],
  [1],
  ['x'],
  [null],
  {},
  { a: 1 },
  new Entries([['__proto__', { isAdmin: true }]]),
];

/** A value of a JSON type the schema does not take. */
function wrongType(s: JsonSchema): fc.Arbitrary<JsonLike> | null {
  const allowed = new Set(types(s));
  if (allowed.has('integer')) allowed.add('number');
  if (s.enum || s.const !== undefined) allowed.add(typeof (s.enum?.[0] ?? s.const));
  if (allowed.size === 0) return null;
  const candidates = OTHER_TYPE_VALUES.filter((v) => {
    const t = jsonTypeOf(v);
    return !allowed.has(t) && !(t === 'number' && allowed.has('integer'));
  });
  return candidates.length ? fc.constantFrom(...candidates) : null;
}

// ---------------------------------------------------------------- valid values

function validString(s: JsonSchema): fc.Arbitrary<string> {
  const min = Math.max(s.minLength ?? 0, 1);
  const max = s.maxLength ?? 40;
  if (s.format === 'email') return fc.constantFrom('someone@example.com', 'a.b@example.org');
  if (s.format === 'date-time') return fc.date({ min: new Date('2001-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'date') return fc.date({ min: new Date('2001-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const longest = s.maxLength ?? Infinity;
    return fc.stringMatching(re, { size: 'xsmall' }).filter((x) => x.length >= (s.minLength ?? 0) && x.length <= longest && x.trim() === x);
  }
  return fc.string({ unit: fc.constantFrom(...ALNUM), minLength: min, maxLength: Math.max(min, Math.min(max, min + 12)) });
}

export function validValue(s: JsonSchema, depth = 0): fc.Arbitrary<JsonLike> {
  if (s.const !== undefined) return fc.constant(s.const as JsonLike);
  if (s.enum) return fc.constantFrom(...(s.enum as JsonLike[]));
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => validValue(a, depth)));
  const ts = types(s);
  if (ts.length > 1) return fc.oneof(...ts.map((t) => validValue({ ...s, type: t }, depth)));
  switch (ts[0]) {
    case 'string':
      return validString(s);
    case 'integer': {
      const min = s.minimum ?? 0;
      return fc.integer({ min, max: Math.min(s.maximum ?? min + 1000, min + 1000) });
    }
    case 'number': {
      const min = s.minimum ?? 0;
      return fc.double({ min, max: Math.min(s.maximum ?? min + 1000, min + 1000), noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = s.minItems ?? 0;
      return fc.array(s.items ? validValue(s.items, depth + 1) : fc.constant(1), { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? min + 3, min + 3)) });
    }
    case 'object':
      return validObject(s, depth);
    default:
      // Unconstrained in JSON Schema: in these routes, z.coerce.date() fields.
      return fc.constantFrom('2031-05-06T07:08:09Z', '2031-05-06');
  }
}

function validObject(s: JsonSchema, depth: number): fc.Arbitrary<JsonLike> {
  const props = s.properties ?? {};
  const keys = Object.keys(props);
  if (keys.length === 0) return fc.constant({});
  const model = Object.fromEntries(keys.map((k) => [k, validValue(props[k]!, depth + 1)]));
  const required = (s.required ?? []).filter((k) => keys.includes(k));
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<JsonLike>;
}

// ---------------------------------------------------------------- invalid values

function tooLong(max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant('a'.repeat(max + 1)),
    fc.integer({ min: max + 1, max: max + Math.min(4000, max * 4 + 10) }).map((n) => 'x'.repeat(n)),
    fc.constant('😀'.repeat(Math.ceil((max + 1) / 2))),
    fc.constant(`${'é'.repeat(max)}\u0000`),
  );
}

function enumMiss(values: unknown[]): fc.Arbitrary<JsonLike> {
  const strings = values.filter((v): v is string => typeof v === 'string');
  const near = strings.flatMap((v) => [v.toUpperCase(), ` ${v}`, `${v} `, `${v}\u0000`, v.replace(/[aeo]/, (c) => ({ a: '\u0430', e: '\u0435', o: '\u043e' })[c]!), v.slice(0, -1), `${v}s`]);
  return fc.oneof(fc.constantFrom(...(near.length ? near : ['nope'])), hostileString);
}

const BAD_INSTANTS = [
  '2024-02-30T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T00:60:00Z',
  '2024-01-01T00:00:00',
  '2024-01-01 00:00:00Z',
  '2024-01-01',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '0000-00-00T00:00:00Z',
  'now',
  'yesterday',
  '1e309',
  '9999999999999',
  '2024-01-01T00:00:00+25:00',
  '2024-01-01T00:00:00Z\u0000',
];
const BAD_DATES = ['2024-02-30', '2024-1-1', '24-01-01', '2024/01/01', '2024-01-01T00:00:00Z', '99999-01-01', 'today', '2024-00-10'];

/** A value that breaks one constraint of `s` (or, by luck, does not: the zod schema decides). */
export function invalidValue(s: JsonSchema, depth = 0): fc.Arbitrary<JsonLike> {
  const options: fc.Arbitrary<JsonLike>[] = [];
  const wrong = wrongType(s);
  if (wrong) options.push(wrong);
  if (s.const !== undefined) options.push(enumMiss([s.const]));
  if (s.enum) options.push(enumMiss(s.enum));
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) for (const a of alternatives) options.push(invalidValue(a, depth));
  const ts = types(s);
  if (ts.includes('string') && !s.enum) {
    if ((s.minLength ?? 0) >= 1) options.push(fc.constantFrom('', ' ', '\t', '\u00a0\u2028', ' '.repeat(s.minLength ?? 1)));
    else if (s.minLength !== undefined) options.push(fc.constant(''.padEnd(Math.max(0, s.minLength - 1), 'a')));
    if (s.maxLength !== undefined) options.push(tooLong(s.maxLength));
    if (s.format === 'date-time') options.push(fc.constantFrom(...BAD_INSTANTS));
    if (s.format === 'date') options.push(fc.constantFrom(...BAD_DATES));
    if (s.pattern) {
      const re = new RegExp(s.pattern);
      options.push(hostileString.filter((x) => !re.test(x)));
      options.push(validString(s).map((x) => x.toLowerCase() + '!'));
    }
    if (s.format === 'email') options.push(fc.constantFrom('not-an-email', 'a@b', '@example.com', 'a@@example.com', 'a@example.com\u0000', `${'a'.repeat(190)}@example.com`));
  }
  if (ts.includes('integer') || ts.includes('number')) {
    const below = s.minimum ?? s.exclusiveMinimum;
    const above = s.maximum ?? s.exclusiveMaximum;
    if (below !== undefined) options.push(fc.constantFrom<JsonLike>(below - 1, below - 0.5, new RawToken('-1e309'), -2147483649));
    if (above !== undefined) options.push(fc.constantFrom<JsonLike>(above + 1, above + 0.5, new RawToken('1e309'), new RawToken(String(above) + '0')));
    if (ts.includes('integer')) options.push(fc.constantFrom<JsonLike>(1.5, new RawToken('1.0000001'), new RawToken('9007199254740993'), new RawToken('1e21')));
    options.push(fc.constantFrom<JsonLike>('1', ' 2 ', 'NaN', 'Infinity', '0x10', '', '1e3', '-0'));
    options.push(hostileNumber);
  }
  if (ts.includes('array')) {
    if ((s.minItems ?? 0) >= 1) options.push(fc.constant([]));
    if (s.maxItems !== undefined && s.items) {
      const max = s.maxItems;
      options.push(validValue(s.items).map((v) => Array.from({ length: max + 1 }, () => v)));
    }
    if (s.items && depth < 4) options.push(fc.array(invalidValue(s.items, depth + 1), { minLength: 1, maxLength: 3 }));
    options.push(fc.constantFrom<JsonLike>([[]], [{}], [null]));
  }
  if (ts.includes('object') && depth < 4) options.push(invalidObject(s, depth + 1));
  if (ts.length === 0 && !s.enum && s.const === undefined && !alternatives) {
    // Unconstrained (coerce.date here): things no date is made of.
    options.push(fc.constantFrom<JsonLike>('not a date', '2024-02-30', 'NaN', {}, [], [[1, 2]], new RawToken('1e309'), '', '\u0000'));
    options.push(anyJson);
  }
  if (options.length === 0) options.push(anyJson);
  return fc.oneof(...options);
}

/** An object with exactly one fault planted in a valid skeleton (plus, sometimes, a second). */
export function invalidObject(s: JsonSchema, depth = 0): fc.Arbitrary<JsonLike> {
  const props = s.properties ?? {};
  const keys = Object.keys(props);
  const required = (s.required ?? []).filter((k) => keys.includes(k));
  const skeleton = validObject(s, depth) as fc.Arbitrary<Record<string, JsonLike>>;
  const faults: { weight: number; arbitrary: fc.Arbitrary<JsonLike> }[] = [];
  if (keys.length) {
    // Built once per key, not inside a chain: building an arbitrary (stringMatching above all) costs more than drawing from it.
    const badOne = fc.oneof(...keys.map((key) => invalidValue(props[key]!, depth + 1).map((bad) => [key, bad] as const)));
    faults.push({ weight: 8, arbitrary: fc.tuple(skeleton, badOne).map(([base, [key, bad]]) => ({ ...base, [key]: bad }) as JsonLike) });
  }
  if (required.length) {
    faults.push({
      weight: 2,
      arbitrary: fc.tuple(skeleton, fc.constantFrom(...required)).map(([base, key]) => {
        const copy = { ...base };
        delete copy[key];
        return copy;
      }),
    });
  }
  if (s.additionalProperties === false || s.additionalProperties === undefined) {
    const extraKey = fc.oneof(fc.constantFrom(...POLLUTION_KEYS), hostileString, fc.constantFrom(...keys.map((k) => k.toUpperCase()), ...keys.map((k) => `${k} `)), fc.constant('k'.repeat(10_000)));
    faults.push({
      weight: 3,
      arbitrary: fc.tuple(skeleton, extraKey, anyJson).map(([base, key, value]) => new Entries([...Object.entries(base), [key, value]])),
    });
  }
  faults.push({ weight: 1, arbitrary: fc.constantFrom<JsonLike>(null, [], 'object', 0, true, [{}]) });
  return fc.oneof(...faults);
}
