import type { CredentialFormat } from '../../credentials/canonical';
import { fail, ok, type DecodedRead, type DecodeResult } from '../types';
import { badge, invalidUid, isRecord, onOff, payloadObject, payloadText, stamped, toUtc, uidText } from './common';

/**
 * Tasmota over MQTT (devices.md §3; tasmota/docs MQTT.md; xsns_40/51/80/82 sources):
 *
 *   tele/<t>/LWT     Online | Offline (retained; the will)
 *   tele/<t>/SENSOR  {"Time":"2021-01-21T16:04:12","RDM6300":{"UID":"008EC793"}}
 *                    {"Time":…,"PN532":{"UID":"04A1B2C3","Data":…}} · {"Time":…,"RC522":{"UID":…}}
 *                    {"Time":…,"Wiegand":{"UID":7748328,"Size":26}} (UID "763AE8h" with SetOption123)
 *                    {"Time":…,"Switch1":"OFF"} (SwitchMode 15)
 *   tele/<t>/STATE   {"Time":…,"POWER":"ON",…} every TelePeriod
 *   stat/<t>/RESULT  {"POWER":"ON"} · {"POWER2":"OFF"} · {"Switch1":{"Action":"ON"}} (SetOption114)
 *   stat/<t>/POWER   ON | OFF (POWER<n> on multi-relay devices)
 *
 * UID formats are fixed by the firmware (RDM6300 `%08X` of the tag without version byte, PN532
 * and RC522 `ToHex_P` of the UID bytes, Wiegand a number sized by `Size`), so no per-device
 * credential format is needed. What a switch or relay means is wiring, so it must be configured.
 */

export interface TasmotaConfig {
  /** The device's %topic%, e.g. "tasmota_8EC793". */
  topic: string;
  /** FullTopic; Tasmota's default is "%prefix%/%topic%/". */
  fullTopic?: string;
  /** What ON means for Switch<n> when it is a door contact. Unlisted switches are ignored. */
  doorSwitches?: Readonly<Record<number, 'open' | 'closed'>>;
  /** What ON means for POWER<n> (POWER alone is relay 1) when it drives a lock. Unlisted: ignored. */
  lockRelays?: Readonly<Record<number, 'locked' | 'unlocked'>>;
  /** IANA zone of the device's local "Time" when it carries no offset (SetOption52 0, the default). */
  timeZone?: string;
}

/** Readers whose JSON is {"UID": "<hex of the UID bytes>"}. */
const HEX_READERS = new Set(['RDM6300', 'PN532', 'RC522']);

export function decodeTasmota(topic: string, payload: Uint8Array, config: TasmotaConfig): DecodeResult {
  const route = routeOf(topic, config);
  if (!route) return ok();
  const { prefix, name } = route;
  if (prefix === 'tele' && name === 'LWT') {
    const text = payloadText(payload);
    if (!text.ok) return text.result;
    if (text.value === 'Online') return ok([{ kind: 'availability', state: 'online' }]);
    if (text.value === 'Offline') return ok([{ kind: 'availability', state: 'offline' }]);
    return fail('malformed', 'LWT is neither Online nor Offline');
  }
  if (prefix === 'tele' && name === 'SENSOR') return sensor(payload, config);
  if ((prefix === 'tele' && name === 'STATE') || (prefix === 'stat' && name === 'RESULT')) return result(payload, config);
  if (prefix === 'stat' && /^POWER\d*$/.test(name)) {
    const text = payloadText(payload);
    if (!text.ok) return text.result;
    const state = onOff(text.value);
    if (!state) return fail('malformed', `${name} is neither ON nor OFF`);
    return ok(relay(name, state, config, undefined));
  }
  // cmnd/… is our own traffic; INFO, STATUS, UPTIME… carry nothing we record.
  return ok();
}

function sensor(payload: Uint8Array, config: TasmotaConfig): DecodeResult {
  const json = payloadObject(payload);
  if (!json.ok) return json.result;
  const ts = toUtc(json.value.Time, config.timeZone);
  const reads: DecodedRead[] = [];
  for (const [key, value] of Object.entries(json.value)) {
    if (HEX_READERS.has(key) || key === 'Wiegand') {
      if (!isRecord(value)) return fail('malformed', `${key} is not an object`);
      const uid = uidText(value.UID);
      if (uid === null) return fail('malformed', `${key}.UID is missing or not a string or number`);
      let format: CredentialFormat = 'hex';
      if (key === 'Wiegand') {
        const size = value.Size;
        // Keypad digits (4/8-bit) collected until # or *: a PIN, not a badge.
        if (size === 4 || size === 8) continue;
        if (size === 24 || size === 26) format = 'w26';
        else if (size === 32 || size === 34) format = 'w34';
        else return fail('malformed', 'Wiegand.Size is not 4, 8, 24, 26, 32 or 34');
      }
      // Tasmota publishes a Wiegand parity error as UID 0, which canonicalCredential refuses.
      const read = badge(uid, format, ts);
      if (!read) return invalidUid(uid, format);
      reads.push(read);
    } else {
      const sw = /^Switch(\d+)$/.exec(key);
      const state = onOff(value);
      if (sw && state) reads.push(...door(Number(sw[1]), state, config, ts));
    }
  }
  return ok(reads);
}

/** STATE and RESULT: relay states, and switch actions with SetOption114. */
function result(payload: Uint8Array, config: TasmotaConfig): DecodeResult {
  const json = payloadObject(payload);
  if (!json.ok) return json.result;
  const ts = toUtc(json.value.Time, config.timeZone);
  const reads: DecodedRead[] = [];
  for (const [key, value] of Object.entries(json.value)) {
    if (/^POWER\d*$/.test(key)) {
      const state = onOff(value);
      if (state) reads.push(...relay(key, state, config, ts));
      continue;
    }
    const sw = /^Switch(\d+)$/.exec(key);
    const action = sw && isRecord(value) ? onOff(value.Action) : undefined;
    if (sw && action) reads.push(...door(Number(sw[1]), action, config, ts));
  }
  return ok(reads);
}

function door(index: number, state: 'ON' | 'OFF', config: TasmotaConfig, ts: string | undefined): DecodedRead[] {
  const onMeans = config.doorSwitches?.[index];
  if (!onMeans) return [];
  const open = (state === 'ON') === (onMeans === 'open');
  return [stamped({ kind: 'door', state: open ? 'open' : 'closed' } as const, ts)];
}

function relay(name: string, state: 'ON' | 'OFF', config: TasmotaConfig, ts: string | undefined): DecodedRead[] {
  const index = name === 'POWER' ? 1 : Number(name.slice(5));
  const onMeans = config.lockRelays?.[index];
  if (!onMeans) return [];
  const locked = (state === 'ON') === (onMeans === 'locked');
  return [stamped({ kind: 'lock', state: locked ? 'locked' : 'unlocked' } as const, ts)];
}

const PREFIXES = ['tele', 'stat', 'cmnd'] as const;

/** Splits a topic by the device's FullTopic: which prefix, and the last level (SENSOR, POWER1…). */
function routeOf(topic: string, config: TasmotaConfig): { prefix: (typeof PREFIXES)[number]; name: string } | null {
  let template = config.fullTopic ?? '%prefix%/%topic%/';
  if (!template.endsWith('/')) template += '/';
  for (const prefix of PREFIXES) {
    const base = template.replace('%prefix%', prefix).replace('%topic%', config.topic);
    if (topic.startsWith(base)) {
      const name = topic.slice(base.length);
      return name.length > 0 && !name.includes('/') ? { prefix, name } : null;
    }
  }
  return null;
}
