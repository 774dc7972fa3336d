/**
 * JSON text for the fuzzer. Values are written by hand rather than by JSON.stringify so a body can
 * hold what JSON.stringify cannot produce: number tokens such as 1e309 or -0, own keys named
 * "__proto__", and nesting deeper than the stack allows.
 */

/** A number (or any other) token written verbatim, e.g. `1e309`, `-0`, `9007199254740993`. */
export class RawToken {
  constructor(readonly text: string) {}
}

/** An object given as its entries, so duplicate and prototype-named keys survive. */
export class Entries {
  constructor(readonly entries: readonly (readonly [string, JsonLike])[]) {}
}

export type JsonLike = null | boolean | number | string | RawToken | Entries | readonly JsonLike[] | { readonly [key: string]: JsonLike };

/** Writes a value as JSON text. Plain objects are read with Object.keys, so null-prototype objects with a "__proto__" key work too. */
export function toJsonText(value: JsonLike): string {
  if (value === null) return 'null';
  if (value instanceof RawToken) return value.text;
  if (value instanceof Entries) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map((v: JsonLike) => toJsonText(v)).join(',')}]`;
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? '-0' : String(value)) : 'null';
    case 'string':
      return JSON.stringify(value);
    default: {
      const object = value as { readonly [key: string]: JsonLike };
      return `{${Object.keys(object)
        .map((k) => `${JSON.stringify(k)}:${toJsonText(object[k]!)}`)
        .join(',')}}`;
    }
  }
}

/** What JSON.parse makes of a value written by toJsonText, used as the JS type of a generated value. */
export function jsonTypeOf(value: JsonLike): 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' {
  if (value === null) return 'null';
  if (value instanceof RawToken) return /^-?\d/.test(value.text) ? 'number' : 'string';
  if (value instanceof Entries) return 'object';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'boolean' || t === 'number' || t === 'string' ? t : 'object';
}

/** `depth` arrays (or objects) inside each other, written directly: JSON.stringify would overflow the stack. */
export function deeplyNested(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array' ? '['.repeat(depth) + leaf + ']'.repeat(depth) : '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}
