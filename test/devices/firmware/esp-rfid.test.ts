import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEspRfid, type EspRfidConfig } from '../../../devices/decoders/firmware/esp-rfid';
import { assertWellFormed, firmwarePayloads, firmwareTopics, FUZZ_RUNS, FUZZ_TIMEOUT_MS, payload, readsOf, toEvent } from '../helpers';

const config: EspRfidConfig = { topic: '/rfid', uidFormat: 'hex', hostname: 'esp-rfid-cab3' };
const decode = (topic: string, body: unknown, c: EspRfidConfig = config) => decodeEspRfid(topic, payload(body), c);

// esprfid/esp-rfid README-MQTT.md ("Messages sent by ESP-RFID"), with a real UID in place of
// "token UID"; current MFRC522 builds print it lowercase and zero-padded (devices.md §1).
const FIXTURES = {
  known: { type: 'access', time: 1605991375, isKnown: 'true', access: 'Always', username: 'username', uid: '0a1b2c3d', hostname: 'esp-rfid-cab3' },
  unknown: { type: 'access', time: 1605991375, isKnown: 'false', access: 'Denied', username: 'Unknown', uid: '0a1b2c3d', hostname: 'esp-rfid-cab3' },
  // devices.md §3: with several doors, access and doorName become arrays
  multiDoor: { type: 'access', time: 1605991375, isKnown: 'true', access: ['Always', 'Denied'], doorName: ['Front', 'Archive'], username: 'u', uid: '0a1b2c3d', hostname: 'esp-rfid-cab3' },
  heartbeat: { type: 'heartbeat', time: 1605991375, uptime: 999, ip: '192.168.1.50', hostname: 'esp-rfid-cab3' },
  boot: { type: 'boot', time: 1605987212, uptime: 0, ip: '192.168.1.50', hostname: 'esp-rfid-cab3' },
  doorOpen: { type: 'INFO', src: 'door', desc: 'Door Open', data: '', time: 1605991375, cmd: 'event', hostname: 'esp-rfid-cab3' },
  doorClosed: { type: 'INFO', src: 'door', desc: 'Door Closed', data: '', time: 1605991375, cmd: 'event', hostname: 'esp-rfid-cab3' },
  unknownTagEvent: { type: 'WARN', src: 'rfid', desc: 'Unknown rfid tag is scanned', data: '', time: 1605991375, cmd: 'event', hostname: 'esp-rfid-cab3' },
  // Home Assistant mode, TOPIC/tag
  haTag: { uid: '0a1b2c3d', username: 'username', access: 'Always', time: 1605991375 },
  // src/mqtt.esp (stable branch): mqtt_publish_heartbeat spells the type "hearthbeat", on TOPIC itself
  stableHeartbeat: { type: 'hearthbeat', time: 1605991375 },
  // src/mqtt.esp: the "opendoor" command is echoed as mqtt_publish_access(now(), "true", "Always", "MQTT", " ")
  opendoorEcho: { type: 'access', time: 1605991375, isKnown: 'true', access: 'Always', username: 'MQTT', uid: ' ', hostname: 'esp-rfid-cab3' },
};
const TS = '2020-11-21T20:42:55.000Z'; // 1605991375

describe('decodeEspRfid', () => {
  it('reads access messages, known or not, with the device time', () => {
    const expected = [{ kind: 'badge', credential: { canonical: '0A1B2C3D', raw: '0a1b2c3d', format: 'hex' }, tsDevice: TS }];
    expect(readsOf(decode('/rfid/send', FIXTURES.known))).toEqual(expected);
    expect(readsOf(decode('/rfid/send', FIXTURES.unknown))).toEqual(expected);
    toEvent(readsOf(decode('/rfid/send', FIXTURES.known))[0]!);
  });

  it('reads PN532 unpadded UIDs through the uid-unpadded rule', () => {
    const pn532 = { ...config, uidFormat: 'uid-unpadded' as const };
    expect(readsOf(decode('/rfid/send', { ...FIXTURES.known, uid: 'a1b2c3d' }, pn532))[0]).toMatchObject({
      credential: { canonical: 'A1B2C3D', format: 'uid-unpadded' },
    });
  });

  it('attributes multi-door swipes to the configured door', () => {
    expect(readsOf(decode('/rfid/send', FIXTURES.multiDoor, { ...config, door: 'Archive' }))).toHaveLength(1);
    expect(readsOf(decode('/rfid/send', FIXTURES.multiDoor, { ...config, door: 'Back' }))).toEqual([]);
    expect(readsOf(decode('/rfid/send', FIXTURES.multiDoor))).toHaveLength(1);
  });

  it('reads heartbeat, boot and door events; both heartbeat spellings', () => {
    expect(readsOf(decode('/rfid/send', FIXTURES.heartbeat))).toEqual([{ kind: 'heartbeat', tsDevice: TS }]);
    expect(readsOf(decode('/rfid', FIXTURES.stableHeartbeat))).toEqual([{ kind: 'heartbeat', tsDevice: TS }]);
    expect(readsOf(decode('/rfid/send', FIXTURES.boot))).toEqual([{ kind: 'availability', state: 'online', tsDevice: '2020-11-21T19:33:32.000Z' }]);
    expect(readsOf(decode('/rfid/send', FIXTURES.doorOpen))).toEqual([{ kind: 'door', state: 'open', tsDevice: TS }]);
    expect(readsOf(decode('/rfid/send', FIXTURES.doorClosed))).toEqual([{ kind: 'door', state: 'closed', tsDevice: TS }]);
  });

  it('does not double a swipe with its "Unknown rfid tag" event, nor record an opendoor echo', () => {
    expect(readsOf(decode('/rfid/send', FIXTURES.unknownTagEvent))).toEqual([]);
    expect(readsOf(decode('/rfid/send', FIXTURES.opendoorEcho))).toEqual([]);
  });

  it('reads Home Assistant mode topics', () => {
    expect(readsOf(decode('/rfid/tag', FIXTURES.haTag))).toHaveLength(1);
    expect(readsOf(decode('/rfid/io/door', 'ON'))).toEqual([{ kind: 'door', state: 'open' }]);
    expect(readsOf(decode('/rfid/io/lock', 'LOCKED'))).toEqual([{ kind: 'lock', state: 'locked' }]);
    expect(readsOf(decode('/rfid/io/lock2', 'UNLOCKED'))).toEqual([{ kind: 'lock', state: 'unlocked' }]);
    expect(readsOf(decode('/rfid/avty', 'offline'))).toEqual([{ kind: 'availability', state: 'offline' }]);
    expect(readsOf(decode('/rfid/io/tamper', 'ON'))).toEqual([]);
  });

  it('keeps only its own hostname on a shared TOPIC, and ignores commands', () => {
    expect(readsOf(decode('/rfid/send', { ...FIXTURES.known, hostname: 'esp-rfid-front' }))).toEqual([]);
    expect(readsOf(decode('/rfid/cmd', { cmd: 'opendoor', doorip: '192.168.1.50' }))).toEqual([]);
    expect(readsOf(decode('/rfidx/send', FIXTURES.known))).toEqual([]);
  });

  it('drops an unset clock and returns typed errors', () => {
    expect(readsOf(decode('/rfid/send', { ...FIXTURES.heartbeat, time: 12 }))).toEqual([{ kind: 'heartbeat' }]);
    expect(decode('/rfid/send', { ...FIXTURES.known, uid: 42.5 })).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('/rfid/send', { ...FIXTURES.known, uid: 'zz' })).toMatchObject({ ok: false, error: { code: 'invalid-credential' } });
    expect(decode('/rfid/send', 'not json')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('/rfid/io/door', 'open')).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});

describe('decodeEspRfid fuzzing', () => {
  const topics = firmwareTopics(['/rfid', '/rfid/send', '/rfid/tag', '/rfid/avty', '/rfid/io/door', '/rfid/io/lock1', '/rfid/cmd']);
  const payloads = firmwarePayloads([...Object.values(FIXTURES), 'online', 'ON', 'LOCKED']);

  it(
    `never throws; every result is typed and every read a valid event (${FUZZ_RUNS} messages)`,
    () => {
      const pn532 = { ...config, uidFormat: 'uid-unpadded' as const, door: 'Archive' };
      fc.assert(
        fc.property(topics, payloads, fc.boolean(), (topic, body, alt) => assertWellFormed(decodeEspRfid(topic, body, alt ? pn532 : config), body)),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
