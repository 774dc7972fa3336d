import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_SUPPORT,
  esphomeLockMessages,
  espRfidLockMessages,
  lockMessages,
  safekeepLockMessages,
  tasmotaLockMessages,
  tasmotaPulseTime,
  type CommandFirmware,
} from '../../../devices/commands/firmware-commands';
import { CommandError, MAX_UNLOCK_SECONDS, type CommandMessage, type LockCommand } from '../../../devices/commands/lock-command';
import { codecFor } from '../../../devices/transports/firmware-codecs';

const UNLOCK: LockCommand = { action: 'unlock' };
const LOCK: LockCommand = { action: 'lock' };
const pulse = (seconds: number): LockCommand => ({ action: 'unlock', seconds });
const m = (topic: string, payload: string): CommandMessage => ({ topic, payload, qos: 1, retain: false });

/** The result, or undefined when esp-rfid refuses what it cannot do. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CommandError) return undefined;
    throw err;
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandError) return err.code;
    throw err;
  }
  return undefined;
}

describe('Tasmota lock commands (relay 1, ON = unlocked)', () => {
  it('locks with POWER1 OFF and unlocks with an explicit PulseTime, 0 meaning no pulse', () => {
    expect(tasmotaLockMessages('cab-2', LOCK)).toEqual([m('cmnd/cab-2/POWER1', 'OFF')]);
    expect(tasmotaLockMessages('cab-2', UNLOCK)).toEqual([m('cmnd/cab-2/Backlog', 'PulseTime1 0; POWER1 ON')]);
    expect(tasmotaLockMessages('cab-2', pulse(5))).toEqual([m('cmnd/cab-2/Backlog', 'PulseTime1 50; POWER1 ON')]);
    expect(tasmotaLockMessages('cab-2', LOCK, 2)).toEqual([m('cmnd/cab-2/POWER2', 'OFF')]);
  });

  it('encodes PulseTime as tenths up to 11.1 s and seconds + 100 above (tasmota/docs Commands)', () => {
    expect([1, 5, 11, 12, 60, MAX_UNLOCK_SECONDS].map(tasmotaPulseTime)).toEqual([10, 50, 110, 112, 160, MAX_UNLOCK_SECONDS + 100]);
  });
});

describe('ESPHome lock commands', () => {
  it('sends LOCK/UNLOCK on the lock command topic and a pulse as seconds on …/pulse', () => {
    expect(esphomeLockMessages('safekeep/cab-1', LOCK)).toEqual([m('safekeep/cab-1/lock/lock/command', 'LOCK')]);
    expect(esphomeLockMessages('safekeep/cab-1', UNLOCK)).toEqual([m('safekeep/cab-1/lock/lock/command', 'UNLOCK')]);
    expect(esphomeLockMessages('safekeep/cab-1', pulse(7))).toEqual([m('safekeep/cab-1/lock/lock/pulse', '7')]);
  });
});

describe('esp-rfid opendoor', () => {
  it('publishes {"cmd":"opendoor","doorip":…} on TOPIC/cmd (README-MQTT.md)', () => {
    const [msg] = espRfidLockMessages('esp-rfid/cab-3', UNLOCK, '192.168.10.53');
    expect(msg).toEqual(m('esp-rfid/cab-3/cmd', '{"cmd":"opendoor","doorip":"192.168.10.53"}'));
    expect(JSON.parse(espRfidLockMessages('esp-rfid/site', UNLOCK, '10.0.0.5', '2')[0]!.payload)).toEqual({ cmd: 'opendoor', doorip: '10.0.0.5', doornum: 2 });
  });

  it('refuses what esp-rfid cannot do instead of sending something else', () => {
    expect(codeOf(() => espRfidLockMessages('t', LOCK, '10.0.0.5'))).toBe('unsupported');
    expect(codeOf(() => espRfidLockMessages('t', pulse(5), '10.0.0.5'))).toBe('unsupported');
    expect(codeOf(() => espRfidLockMessages('t', UNLOCK, undefined))).toBe('not-configured');
    expect(codeOf(() => espRfidLockMessages('t', UNLOCK, '10.0.0.5', 'Back door'))).toBe('unsupported');
    expect(COMMAND_SUPPORT['esp-rfid']).toEqual({ lock: false, pulse: false });
  });
});

describe('Safekeep firmware commands', () => {
  it('sends {cmd, id, seconds?} on safekeep/<board>/command', () => {
    expect(safekeepLockMessages('cab-4', 'cab-4-lock', UNLOCK)).toEqual([m('safekeep/cab-4/command', '{"cmd":"unlock","id":"cab-4-lock"}')]);
    expect(safekeepLockMessages('cab-4', 'cab-4-lock', pulse(5))).toEqual([m('safekeep/cab-4/command', '{"cmd":"unlock","id":"cab-4-lock","seconds":5}')]);
    expect(safekeepLockMessages('cab-4', 'cab-4-lock', LOCK)).toEqual([m('safekeep/cab-4/command', '{"cmd":"lock","id":"cab-4-lock"}')]);
    expect(lockMessages({ deviceId: 'cab-4-lock', firmware: 'safekeep', topic: 'safekeep/cab-4' }, LOCK)[0]!.topic).toBe('safekeep/cab-4/command');
  });
});

describe('every command', () => {
  const targets = [
    { deviceId: 'a-lock', firmware: 'tasmota', topic: 'cab-2' },
    { deviceId: 'b-lock', firmware: 'esphome', topic: 'safekeep/cab-1' },
    { deviceId: 'c-lock', firmware: 'esp-rfid', topic: 'esp-rfid/cab-3', ip: '192.168.10.53' },
    { deviceId: 'd-lock', firmware: 'safekeep', topic: 'safekeep/cab-4' },
  ] as const;
  const command = fc.oneof(
    fc.constant<LockCommand>(LOCK),
    fc.constant<LockCommand>(UNLOCK),
    fc.integer({ min: 1, max: MAX_UNLOCK_SECONDS }).map(pulse),
  );

  it('is QoS 1 and never retained: a retained unlock would reopen the cabinet after every reconnect', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets), command, (target, c) => {
        let messages: CommandMessage[];
        try {
          messages = lockMessages(target, c);
        } catch (err) {
          // Only esp-rfid refuses, and only what COMMAND_SUPPORT says it cannot do.
          expect(err).toBeInstanceOf(CommandError);
          expect(target.firmware).toBe('esp-rfid');
          return;
        }
        expect(messages.length).toBeGreaterThan(0);
        for (const msg of messages) {
          expect(msg.retain).toBe(false);
          expect(msg.qos).toBe(1);
          expect(msg.topic).not.toMatch(/[#+]/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses pulses that are not whole seconds from 1 to the maximum', () => {
    for (const seconds of [0, -1, 1.5, MAX_UNLOCK_SECONDS + 1, Number.NaN]) {
      for (const target of targets) expect(codeOf(() => lockMessages(target, pulse(seconds)))).toBe('invalid');
    }
  });

  it('is not taken for a device read when the server receives its own command back', () => {
    // The server subscribes to <topic>/# for ESPHome and esp-rfid, so it hears its own commands.
    for (const target of targets) {
      const firmware: CommandFirmware = target.firmware;
      for (const c of [LOCK, UNLOCK, pulse(5)]) {
        const messages = attempt(() => lockMessages(target, c)) ?? [];
        for (const msg of messages) {
          const result = codecFor(firmware).decode(msg.topic, Buffer.from(msg.payload), { topic: target.topic });
          expect(result).toEqual({ ok: true, reads: [] });
        }
      }
    }
  });
});
