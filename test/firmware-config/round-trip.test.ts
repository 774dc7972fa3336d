import { describe, expect, it } from 'vitest';
import { DeviceCommander } from '../../devices/commands/device-commander';
import type { Board } from '../../devices/firmware-config/boards';
import { parseEsphomeYaml, type Lambda } from '../../devices/firmware-config/esphome-yaml';
import { boardFilePath, generateFirmwareConfigs } from '../../devices/firmware-config/generate';
import type { OfficeConfig } from '../../server/config/office-schema';
import { demoOffice } from '../support/office';
import { at, serverReceives, tasmotaSettings, type Routed } from './helpers';

/**
 * What each generated config makes its board publish, read back out of the generated file and fed
 * through the server's real codecs and decoders: a read must come out for the right device. And
 * the other way: the topics the server's commands go to are the ones the config listens on.
 *
 * The running example is the EM4100 tag 14 008EC793 (devices.md): 9357203 as Wiegand-26 or as
 * ESPHome's rdm6300 uint32, "008EC793" from Tasmota's RDM6300.
 */

const BROKER = { host: '192.168.10.2', port: 18830 };
const TAG = { w26: '8EC793', uint32: '008EC793', pn532: '74103794' };

interface Expectation {
  topic: string;
  payload: string | object;
  deviceIds: string[];
  read: Record<string, unknown>;
}

function configs(office: OfficeConfig) {
  let n = 0;
  const result = generateFirmwareConfigs(office, { broker: BROKER, newPassword: () => `Pw${String(++n).padStart(22, '0')}` });
  const content = (board: Board) => result.files.find((f) => f.path === boardFilePath(board))!.content;
  return { result, content };
}

/** Evaluates the generated `root["k"] = …;` publish_json lambda for one on_tag value. */
function publishJson(lambda: string, x: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of lambda.matchAll(/root\["(\w+)"\] = (x|"[^"]*");/g)) out[m[1]!] = m[2] === 'x' ? x : JSON.parse(m[2]!);
  return out;
}

function esphomeExpectations(board: Board, text: string): Expectation[] {
  const doc = parseEsphomeYaml(text) as Record<string, unknown>;
  const all = board.devices.map((d) => d.id);
  const out: Expectation[] = [{ topic: at(doc, 'mqtt', 'birth_message', 'topic') as string, payload: 'online', deviceIds: all, read: { kind: 'availability', state: 'online' } }];
  if (board.reader) {
    const id = [board.reader.device.id];
    if (doc.wiegand) {
      const publish = at(doc, 'wiegand', 0, 'on_tag', 0, 'mqtt.publish') as { topic: string; payload: Lambda };
      expect(publish.payload.code).toBe('return x;');
      out.push({ topic: publish.topic, payload: '9357203', deviceIds: id, read: { kind: 'badge', credential: { canonical: TAG.w26 } } });
    } else {
      const component = doc.rdm6300 ? 'rdm6300' : 'pn532_i2c';
      const publish = at(doc, component, 'on_tag', 0, 'mqtt.publish_json') as { topic: string; payload: string };
      const x = component === 'rdm6300' ? 9357203 : '74-10-37-94';
      const canonical = component === 'rdm6300' ? TAG.uint32 : TAG.pn532;
      out.push({ topic: publish.topic, payload: publishJson(publish.payload, x), deviceIds: id, read: { kind: 'badge', credential: { canonical } } });
    }
  }
  if (board.contact) {
    const topic = at(doc, 'binary_sensor', 0, 'state_topic') as string;
    out.push({ topic, payload: 'ON', deviceIds: [board.contact.device.id], read: { kind: 'door', state: 'open' } });
    out.push({ topic, payload: 'OFF', deviceIds: [board.contact.device.id], read: { kind: 'door', state: 'closed' } });
  }
  if (board.lock) {
    const topic = at(doc, 'lock', 0, 'state_topic') as string;
    out.push({ topic, payload: 'UNLOCKED', deviceIds: [board.lock.id], read: { kind: 'lock', state: 'unlocked' } });
    out.push({ topic, payload: 'LOCKED', deviceIds: [board.lock.id], read: { kind: 'lock', state: 'locked' } });
  }
  return out;
}

function tasmotaExpectations(board: Board, text: string): Expectation[] {
  const s = tasmotaSettings(text);
  const base = (prefix: string) => s.get('FullTopic')!.replace('%prefix%', prefix).replace('%topic%', s.get('Topic')!);
  const time = '2026-01-05T09:00:00+01:00'; // SetOption52 1: Time carries its offset
  const out: Expectation[] = [
    { topic: `${base('tele')}LWT`, payload: 'Online', deviceIds: board.devices.map((d) => d.id), read: { kind: 'availability', state: 'online' } },
  ];
  if (board.reader) {
    const sensor = board.reader.kind === 'wiegand' ? { Wiegand: { UID: 9357203, Size: 26 } } : { RDM6300: { UID: '008EC793' } };
    const canonical = board.reader.kind === 'wiegand' ? TAG.w26 : TAG.uint32;
    out.push({ topic: `${base('tele')}SENSOR`, payload: { Time: time, ...sensor }, deviceIds: [board.reader.device.id], read: { kind: 'badge', credential: { canonical }, tsDevice: '2026-01-05T08:00:00.000Z' } });
  }
  if (board.contact) {
    expect(s.get('SwitchMode1')).toBe('15'); // which makes the switch report as below
    out.push({ topic: `${base('tele')}SENSOR`, payload: { Time: time, Switch1: 'ON' }, deviceIds: [board.contact.device.id], read: { kind: 'door', state: 'open' } });
  }
  if (board.lock) {
    out.push({ topic: `${base('stat')}POWER1`, payload: 'ON', deviceIds: [board.lock.id], read: { kind: 'lock', state: 'unlocked' } });
    out.push({ topic: `${base('stat')}RESULT`, payload: { POWER1: 'OFF' }, deviceIds: [board.lock.id], read: { kind: 'lock', state: 'locked' } });
  }
  return out;
}

function espRfidExpectations(board: Board, text: string): Expectation[] {
  const topic = at(JSON.parse(text), 'mqtt', 'topic') as string;
  const out: Expectation[] = [
    { topic: `${topic}/send`, payload: { type: 'heartbeat', time: 1767600000, uptime: 999 }, deviceIds: board.devices.map((d) => d.id), read: { kind: 'heartbeat' } },
  ];
  if (board.reader) {
    // PN532 builds print bytes unpadded: 0x0A → "a" (devices.md §1); the demo reader is configured so.
    const access = { type: 'access', time: 1767600000, isKnown: 'false', access: 'Denied', username: 'Unknown', uid: 'a1b2c3d4', hostname: 'esp-rfid' };
    out.push({ topic: `${topic}/send`, payload: access, deviceIds: [board.reader.device.id], read: { kind: 'badge' } });
  }
  if (board.contact) {
    const event = { type: 'INFO', src: 'door', desc: 'Door Open', data: '', time: 1767600000, cmd: 'event', hostname: 'esp-rfid' };
    out.push({ topic: `${topic}/send`, payload: event, deviceIds: [board.contact.device.id], read: { kind: 'door', state: 'open' } });
  }
  return out;
}

function safekeepExpectations(board: Board, text: string): Expectation[] {
  const config = JSON.parse(text) as { topics: { read: string; status: string }; devices: Array<{ id: string; role: string; format?: string }> };
  const envelope = { boot: 'b007', ts: '2026-01-05T09:00:00Z' };
  const out: Expectation[] = [{ topic: config.topics.status, payload: 'online', deviceIds: config.devices.map((d) => d.id), read: { kind: 'availability' } }];
  config.devices.forEach((d, seq) => {
    const read =
      d.role === 'badge_reader'
        ? { kind: 'badge', uid: '1A2B3C4D', format: d.format }
        : d.role === 'barcode_scanner'
          ? { kind: 'barcode', data: 'SK-100001' }
          : d.role === 'lock'
            ? { kind: 'lock', state: 'unlocked' }
            : { kind: 'door', state: 'open' };
    out.push({ topic: config.topics.read, payload: { ...envelope, seq, ...read }, deviceIds: [d.id], read: { kind: read.kind, dedupeHint: `b007:${seq}` } });
  });
  return out;
}

const EXPECTATIONS = { esphome: esphomeExpectations, tasmota: tasmotaExpectations, 'esp-rfid': espRfidExpectations, safekeep: safekeepExpectations };

function checkRoundTrip(office: OfficeConfig): number {
  const { result, content } = configs(office);
  let checked = 0;
  for (const board of result.boards) {
    for (const e of EXPECTATIONS[board.firmware](board, content(board))) {
      const routed: Routed[] = serverReceives(office, e.topic, e.payload);
      expect(routed.map((r) => r.deviceId).sort(), `${e.topic} ${JSON.stringify(e.payload)}`).toEqual([...e.deviceIds].sort());
      for (const r of routed) expect(r.read).toMatchObject(e.read);
      checked++;
    }
  }
  return checked;
}

/** The demo office with the other reader kinds, and the esp-rfid controller's IP. */
function variantOffice(): OfficeConfig {
  const office = demoOffice();
  const devices = office.devices.map((d) => {
    if (d.id === 'cab-1-reader') return { ...d, credential_format: 'dec10' as const }; // ESPHome rdm6300
    if (d.id === 'shred-1-reader') return { ...d, credential_format: 'hex' as const }; // ESPHome pn532
    if (d.id === 'cab-2-reader') return { ...d, credential_format: 'w26' as const }; // Tasmota Wiegand
    if (d.id.startsWith('cab-3-')) return { ...d, transport: { ...d.transport, ip: '192.168.10.53' } } as unknown as typeof d; // proposed schema field
    return d;
  });
  return { ...office, devices };
}

describe('generated configs round-trip through the server\'s decoders', () => {
  it('for the demo office: every read each board publishes reaches the right device', () => {
    expect(checkRoundTrip(demoOffice())).toBeGreaterThan(20);
  });

  it('for rdm6300 and pn532 on ESPHome and Wiegand on Tasmota', () => {
    const office = variantOffice();
    const { result, content } = configs(office);
    const cab1 = parseEsphomeYaml(content(result.boards.find((b) => b.name === 'safekeep-cab-1')!)) as Record<string, unknown>;
    expect(cab1.rdm6300).toBeDefined();
    const shred = parseEsphomeYaml(content(result.boards.find((b) => b.name === 'safekeep-shred-1')!)) as Record<string, unknown>;
    expect(shred.pn532_i2c).toBeDefined();
    expect(content(result.boards.find((b) => b.name === 'cab-2')!)).toMatch(/Wiegand D0/);
    expect(checkRoundTrip(office)).toBeGreaterThan(20);
  });
});

describe('server commands reach the topics the generated configs listen on', () => {
  it('for every lock of every board', async () => {
    const office = variantOffice();
    const { result, content } = configs(office);
    const commander = new DeviceCommander({ devices: office.devices });
    for (const board of result.boards.filter((b) => b.lock)) {
      const lockId = board.lock!.id;
      const topics = (c: Parameters<DeviceCommander['preview']>[1]) => commander.preview(lockId, c).map((m) => m.topic);
      const text = content(board);
      switch (board.firmware) {
        case 'esphome': {
          const doc = parseEsphomeYaml(text);
          expect(topics({ action: 'unlock' })).toEqual([at(doc, 'lock', 0, 'command_topic')]);
          expect(topics({ action: 'lock' })).toEqual([at(doc, 'lock', 0, 'command_topic')]);
          expect(topics({ action: 'unlock', seconds: 5 })).toEqual([at(doc, 'mqtt', 'on_message', 0, 'topic')]);
          break;
        }
        case 'tasmota': {
          const s = tasmotaSettings(text);
          const cmnd = s.get('FullTopic')!.replace('%prefix%', 'cmnd').replace('%topic%', s.get('Topic')!);
          for (const t of [...topics({ action: 'unlock', seconds: 5 }), ...topics({ action: 'lock' })]) expect(t.startsWith(cmnd)).toBe(true);
          break;
        }
        case 'esp-rfid': {
          const config = JSON.parse(text) as unknown;
          expect(topics({ action: 'unlock' })).toEqual([at(config, 'safekeep', 'commandTopic')]);
          expect(topics({ action: 'unlock' })).toEqual([`${String(at(config, 'mqtt', 'topic'))}/cmd`]);
          const doorip = JSON.parse(commander.preview(lockId, { action: 'unlock' })[0]!.payload) as { doorip: string };
          expect(doorip.doorip).toBe(at(config, 'safekeep', 'controllerIp'));
          break;
        }
        case 'safekeep':
          expect(topics({ action: 'unlock', seconds: 5 })).toEqual([at(JSON.parse(text), 'topics', 'command')]);
          break;
      }
    }
  });
});
