import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTasmota, type TasmotaConfig } from '../../../devices/decoders/firmware/tasmota';
import { assertWellFormed, firmwarePayloads, firmwareTopics, FUZZ_RUNS, FUZZ_TIMEOUT_MS, payload, readsOf, toEvent } from '../helpers';

const config: TasmotaConfig = {
  topic: 'tasmota_8EC793',
  doorSwitches: { 1: 'closed' }, // reed switch closed (ON) while the cabinet door is shut
  lockRelays: { 1: 'unlocked' }, // fail-secure strike: energised (ON) opens it
  timeZone: 'Europe/Amsterdam',
};
const decode = (topic: string, body: unknown, c: TasmotaConfig = config) => decodeTasmota(topic, payload(body), c);

// Payloads from devices.md §3 and the Tasmota sources it cites.
const FIXTURES = {
  // xsns_51_rdm6300.ino: ResponseTime_P(",\"RDM6300\":{\"UID\":\"%08X\"}}")
  rdm6300: { Time: '2021-01-21T16:04:12', RDM6300: { UID: '008EC793' } },
  // xsns_40_pn532.ino: 7-byte NTAG UID through ToHex_P, with Data
  pn532: { Time: '2021-01-21T16:04:12', PN532: { UID: '04A1B2C3D4E580', Data: '' } },
  // xsns_80 (devices.md): {"RC522":{"UID":…}} with optional Data and Type
  rc522: { Time: '2021-01-21T16:04:12', RC522: { UID: 'E3A1B2C4', Data: '', Type: 'MIFARE 1KB' } },
  // xsns_82_wiegand.ino header: "{"Time":"2021-01-21T16:04:12","Wiegand":{"UID":7748328,"Size":26}}"
  wiegand: { Time: '2021-01-21T16:04:12', Wiegand: { UID: 7748328, Size: 26 } },
  // the same with SetOption123 1: "%X" + "h"
  wiegandHex: { Time: '2021-01-21T16:04:12', Wiegand: { UID: '763AE8h', Size: 26 } },
  // tasmota/docs Buttons-and-Switches, SwitchMode 15
  switchSensor: { Time: '2021-01-21T16:04:12', Switch1: 'OFF' },
  // SetOption114 1
  switchResult: { Switch1: { Action: 'ON' } },
  powerResult: { POWER: 'OFF' },
  state: { Time: '2021-01-21T16:09:12', Uptime: '0T00:05:00', POWER: 'ON', Wifi: { AP: 1, RSSI: 80 } },
};

describe('decodeTasmota', () => {
  it('reads the RDM6300 UID as the 4 tag bytes, with the local Time placed in UTC', () => {
    const reads = readsOf(decode('tele/tasmota_8EC793/SENSOR', FIXTURES.rdm6300));
    expect(reads).toEqual([
      { kind: 'badge', credential: { canonical: '008EC793', raw: '008EC793', format: 'hex' }, tsDevice: '2021-01-21T15:04:12.000Z' },
    ]);
    toEvent(reads[0]!);
  });

  it('places times across daylight saving in the configured zone, and honours SetOption52 offsets', () => {
    const summer = { ...FIXTURES.rdm6300, Time: '2021-07-01T16:04:12' };
    expect(readsOf(decode('tele/tasmota_8EC793/SENSOR', summer))[0]).toMatchObject({ tsDevice: '2021-07-01T14:04:12.000Z' });
    const withOffset = { ...FIXTURES.rdm6300, Time: '2021-01-21T16:04:12-05:00' };
    expect(readsOf(decode('tele/tasmota_8EC793/SENSOR', withOffset, { topic: 'tasmota_8EC793' }))[0]).toMatchObject({
      tsDevice: '2021-01-21T21:04:12.000Z',
    });
  });

  it('leaves tsDevice out when the zone is unknown or the clock was never set', () => {
    const noZone = readsOf(decode('tele/tasmota_8EC793/SENSOR', FIXTURES.rdm6300, { topic: 'tasmota_8EC793' }));
    expect(noZone[0]).not.toHaveProperty('tsDevice');
    const unset = readsOf(decode('tele/tasmota_8EC793/SENSOR', { ...FIXTURES.rdm6300, Time: '1970-01-01T00:01:05' }));
    expect(unset[0]).not.toHaveProperty('tsDevice');
  });

  it('reads PN532 and RC522 UIDs as their bytes', () => {
    expect(readsOf(decode('tele/tasmota_8EC793/SENSOR', FIXTURES.pn532))[0]).toMatchObject({ credential: { canonical: '04A1B2C3D4E580' } });
    expect(readsOf(decode('tele/tasmota_8EC793/SENSOR', FIXTURES.rc522))[0]).toMatchObject({ credential: { canonical: 'E3A1B2C4' } });
  });

  it('reads Wiegand UIDs as numbers or SetOption123 hex, both to the same badge', () => {
    const number = readsOf(decode('tele/tasmota_8EC793/SENSOR', FIXTURES.wiegand));
    const hex = readsOf(decode('tele/tasmota_8EC793/SENSOR', FIXTURES.wiegandHex));
    expect(number[0]).toMatchObject({ credential: { canonical: '763AE8', raw: '7748328', format: 'w26' } });
    expect(hex[0]).toMatchObject({ credential: { canonical: '763AE8', raw: '763AE8h', format: 'w26' } });
  });

  it('refuses Wiegand UID 0 (how Tasmota reports a parity error) and 34-bit values over 32 bits', () => {
    const zero = decode('tele/tasmota_8EC793/SENSOR', { Wiegand: { UID: 0, Size: 26 } });
    expect(zero).toMatchObject({ ok: false, error: { code: 'invalid-credential' } });
    // The xsns_82 header's own 34-bit example predates its 2022 parity fix: 4302741608 needs 33 bits.
    const wide = decode('tele/tasmota_8EC793/SENSOR', { Time: '2021-01-21T15:48:49', Wiegand: { UID: 4302741608, Size: 34 } });
    expect(wide).toMatchObject({ ok: false, error: { code: 'invalid-credential' } });
  });

  it('skips keypad PINs (Size 4 or 8): they are not badges', () => {
    expect(readsOf(decode('tele/tasmota_8EC793/SENSOR', { Wiegand: { UID: 1234, Size: 4 } }))).toEqual([]);
  });

  it('reads LWT as availability', () => {
    expect(readsOf(decode('tele/tasmota_8EC793/LWT', 'Online'))).toEqual([{ kind: 'availability', state: 'online' }]);
    expect(readsOf(decode('tele/tasmota_8EC793/LWT', 'Offline'))).toEqual([{ kind: 'availability', state: 'offline' }]);
    expect(decode('tele/tasmota_8EC793/LWT', 'Maybe')).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('maps configured door switches with their wiring (ON = closed here)', () => {
    expect(readsOf(decode('tele/tasmota_8EC793/SENSOR', FIXTURES.switchSensor))).toEqual([
      { kind: 'door', state: 'open', tsDevice: '2021-01-21T15:04:12.000Z' },
    ]);
    expect(readsOf(decode('stat/tasmota_8EC793/RESULT', FIXTURES.switchResult))).toEqual([{ kind: 'door', state: 'closed' }]);
    expect(readsOf(decode('stat/tasmota_8EC793/RESULT', { Switch2: { Action: 'ON' } }))).toEqual([]);
  });

  it('maps configured lock relays from POWER, RESULT and STATE', () => {
    expect(readsOf(decode('stat/tasmota_8EC793/POWER', 'ON'))).toEqual([{ kind: 'lock', state: 'unlocked' }]);
    expect(readsOf(decode('stat/tasmota_8EC793/RESULT', FIXTURES.powerResult))).toEqual([{ kind: 'lock', state: 'locked' }]);
    expect(readsOf(decode('tele/tasmota_8EC793/STATE', FIXTURES.state))).toEqual([
      { kind: 'lock', state: 'unlocked', tsDevice: '2021-01-21T15:09:12.000Z' },
    ]);
    expect(readsOf(decode('stat/tasmota_8EC793/POWER2', 'ON'))).toEqual([]);
    expect(readsOf(decode('stat/tasmota_8EC793/POWER1', 'ON', { ...config, lockRelays: { 1: 'locked' } }))).toEqual([
      { kind: 'lock', state: 'locked' },
    ]);
  });

  it('ignores our own commands, other devices and telemetry it does not track', () => {
    expect(readsOf(decode('cmnd/tasmota_8EC793/POWER', 'ON'))).toEqual([]);
    expect(readsOf(decode('tele/tasmota_OTHER/SENSOR', FIXTURES.rdm6300))).toEqual([]);
    expect(readsOf(decode('tele/tasmota_8EC793/INFO1', { Module: 'Generic' }))).toEqual([]);
    expect(readsOf(decode('tele/tasmota_8EC793/SENSOR/extra', FIXTURES.rdm6300))).toEqual([]);
  });

  it('follows a custom FullTopic', () => {
    const custom = { ...config, fullTopic: 'lawoffice/%prefix%/%topic%/' };
    expect(readsOf(decode('lawoffice/tele/tasmota_8EC793/SENSOR', FIXTURES.rdm6300, custom))).toHaveLength(1);
    expect(readsOf(decode('tele/tasmota_8EC793/SENSOR', FIXTURES.rdm6300, custom))).toEqual([]);
  });

  it('returns typed errors for malformed payloads', () => {
    expect(decode('tele/tasmota_8EC793/SENSOR', '{"Time":')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('tele/tasmota_8EC793/SENSOR', [1, 2])).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('tele/tasmota_8EC793/SENSOR', { RDM6300: { UID: true } })).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(decode('tele/tasmota_8EC793/SENSOR', { RDM6300: { UID: 'XYZ' } })).toMatchObject({ ok: false, error: { code: 'invalid-credential' } });
    expect(decode('tele/tasmota_8EC793/SENSOR', 'x'.repeat(20_000))).toMatchObject({ ok: false, error: { code: 'too-large' } });
  });
});

describe('decodeTasmota fuzzing', () => {
  const topics = firmwareTopics(['tele/tasmota_8EC793/SENSOR', 'tele/tasmota_8EC793/LWT', 'tele/tasmota_8EC793/STATE', 'stat/tasmota_8EC793/RESULT', 'stat/tasmota_8EC793/POWER', 'stat/tasmota_8EC793/POWER3', 'cmnd/tasmota_8EC793/POWER']);
  const payloads = firmwarePayloads([...Object.values(FIXTURES), 'Online', 'Offline', 'ON', 'OFF']);

  it(
    `never throws; every result is typed and every read a valid event (${FUZZ_RUNS} messages)`,
    () => {
      fc.assert(
        fc.property(topics, payloads, (topic, body) => assertWellFormed(decodeTasmota(topic, body, config), body)),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
