import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEsphome, type EsphomeConfig } from '../../../devices/decoders/firmware/esphome';
import { assertWellFormed, firmwarePayloads, firmwareTopics, FUZZ_RUNS, FUZZ_TIMEOUT_MS, payload, readsOf, toEvent } from '../helpers';

// The cabinet node of devices.md §3 ("Suggested firmware-config/esphome/cabinet.yaml pattern").
const config: EsphomeConfig = { topicPrefix: 'lawoffice/cab3' };
const decode = (topic: string, body: unknown, c: EsphomeConfig = config) => decodeEsphome(topic, payload(body), c);

const FIXTURES = {
  // rdm6300 on_tag → mqtt.publish_json: root["uid"] = x (uint32); root["src"] = "rdm6300"
  rdm6300: { uid: 9357203, src: 'rdm6300' },
  // pn532/rc522 on_tag pass x as "74-10-37-94" (esphome nfc.cpp format_uid)
  pn532: { uid: '74-10-37-94', src: 'pn532' },
};

describe('decodeEsphome', () => {
  it('reads the rdm6300 uint32 as the 4 tag bytes of the running example', () => {
    const reads = readsOf(decode('lawoffice/cab3/rfid', FIXTURES.rdm6300));
    expect(reads).toEqual([{ kind: 'badge', credential: { canonical: '008EC793', raw: '9357203', format: 'dec10' } }]);
    toEvent(reads[0]!);
  });

  it('reads wiegand on_tag decimal strings as W26 by default', () => {
    // wiegand on_tag: mqtt.publish payload !lambda 'return x;' — a decimal string
    expect(readsOf(decode('lawoffice/cab3/wiegand', '9357203'))).toEqual([
      { kind: 'badge', credential: { canonical: '8EC793', raw: '9357203', format: 'w26' } },
    ]);
    expect(decode('lawoffice/cab3/wiegand', '4294967295')).toMatchObject({ ok: false, error: { code: 'invalid-credential' } });
    expect(readsOf(decode('lawoffice/cab3/wiegand', '4294967295', { ...config, tagTopics: { wiegand: 'w34' } }))[0]).toMatchObject({
      credential: { canonical: 'FFFFFFFF' },
    });
  });

  it('reads pn532 UIDs, as JSON with src or as the bare hyphenated string', () => {
    const expected = { canonical: '74103794', raw: '74-10-37-94', format: 'hex' };
    expect(readsOf(decode('lawoffice/cab3/rfid', FIXTURES.pn532))[0]).toMatchObject({ credential: expected });
    expect(readsOf(decode('lawoffice/cab3/rfid', '74-10-37-94'))[0]).toMatchObject({ credential: expected });
    expect(readsOf(decode('lawoffice/cab3/rfid', '"74-10-37-94"'))[0]).toMatchObject({ credential: expected });
  });

  it('infers Wiegand width from src, and honours an explicit format in the payload', () => {
    expect(readsOf(decode('lawoffice/cab3/rfid', { uid: '9357203', src: 'wiegand' }))[0]).toMatchObject({ credential: { format: 'w26' } });
    expect(readsOf(decode('lawoffice/cab3/rfid', { uid: '4294967295', src: 'wiegand' }))[0]).toMatchObject({ credential: { format: 'w34' } });
    expect(readsOf(decode('lawoffice/cab3/rfid', { uid: '14008EC793', format: 'em4100' }))[0]).toMatchObject({
      credential: { canonical: '008EC793' },
    });
  });

  it('refuses to guess what a bare number on an auto topic means', () => {
    expect(decode('lawoffice/cab3/rfid', '9357203')).toMatchObject({ ok: false, error: { code: 'ambiguous-format' } });
    expect(decode('lawoffice/cab3/rfid', { uid: 9357203 })).toMatchObject({ ok: false, error: { code: 'ambiguous-format' } });
  });

  it('reads availability, door binary sensors and lock states (esphome-docs mqtt.rst, mqtt_lock.cpp)', () => {
    expect(readsOf(decode('lawoffice/cab3/status', 'online'))).toEqual([{ kind: 'availability', state: 'online' }]);
    expect(readsOf(decode('lawoffice/cab3/status', 'offline'))).toEqual([{ kind: 'availability', state: 'offline' }]);
    // binary_sensor "Cabinet Door" → object id cabinet_door
    expect(readsOf(decode('lawoffice/cab3/binary_sensor/cabinet_door/state', 'ON'))).toEqual([{ kind: 'door', state: 'open' }]);
    expect(readsOf(decode('lawoffice/cab3/binary_sensor/cabinet_door/state', 'OFF'))).toEqual([{ kind: 'door', state: 'closed' }]);
    expect(readsOf(decode('lawoffice/cab3/binary_sensor/motion/state', 'ON'))).toEqual([]);
    expect(readsOf(decode('lawoffice/cab3/binary_sensor/lid/state', 'ON', { ...config, doorSensors: ['lid'] }))).toEqual([
      { kind: 'door', state: 'open' },
    ]);
    expect(readsOf(decode('lawoffice/cab3/lock/cabinet_lock/state', 'LOCKED'))).toEqual([{ kind: 'lock', state: 'locked' }]);
    expect(readsOf(decode('lawoffice/cab3/lock/cabinet_lock/state', 'JAMMED'))).toEqual([{ kind: 'lock', state: 'jammed' }]);
    expect(readsOf(decode('lawoffice/cab3/lock/cabinet_lock/state', 'UNLOCKING'))).toEqual([]);
  });

  it('ignores commands, discovery and other nodes; returns typed errors for bad payloads', () => {
    expect(readsOf(decode('lawoffice/cab3/lock/cabinet_lock/command', 'UNLOCK'))).toEqual([]);
    expect(readsOf(decode('lawoffice/cab4/rfid', FIXTURES.rdm6300))).toEqual([]);
    expect(decode('lawoffice/cab3/status', 'Online')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('lawoffice/cab3/binary_sensor/cabinet_door/state', 'open')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('lawoffice/cab3/lock/cabinet_lock/state', 'toString')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('lawoffice/cab3/rfid', '{"uid":')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('lawoffice/cab3/rfid', { src: 'pn532' })).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});

describe('decodeEsphome fuzzing', () => {
  const topics = firmwareTopics([
    'lawoffice/cab3/rfid',
    'lawoffice/cab3/wiegand',
    'lawoffice/cab3/status',
    'lawoffice/cab3/binary_sensor/cabinet_door/state',
    'lawoffice/cab3/lock/cabinet_lock/state',
  ]);
  const payloads = firmwarePayloads([...Object.values(FIXTURES), '9357203', '74-10-37-94', 'online', 'ON', 'LOCKED', 'JAMMED']);

  it(
    `never throws; every result is typed and every read a valid event (${FUZZ_RUNS} messages)`,
    () => {
      fc.assert(
        fc.property(topics, payloads, (topic, body) => assertWellFormed(decodeEsphome(topic, body, config), body)),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
