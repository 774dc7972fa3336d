import canonicalize from 'canonicalize';

/**
 * Event leaves: the exact bytes that are hashed into the custody log.
 *
 * Leaf bytes = `safekeep/event/v1\n` + RFC 8785 (JCS) canonical JSON of the event. Independent
 * verifiers re-derive these bytes with their own JCS library, so only values every JSON
 * implementation round-trips exactly are allowed: no floats (their text form differs between
 * languages), no integers at or above 2^53, nothing JSON.stringify would silently drop or convert
 * (undefined, functions, Dates, class instances).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** The fields the spec names. Fields that do not apply are omitted, never set to undefined. */
export interface LeafEventFields {
  /** e.g. `record.checked_out`, `cabinet.opened`, `visitor.signed_in`. */
  type: string;
  /** RFC 3339 UTC with `Z`. */
  ts_server?: string;
  /** The device's own clock: kept as evidence, never trusted for order. */
  ts_device?: string;
  device?: string;
  /** Pseudonymous id, never a name: the log can't be erased, so it must hold no personal data. */
  actor?: string;
  record?: string;
  location?: string;
  /** 1..n per record, so a bundle can show that no event of the record is missing. */
  record_seq?: number;
  /** Hex RFC 6962 leaf hash of the same record's previous entry. */
  record_prev?: string;
  /** Ids of the raw device reads behind this event. */
  evidence?: Array<string | number>;
  /** Salted commitments to personal facts kept off-log (erasable). */
  commitments?: JsonValue;
  reason?: string;
}

/** Room for fields the spec does not name yet, as long as they are JSON-safe. */
export interface ExtraLeafFields {
  [field: string]: JsonValue | undefined;
}

/** One custody event, as hashed into the log. */
export interface LeafEvent extends LeafEventFields, ExtraLeafFields {}

/**
 * LeafEvent without some named fields. `Omit<LeafEvent, K>` does not work: keyof a type with an
 * index signature is just `string`, so Omit would drop every named field, `type` included.
 */
export type LeafEventWithout<K extends keyof LeafEventFields> = Omit<LeafEventFields, K> & ExtraLeafFields;

export const LEAF_PREFIX = 'safekeep/event/v1\n';
const PREFIX_BYTES = Buffer.from(LEAF_PREFIX, 'ascii');

// Deep enough for any real event; bounds the recursion so hostile input can't blow the stack.
const MAX_DEPTH = 32;
// Field ranges in the pattern itself: Date.parse would cost more than the whole rest of the check.
const RFC3339_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d{1,9})?Z$/;
const HEX_HASH = /^[0-9a-f]{64}$/;
const STRING_FIELDS = ['type', 'ts_server', 'ts_device', 'device', 'actor', 'record', 'location', 'record_prev', 'reason'] as const;

/** Canonical leaf bytes of `event`. Throws an Error naming the offending path on invalid input. */
export function encodeLeaf(event: LeafEvent): Buffer {
  // One allocation: the ASCII prefix is also valid UTF-8.
  return Buffer.from(encodeLeafText(event), 'utf8');
}

/**
 * The leaf as text: its bytes are exactly this string's UTF-8 (checkEvent admits no lone
 * surrogates). The writer hashes and stores it without making the bytes in between.
 */
export function encodeLeafText(event: LeafEvent): string {
  // An event whose keys are already in canonical order (the writer's own, whose fields are written
  // in that order) is its own sorted copy.
  return LEAF_PREFIX + (checkEvent(event) ? JSON.stringify(event) : canonicalJson(event));
}

/**
 * RFC 8785 text of a value checkEvent accepted. For such values (plain objects, arrays,
 * well-formed strings, safe integers, booleans, null) JSON.stringify already writes every
 * string, number and literal as RFC 8785 does, so only member order is left: a copy with its
 * keys in UTF-16 code unit order. That is one native call instead of canonicalize's string
 * building, which made a fifth of the server thread's allocations under load.
 * Two kinds of key can't be copied that way, and send the value to canonicalize instead:
 * integer-like keys ("7", "42"), which JavaScript lists first whatever their insertion order,
 * and "__proto__", which an object literal takes as its prototype.
 */
function canonicalJson(event: LeafEvent): string {
  const sorted = sortedCopy(event);
  return sorted === UNCOPYABLE ? (canonicalize(event) as string) : JSON.stringify(sorted);
}

const UNCOPYABLE = Symbol('a key a sorted copy would not keep in place');

function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedCopy(value[i]);
      if (item === UNCOPYABLE) return UNCOPYABLE;
      out[i] = item;
    }
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort()) {
    if (movedByJavaScript(key)) return UNCOPYABLE;
    const item = sortedCopy(source[key]);
    if (item === UNCOPYABLE) return UNCOPYABLE;
    out[key] = item;
  }
  return out;
}

/**
 * The event inside leaf bytes. Rejects anything that is not exactly what encodeLeaf would produce
 * for it (other key order, whitespace, escapes, number spellings, duplicate keys), so every event
 * has one and only one leaf hash.
 */
export function decodeLeaf(bytes: Uint8Array): LeafEvent {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < PREFIX_BYTES.length || !buf.subarray(0, PREFIX_BYTES.length).equals(PREFIX_BYTES)) {
    throw new Error('leaf: missing the "safekeep/event/v1" prefix line');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(PREFIX_BYTES.length));
  } catch {
    throw new Error('leaf: event is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('leaf: event is not valid JSON');
  }
  const event = parsed as LeafEvent;
  const again = encodeLeaf(event);
  if (!again.equals(buf)) throw new Error('leaf: event is not in canonical (RFC 8785) form');
  return event;
}

/** Throws on an event the log can't hold; true when every object in it has its keys in canonical order. */
function checkEvent(event: LeafEvent): boolean {
  if (!isPlainObject(event)) throw new Error('leaf: an event must be a plain JSON object');
  const ordered = checkValue(event, [], 0);
  for (const field of STRING_FIELDS) {
    const value = event[field];
    if (value !== undefined && typeof value !== 'string') throw new Error(`leaf: $.${field} must be a string`);
  }
  if (typeof event.type !== 'string' || event.type === '') throw new Error('leaf: $.type is required');
  for (const field of ['ts_server', 'ts_device'] as const) {
    const value = event[field];
    if (value !== undefined && !RFC3339_UTC.test(value)) {
      throw new Error(`leaf: $.${field} must be an RFC 3339 UTC time ending in Z, got ${JSON.stringify(value)}`);
    }
  }
  const seq = event.record_seq;
  if (seq !== undefined && !(Number.isSafeInteger(seq) && seq >= 1)) {
    throw new Error('leaf: $.record_seq must be an integer >= 1');
  }
  if (event.record_prev !== undefined && !HEX_HASH.test(event.record_prev)) {
    throw new Error('leaf: $.record_prev must be 64 lowercase hex digits');
  }
  const evidence = event.evidence;
  if (evidence !== undefined && (!Array.isArray(evidence) || evidence.some((id) => typeof id !== 'string' && typeof id !== 'number'))) {
    throw new Error('leaf: $.evidence must be an array of ids (strings or integers)');
  }
  return ordered;
}

// A lone surrogate has no UTF-8 form: it would be written as U+FFFD and hash as something else.
// String.prototype.isWellFormed (Node 20+, ES2024) is not in this project's ES2023 type library.
const isWellFormedString = (String.prototype as unknown as { isWellFormed(this: string): boolean }).isWellFormed;

// Recursive on purpose: events are small and shallow. The path is kept as a stack of segments and
// only turned into text when something is wrong, so valid events (the hot path) pay almost nothing.
// Returns whether every object inside enumerates its keys in RFC 8785 order already (ascending
// UTF-16 code units), which is the order JSON.stringify writes them in.
function checkValue(value: unknown, path: Array<string | number>, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      if (!isWellFormedString.call(value)) fail(path, 'is a string with a lone surrogate');
      return true;
    case 'boolean':
      return true;
    case 'number':
      if (!Number.isSafeInteger(value)) fail(path, `must be an integer with |n| < 2^53 (floats are not allowed), got ${String(value)}`);
      return true;
    case 'object':
      break;
    default:
      fail(path, `has a value of type ${typeof value}, which is not allowed in the log`);
  }
  if (value === null) return true;
  if (depth >= MAX_DEPTH) fail(path, `is nested deeper than ${MAX_DEPTH} levels`);
  let ordered = true;
  if (Array.isArray(value)) {
    // Index loop, not forEach: holes in sparse arrays must be seen (as undefined) and refused.
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (!checkValue(value[i], path, depth + 1)) ordered = false;
      path.pop();
    }
    return ordered;
  }
  if (!isPlainObject(value)) {
    const kind = (value as object).constructor?.name ?? 'object';
    fail(path, `is a ${kind}, only plain objects are allowed`);
  }
  let previous: string | undefined;
  // for-in with an own-key test, not Object.keys: no array per object (a few per read under a flood).
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    path.push(key);
    if (!isWellFormedString.call(key)) fail(path, 'is a key with a lone surrogate');
    if (!checkValue(value[key], path, depth + 1)) ordered = false;
    path.pop();
    if (previous !== undefined && !(previous < key)) ordered = false;
    previous = key;
  }
  return ordered;
}

/** Keys an object literal or a copy would not keep in insertion order. */
function movedByJavaScript(key: string): boolean {
  const code = key.charCodeAt(0);
  return (code >= 0x30 && code <= 0x39) || key === '__proto__';
}

function fail(path: Array<string | number>, problem: string): never {
  const text = path
    .map((seg) => (typeof seg === 'number' ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`))
    .join('');
  throw new Error(`leaf: $${text} ${problem}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
