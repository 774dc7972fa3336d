import type { CredentialFormat } from '../../devices/credentials/canonical';
import type { DecodedRead } from '../../devices/decoders/types';
import { codecFor, type MqttBinding } from '../../devices/transports/firmware-codecs';
import type { OfficeConfig } from '../../server/config/office-schema';
import { topicMatches } from '../../server/broker/topic-acl';

/**
 * The server side of the round trip, as mqtt-transport.ts does it: boards grouped by firmware,
 * topic and door; a message goes to a board only if its subscriptions match the topic; each read
 * goes to the board's device of the right role.
 */

const ROLES_FOR_KIND: Record<DecodedRead['kind'], readonly string[] | 'all'> = {
  badge: ['badge_reader', 'combo'],
  barcode: ['barcode_scanner', 'combo'],
  door: ['door_sensor', 'lid', 'combo'],
  lock: ['lock', 'combo'],
  availability: 'all',
  heartbeat: 'all',
};

export interface Routed {
  deviceId: string;
  read: DecodedRead;
}

export function serverReceives(office: OfficeConfig, topic: string, payload: string | object): Routed[] {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const groups = new Map<string, { firmware: Parameters<typeof codecFor>[0]; binding: MqttBinding; devices: OfficeConfig['devices'] }>();
  for (const device of office.devices) {
    const t = device.transport;
    if (t.type !== 'mqtt') continue;
    const key = `${t.firmware}|${t.topic}|${t.door ?? ''}`;
    const group = groups.get(key) ?? {
      firmware: t.firmware,
      binding: { topic: t.topic, ...(t.door ? { door: t.door } : {}), timeZone: office.office.timezone },
      devices: [],
    };
    group.devices.push(device);
    if (device.credential_format) group.binding.credentialFormat = device.credential_format as CredentialFormat;
    groups.set(key, group);
  }
  const routed: Routed[] = [];
  for (const g of groups.values()) {
    const codec = codecFor(g.firmware);
    if (!codec.subscriptions(g.binding).some((filter) => topicMatches(filter, topic))) continue;
    if (!codec.matches(g.binding, topic)) continue;
    const result = codec.decode(topic, body, g.binding);
    if (!result.ok) throw new Error(`${topic}: ${result.error.code}: ${result.error.message}`);
    for (const read of result.reads) {
      const roles = ROLES_FOR_KIND[read.kind];
      const targets = roles === 'all' ? g.devices : g.devices.filter((d) => roles.includes(d.role)).slice(0, 1);
      for (const d of targets) routed.push({ deviceId: d.id, read });
    }
  }
  return routed;
}

/** "Backlog A 1; B 2" and "Rule1 …" lines of a generated Tasmota file, as command → argument. */
export function tasmotaSettings(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const commands = line.startsWith('Backlog ') ? line.slice('Backlog '.length).split(';') : [line];
    for (const command of commands) {
      const trimmed = command.trim();
      const space = trimmed.indexOf(' ');
      const name = space < 0 ? trimmed : trimmed.slice(0, space);
      const value = space < 0 ? '' : trimmed.slice(space + 1);
      // "Rule1 1" enables the rule set just given: keep the rule text under Rule1.
      if (settings.has(name) && name.startsWith('Rule')) settings.set(`${name}:enable`, value);
      else settings.set(name, value);
    }
  }
  return settings;
}

/** Reads a nested value of parsed YAML/JSON by path, failing the test on a missing key. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !(key in (v as object))) throw new Error(`missing ${path.join('.')} (at ${String(key)})`);
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}
