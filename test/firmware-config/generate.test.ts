import { describe, expect, it } from 'vitest';
import { BoardError, boardsOf } from '../../devices/firmware-config/boards';
import { BrokerAddressError, parseBrokerAddress } from '../../devices/firmware-config/broker';
import { CredentialsFileError, formatCredentials, mergeCredentials, parseCredentials, randomPassword } from '../../devices/firmware-config/credentials';
import { Lambda, parseEsphomeYaml, Secret } from '../../devices/firmware-config/esphome-yaml';
import { boardFilePath, generateFirmwareConfigs, type GenerateOptions } from '../../devices/firmware-config/generate';
import type { OfficeConfig } from '../../server/config/office-schema';
import { demoOffice } from '../support/office';
import { at, tasmotaSettings } from './helpers';

const BROKER = { host: '192.168.10.2', port: 18830 };

function counter(): () => string {
  let n = 0;
  return () => `Pw${String(++n).padStart(22, '0')}`;
}

const generate = (office: OfficeConfig, extra: Partial<GenerateOptions> = {}) =>
  generateFirmwareConfigs(office, { broker: BROKER, newPassword: counter(), ...extra });

const fileOf = (result: ReturnType<typeof generate>, path: string): string => {
  const file = result.files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} among ${result.files.map((f) => f.path).join(', ')}`);
  return file.content;
};

describe('firmware configs for the demo office', () => {
  const office = demoOffice();
  const result = generate(office);

  it('writes one config per MQTT board, named after its topic, plus credentials and ESPHome secrets', () => {
    const mqttTopics = new Set(office.devices.flatMap((d) => (d.transport.type === 'mqtt' ? [`${d.transport.firmware} ${d.transport.topic}`] : [])));
    expect(result.boards).toHaveLength(mqttTopics.size);
    const paths = result.files.map((f) => f.path);
    for (const board of result.boards) expect(paths).toContain(boardFilePath(board));
    expect(paths).toEqual(
      expect.arrayContaining([
        'credentials.csv',
        'esphome/secrets.yaml',
        'esphome/safekeep-cab-1.yaml',
        'tasmota/cab-2.txt',
        'esp-rfid/esp-rfid-cab-3.json',
        'safekeep/safekeep-cab-4.json',
        'esphome/safekeep-shred-1.yaml',
      ]),
    );
    // Everything holding a password is private; secrets.yaml survives regeneration.
    for (const f of result.files) expect(f.mode).toBe(0o600);
    expect(result.files.find((f) => f.path === 'esphome/secrets.yaml')?.keepIfExists).toBe(true);
  });

  it('gives every board its own MQTT user, the office file\'s username where it names one', () => {
    const creds = parseCredentials(fileOf(result, 'credentials.csv'));
    expect(creds.map((c) => c.board)).toEqual(result.boards.map((b) => b.name));
    expect(new Set(creds.map((c) => c.username)).size).toBe(creds.length);
    expect(new Set(creds.map((c) => c.password)).size).toBe(creds.length);
    expect(creds.find((c) => c.board === 'esp-rfid-cab-3')?.username).toBe('cab-3');
  });

  it('writes ESPHome YAML that parses and has the keys ESPHome requires', () => {
    const creds = new Map(parseCredentials(fileOf(result, 'credentials.csv')).map((c) => [c.board, c]));
    for (const board of result.boards.filter((b) => b.firmware === 'esphome')) {
      const doc = parseEsphomeYaml(fileOf(result, boardFilePath(board)));
      expect(at(doc, 'esphome', 'name')).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,29}[a-z0-9])?$/);
      expect(at(doc, 'esp32', 'board')).toBe('esp32dev');
      expect(at(doc, 'wifi', 'ssid')).toEqual(new Secret('wifi_ssid'));
      expect(at(doc, 'wifi', 'password')).toEqual(new Secret('wifi_password'));
      expect(at(doc, 'ota', 0, 'platform')).toBe('esphome');
      expect(at(doc, 'mqtt')).toMatchObject({
        broker: '192.168.10.2',
        port: 18830,
        username: creds.get(board.name)?.username,
        password: creds.get(board.name)?.password,
        topic_prefix: board.topic,
        discovery: false,
        clean_session: true,
        birth_message: { topic: `${board.topic}/status`, payload: 'online', retain: true },
        will_message: { topic: `${board.topic}/status`, payload: 'offline', retain: true },
      });
      expect(at(doc, 'logger', 'level')).toBe('INFO');
    }
    const cab1 = parseEsphomeYaml(fileOf(result, 'esphome/safekeep-cab-1.yaml'));
    expect(at(cab1, 'wiegand', 0, 'on_tag', 0, 'mqtt.publish')).toEqual({ topic: 'safekeep/cab-1/wiegand', qos: 1, retain: false, payload: new Lambda('return x;') });
    expect(at(cab1, 'lock', 0)).toMatchObject({ platform: 'template', command_topic: 'safekeep/cab-1/lock/lock/command', state_topic: 'safekeep/cab-1/lock/lock/state' });
    expect(at(cab1, 'binary_sensor', 0, 'state_topic')).toBe('safekeep/cab-1/binary_sensor/door/state');
    // The shred bin has no lock, so no lock, script or pulse subscription.
    const shred = parseEsphomeYaml(fileOf(result, 'esphome/safekeep-shred-1.yaml')) as Record<string, unknown>;
    expect(shred.lock).toBeUndefined();
    expect(shred.script).toBeUndefined();
    expect((shred.mqtt as Record<string, unknown>).on_message).toBeUndefined();
  });

  it('writes Tasmota commands for the wiring the server assumes', () => {
    const s = tasmotaSettings(fileOf(result, 'tasmota/cab-2.txt'));
    const cred = parseCredentials(fileOf(result, 'credentials.csv')).find((c) => c.board === 'cab-2');
    expect(Object.fromEntries(s)).toMatchObject({
      MqttHost: '192.168.10.2',
      MqttPort: '18830',
      MqttUser: cred?.username,
      MqttPassword: cred?.password,
      Topic: 'cab-2',
      FullTopic: '%prefix%/%topic%/',
      SwitchMode1: '15',
      PowerOnState: '0',
      PowerRetain: '0',
      SetOption52: '1',
      TelePeriod: '60',
      'Rule1:enable': '1',
    });
    expect(s.get('GroupTopic1')).not.toBe('tasmotas');
    expect(s.get('Rule1')).toMatch(/Rules#Timer=1 DO Power1 OFF/);
  });

  it('writes esp-rfid and Safekeep JSON that parses', () => {
    const espRfid = JSON.parse(fileOf(result, 'esp-rfid/esp-rfid-cab-3.json')) as unknown;
    expect(at(espRfid, 'mqtt')).toMatchObject({ enabled: 1, host: '192.168.10.2', port: 18830, topic: 'esp-rfid/cab-3', user: 'cab-3' });
    expect((espRfid as { safekeep?: { warning?: string } }).safekeep?.warning).toBeUndefined();
    const sk = JSON.parse(fileOf(result, 'safekeep/safekeep-cab-4.json')) as unknown;
    expect(at(sk, 'topics')).toEqual({ read: 'safekeep/cab-4/read', status: 'safekeep/cab-4/status', ack: 'safekeep/cab-4/ack', command: 'safekeep/cab-4/command' });
    expect(at(sk, 'mqtt', 'cleanSession')).toBe(true);
    // With the controller's IP in the office file, the server can open every lock.
    expect(result.warnings.some((w) => w.startsWith('cab-3-lock'))).toBe(false);
  });
});

describe('credentials', () => {
  const office = demoOffice();

  it('are stable: the same office and credentials file give the same passwords', () => {
    const first = generate(office);
    const csv = fileOf(first, 'credentials.csv');
    const again = generate(office, { existingCredentials: csv, newPassword: () => 'Different0000000000000000' });
    expect(fileOf(again, 'credentials.csv')).toBe(csv);
    expect(again.created).toEqual([]);
    for (const f of first.files) expect(fileOf(again, f.path)).toBe(f.content);
  });

  it('draw passwords only for new boards and drop boards that are gone', () => {
    const before = parseCredentials(fileOf(generate(office), 'credentials.csv'));
    const smaller: OfficeConfig = { ...office, devices: office.devices.filter((d) => !d.id.startsWith('cab-2-')) };
    const shrunk = generate(smaller, { existingCredentials: formatCredentials(before) });
    expect(shrunk.removed).toEqual(['cab-2']);
    const grown = generate(office, { existingCredentials: fileOf(shrunk, 'credentials.csv'), newPassword: () => 'NewPassword0000000000000' });
    expect(grown.created).toEqual(['cab-2']);
    const after = parseCredentials(fileOf(grown, 'credentials.csv'));
    for (const c of after.filter((c) => c.board !== 'cab-2')) expect(c.password).toBe(before.find((b) => b.board === c.board)?.password);
    expect(after.find((c) => c.board === 'cab-2')?.password).toBe('NewPassword0000000000000');
  });

  it('keep a password when only the username changes', () => {
    const merged = mergeCredentials([{ name: 'cab-2', username: 'cabinet-b' }], [{ board: 'cab-2', username: 'cab-2', password: 'KeepMe000000000000000000' }]);
    expect(merged.credentials).toEqual([{ board: 'cab-2', username: 'cabinet-b', password: 'KeepMe000000000000000000' }]);
  });

  it('refuse a damaged credentials file rather than losing passwords', () => {
    expect(() => parseCredentials('board,username,password\ncab-2,cab-2\n')).toThrow(CredentialsFileError);
    expect(() => parseCredentials('cab-2,cab-2,KeepMe000000000000000000\ncab-2,x,KeepMe000000000000000000\n')).toThrow(/twice/);
  });

  it('are 24 random letters and digits', () => {
    const pw = randomPassword();
    expect(pw).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(randomPassword()).not.toBe(pw);
  });
});

describe('boards and broker addresses', () => {
  it('refuse two devices of one board naming different MQTT users', () => {
    const office = demoOffice();
    const devices = office.devices.map((d) => (d.id === 'cab-3-door' && d.transport.type === 'mqtt' ? { ...d, transport: { ...d.transport, username: 'other' } } : d));
    expect(() => boardsOf({ ...office, devices })).toThrow(BoardError);
  });

  it('tell apart esp-rfid controllers that share a topic by their IP', () => {
    const office = demoOffice();
    const shared = office.devices
      .filter((d) => d.id.startsWith('cab-3-'))
      .map((d) => ({ ...d, id: d.id.replace('cab-3', 'cab-5'), transport: { ...d.transport, username: 'cab-5', ip: '10.0.0.5' } }));
    const boards = boardsOf({ ...office, devices: [...office.devices, ...(shared as OfficeConfig['devices'])] });
    expect(boards.filter((b) => b.firmware === 'esp-rfid').map((b) => b.name)).toEqual(['esp-rfid-cab-3', 'esp-rfid-cab-3-10-0-0-5']);
  });

  it('parse host[:port] and refuse loopback, which boards cannot reach', () => {
    expect(parseBrokerAddress('192.168.10.2', 18830)).toEqual({ host: '192.168.10.2', port: 18830 });
    expect(parseBrokerAddress('broker.office.lan:1883', 18830)).toEqual({ host: 'broker.office.lan', port: 1883 });
    expect(parseBrokerAddress('[fd00::2]:8883', 1883)).toEqual({ host: 'fd00::2', port: 8883 });
    expect(() => parseBrokerAddress('127.0.0.1', 1883)).toThrow(BrokerAddressError);
    expect(() => parseBrokerAddress('localhost:1883', 1883)).toThrow(/loopback/);
    expect(() => parseBrokerAddress('mqtt://x', 1883)).toThrow(BrokerAddressError);
    expect(() => parseBrokerAddress('host:99999', 1883)).toThrow(BrokerAddressError);
  });
});
