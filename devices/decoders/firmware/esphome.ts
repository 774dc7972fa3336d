import { isCredentialFormat, type CredentialFormat } from '../../credentials/canonical';
import { fail, ok, type DecodeResult } from '../types';
import { badge, invalidUid, isRecord, onOff, payloadText, uidText } from './common';

/**
 * ESPHome over MQTT (devices.md §3; esphome-docs mqtt.rst, mqtt_lock.cpp):
 *
 *   <prefix>/status                       online | offline (retained; the will)
 *   <prefix>/binary_sensor/<id>/state     ON | OFF (retained by default); ON is open for a door
 *   <prefix>/lock/<id>/state              LOCKED | UNLOCKED | JAMMED | LOCKING | UNLOCKING
 *
 * Tags have no built-in topic: the node's YAML publishes them from `on_tag`, so their topics are
 * configured. The pattern in devices.md publishes
 *   <prefix>/rfid      {"uid": 9357203, "src": "rdm6300"}   (rdm6300 passes a uint32)
 *   <prefix>/wiegand   9357203                              (wiegand passes a decimal string)
 * and pn532/rc522 pass "74-10-37-94". A door sensor's inversion belongs in the YAML
 * (`inverted: true`), so ON always means open here.
 */

export interface EsphomeConfig {
  /** mqtt.topic_prefix; defaults to the node name in ESPHome. */
  topicPrefix: string;
  /**
   * Tag topics under the prefix and the format of the value published there. 'auto' reads a
   * JSON `src` ("rdm6300", "pn532", "rc522", "wiegand") or a `format`, or recognises "74-10-37-94".
   * Default: { rfid: 'auto', wiegand: 'w26' }.
   */
  tagTopics?: Readonly<Record<string, CredentialFormat | 'auto'>>;
  /** binary_sensor object ids that are door contacts; default: ids containing "door". */
  doorSensors?: readonly string[];
}

const DEFAULT_TAG_TOPICS: Readonly<Record<string, CredentialFormat | 'auto'>> = { rfid: 'auto', wiegand: 'w26' };

const LOCK_STATES = { LOCKED: 'locked', UNLOCKED: 'unlocked', JAMMED: 'jammed' } as const;

export function decodeEsphome(topic: string, payload: Uint8Array, config: EsphomeConfig): DecodeResult {
  const base = `${config.topicPrefix}/`;
  if (!topic.startsWith(base)) return ok();
  const rest = topic.slice(base.length);
  const tagFormat = Object.hasOwn(config.tagTopics ?? DEFAULT_TAG_TOPICS, rest)
    ? (config.tagTopics ?? DEFAULT_TAG_TOPICS)[rest]
    : undefined;
  if (tagFormat !== undefined) return tag(payload, tagFormat);
  const levels = rest.split('/');
  if (rest === 'status') {
    const text = payloadText(payload);
    if (!text.ok) return text.result;
    if (text.value === 'online' || text.value === 'offline') return ok([{ kind: 'availability', state: text.value }]);
    return fail('malformed', 'status is neither online nor offline');
  }
  if (levels.length !== 3 || levels[2] !== 'state') return ok();
  const [component, objectId = ''] = levels;
  if (component === 'binary_sensor') {
    const isDoor = config.doorSensors ? config.doorSensors.includes(objectId) : objectId.includes('door');
    if (!isDoor) return ok();
    const text = payloadText(payload);
    if (!text.ok) return text.result;
    const state = onOff(text.value);
    if (!state) return fail('malformed', 'binary_sensor state is neither ON nor OFF');
    return ok([{ kind: 'door', state: state === 'ON' ? 'open' : 'closed' }]);
  }
  if (component === 'lock') {
    const text = payloadText(payload);
    if (!text.ok) return text.result;
    if (text.value === 'LOCKING' || text.value === 'UNLOCKING') return ok(); // on its way: the end state follows
    const state = Object.hasOwn(LOCK_STATES, text.value) ? LOCK_STATES[text.value as keyof typeof LOCK_STATES] : undefined;
    if (!state) return fail('malformed', 'lock state is not LOCKED, UNLOCKED, JAMMED, LOCKING or UNLOCKING');
    return ok([{ kind: 'lock', state }]);
  }
  return ok();
}

const SOURCE_FORMATS: Readonly<Record<string, CredentialFormat>> = {
  rdm6300: 'dec10',
  pn532: 'hex',
  rc522: 'hex',
  pn7150: 'hex',
  pn7160: 'hex',
  nfc: 'hex',
};

function tag(payload: Uint8Array, configured: CredentialFormat | 'auto'): DecodeResult {
  const text = payloadText(payload);
  if (!text.ok) return text.result;
  let uid: string | null = text.value;
  let src: unknown;
  let declared: unknown;
  if (text.value.startsWith('{') || text.value.startsWith('"')) {
    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch {
      return fail('malformed', 'tag payload is not valid JSON');
    }
    if (isRecord(json)) {
      uid = uidText(json.uid);
      src = json.src;
      declared = json.format;
    } else {
      uid = uidText(json);
    }
  }
  if (uid === null || uid.length === 0) return fail('malformed', 'tag payload carries no uid');
  const format = configured === 'auto' ? inferFormat(uid, src, declared) : configured;
  if (format === null) {
    return fail('ambiguous-format', 'a bare number could be a uint32 or a Wiegand value: set src in the payload or the topic format');
  }
  const read = badge(uid, format, undefined);
  return read ? ok([read]) : invalidUid(uid, format);
}

function inferFormat(uid: string, src: unknown, declared: unknown): CredentialFormat | null {
  if (isCredentialFormat(declared)) return declared;
  if (typeof src === 'string') {
    const lower = src.toLowerCase();
    if (lower === 'wiegand') return /^\d+$/.test(uid) && Number(uid) > 0xffffff ? 'w34' : 'w26';
    if (Object.hasOwn(SOURCE_FORMATS, lower)) return SOURCE_FORMATS[lower] ?? null;
  }
  // ESPHome's format_uid prints "%02X-" per byte: hyphens mean UID bytes.
  return /[-:]/.test(uid) ? 'hex' : null;
}
