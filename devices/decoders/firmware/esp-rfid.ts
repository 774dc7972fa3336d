import type { CredentialFormat } from '../../credentials/canonical';
import { fail, ok, type DecodeResult } from '../types';
import { badge, fromEpochSeconds, invalidUid, onOff, payloadObject, payloadText, stamped, uidText } from './common';

/**
 * esp-rfid over MQTT (devices.md §3; esprfid/esp-rfid README-MQTT.md and src/mqtt.esp):
 *
 *   TOPIC/send   {"type":"access","time":1605991375,"isKnown":"true","access":"Always",
 *                 "username":"…","uid":"…","hostname":"…"}        a swipe, known or not
 *                {"type":"heartbeat","time":…,"uptime":999,…}    every 180 s by default
 *                {"type":"boot","time":…,"uptime":0,…}
 *                {"type":"INFO","src":"door","desc":"Door Open","cmd":"event",…}   with log-to-MQTT
 *   TOPIC        the same messages on the older "stable" branch, which spells "hearthbeat"
 *   TOPIC/tag, TOPIC/io/door|lock<n>, TOPIC/avty    Home Assistant mode
 *
 * `isKnown` is a string; with several doors `access` and `doorName` are arrays. The esp-rfid
 * README asks every device to share one TOPIC, so a shared topic is told apart by `hostname`.
 * `time` is UTC epoch seconds (the firmware adds its timezone only for opening hours).
 */

export interface EspRfidConfig {
  /** The TOPIC set in the web UI, including the auto-topic MAC suffix when that is on. */
  topic: string;
  /**
   * How the configured reader prints UIDs: MFRC522 'hex' (current builds pad; older ones used
   * String(byte, HEX) and need 'uid-unpadded'), PN532 'uid-unpadded', Wiegand 'w26'/'w34', or
   * 'w26-hex'/'w34-hex' with wiegandReadHex.
   */
  uidFormat: CredentialFormat;
  /** Keep only messages from this hostname when several devices share TOPIC. */
  hostname?: string;
  /** For one door of a multi-door controller: keep swipes whose doorName includes it. */
  door?: string;
}

export function decodeEspRfid(topic: string, payload: Uint8Array, config: EspRfidConfig): DecodeResult {
  if (topic === config.topic || topic === `${config.topic}/send`) return message(payload, config);
  if (!topic.startsWith(`${config.topic}/`)) return ok();
  const rest = topic.slice(config.topic.length + 1);
  if (rest === 'tag') return message(payload, config, true);
  if (rest === 'avty') {
    const text = payloadText(payload);
    if (!text.ok) return text.result;
    if (text.value === 'online' || text.value === 'offline') return ok([{ kind: 'availability', state: text.value }]);
    return fail('malformed', 'avty is neither online nor offline');
  }
  if (rest === 'io/door' || /^io\/lock\d*$/.test(rest)) {
    const text = payloadText(payload);
    if (!text.ok) return text.result;
    if (rest === 'io/door') {
      const state = onOff(text.value);
      if (!state) return fail('malformed', 'io/door is neither ON nor OFF');
      return ok([{ kind: 'door', state: state === 'ON' ? 'open' : 'closed' }]);
    }
    if (text.value === 'LOCKED') return ok([{ kind: 'lock', state: 'locked' }]);
    if (text.value === 'UNLOCKED') return ok([{ kind: 'lock', state: 'unlocked' }]);
    return fail('malformed', 'io/lock is neither LOCKED nor UNLOCKED');
  }
  // cmd is our own traffic; accesslist, sync, io/tamper and io/doorbell carry nothing we record.
  return ok();
}

/** Messages on TOPIC/send (or TOPIC); `tagTopic` marks the HA-mode access message, which has no type. */
function message(payload: Uint8Array, config: EspRfidConfig, tagTopic = false): DecodeResult {
  const json = payloadObject(payload);
  if (!json.ok) return json.result;
  const m = json.value;
  if (config.hostname !== undefined && typeof m.hostname === 'string' && m.hostname !== config.hostname) return ok();
  const ts = fromEpochSeconds(m.time);
  const type = m.type;
  if (tagTopic || type === 'access') {
    if (!forThisDoor(m.doorName, config.door)) return ok();
    const uid = uidText(m.uid);
    if (uid === null) return fail('malformed', 'access message without a uid');
    // An "opendoor" command is echoed as an access with uid " ": nobody swiped.
    if (uid.trim().length === 0) return ok();
    const read = badge(uid, config.uidFormat, ts);
    return read ? ok([read]) : invalidUid(uid, config.uidFormat);
  }
  if (type === 'heartbeat' || type === 'hearthbeat') return ok([stamped({ kind: 'heartbeat' } as const, ts)]);
  if (type === 'boot') return ok([stamped({ kind: 'availability', state: 'online' } as const, ts)]);
  if (m.cmd === 'event' && m.src === 'door') {
    if (m.desc === 'Door Open') return ok([stamped({ kind: 'door', state: 'open' } as const, ts)]);
    if (m.desc === 'Door Closed') return ok([stamped({ kind: 'door', state: 'closed' } as const, ts)]);
  }
  // Other events (wifi, mqtt, sys, the "Unknown rfid tag" warning that doubles an access
  // message) and command acknowledgements are not custody events.
  return ok();
}

function forThisDoor(doorName: unknown, door: string | undefined): boolean {
  if (door === undefined || doorName === undefined) return true;
  if (Array.isArray(doorName)) return doorName.includes(door);
  return doorName === door;
}
