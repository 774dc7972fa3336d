import { checkCommand, CommandError, message, type CommandMessage, type LockCommand } from './lock-command';

/**
 * Lock commands as each firmware expects them (devices.md §3, with sources), and the command
 * topics the generated firmware configs subscribe to: both sides import these helpers, so a topic
 * cannot drift between what the server sends and what a board listens on.
 *
 * Every message is QoS 1 and never retained. A retained unlock would be redelivered by the broker
 * to the board after every reconnect and reopen the cabinet (Tasmota "ghost switching",
 * Tasmota#5228; devices.md §6).
 */

export type CommandFirmware = 'tasmota' | 'esphome' | 'esp-rfid' | 'safekeep';

/** What each firmware can be asked to do; the correlation engine checks before promising a pulse. */
export const COMMAND_SUPPORT: Readonly<Record<CommandFirmware, { lock: boolean; pulse: boolean }>> = {
  tasmota: { lock: true, pulse: true },
  esphome: { lock: true, pulse: true },
  // esp-rfid only has "opendoor": the relay falls back after the board's own activation time.
  'esp-rfid': { lock: false, pulse: false },
  safekeep: { lock: true, pulse: true },
};

// --- Tasmota ---------------------------------------------------------------------------------

/** `cmnd/<topic>/<command>` under Tasmota's FullTopic (default "%prefix%/%topic%/"). */
export function tasmotaCommandTopic(topic: string, command: string, fullTopic = '%prefix%/%topic%/'): string {
  const base = fullTopic.endsWith('/') ? fullTopic : `${fullTopic}/`;
  return `${base.replace('%prefix%', 'cmnd').replace('%topic%', topic)}${command}`;
}

/**
 * Tasmota's PulseTime encoding (tasmota/docs Commands: 1..111 are tenths of a second, 112..64900
 * are seconds + 100), so 5 s is 50 and 60 s is 160.
 */
export function tasmotaPulseTime(seconds: number): number {
  return seconds * 10 <= 111 ? seconds * 10 : seconds + 100;
}

/**
 * Relay `relay` drives the lock, ON = unlocked (the wiring firmware-codecs.ts assumes). An unlock
 * always sets PulseTime first, to 0 when no pulse is asked: PulseTime is a stored setting, so a
 * plain "POWER1 ON" after an earlier pulse would silently become a pulse of that length.
 */
export function tasmotaLockMessages(topic: string, command: LockCommand, relay = 1): CommandMessage[] {
  const c = checkCommand(command);
  if (c.action === 'lock') return [message(tasmotaCommandTopic(topic, `POWER${relay}`), 'OFF')];
  const pulse = c.seconds === undefined ? 0 : tasmotaPulseTime(c.seconds);
  return [message(tasmotaCommandTopic(topic, 'Backlog'), `PulseTime${relay} ${pulse}; POWER${relay} ON`)];
}

// --- ESPHome ---------------------------------------------------------------------------------

/**
 * `<prefix>/lock/<object id>/command` takes LOCK / UNLOCK (esphome mqtt_lock.cpp). ESPHome has no
 * pulse command, so the generated YAML adds `…/pulse`, whose payload is the number of seconds.
 */
export function esphomeLockTopics(prefix: string, objectId = 'lock'): { state: string; command: string; pulse: string } {
  const base = `${prefix}/lock/${objectId}`;
  return { state: `${base}/state`, command: `${base}/command`, pulse: `${base}/pulse` };
}

export function esphomeLockMessages(prefix: string, command: LockCommand, objectId = 'lock'): CommandMessage[] {
  const c = checkCommand(command);
  const topics = esphomeLockTopics(prefix, objectId);
  if (c.action === 'lock') return [message(topics.command, 'LOCK')];
  if (c.seconds === undefined) return [message(topics.command, 'UNLOCK')];
  return [message(topics.pulse, String(c.seconds))];
}

// --- esp-rfid --------------------------------------------------------------------------------

/** esp-rfid reads commands from TOPIC/cmd (README-MQTT.md; src/mqtt.esp subscribes at QoS 2). */
export function espRfidCommandTopic(topic: string): string {
  return `${topic}/cmd`;
}

/**
 * `{"cmd":"opendoor","doorip":"<ip>"}`: esp-rfid drops any command whose doorip is not its own IP
 * (src/mqtt.esp onMqttMessage), because every controller of a site shares one TOPIC. `doornum` is
 * added only for a numbered door of a multi-door controller; builds that predate multi-door
 * support ignore it and open their first relay, which is why the installer's guide says to give
 * each cabinet its own controller.
 */
export function espRfidLockMessages(topic: string, command: LockCommand, doorIp: string | undefined, door?: string): CommandMessage[] {
  const c = checkCommand(command);
  if (c.action === 'lock') {
    throw new CommandError('unsupported', 'esp-rfid has no lock command: it relocks by itself after its configured activation time');
  }
  if (c.seconds !== undefined) {
    throw new CommandError('unsupported', 'esp-rfid cannot pulse for a chosen time: it opens for the activation time set on the controller');
  }
  if (!doorIp) {
    throw new CommandError('not-configured', 'esp-rfid needs the controller IP address (transport ip in the office file): it ignores commands without its own "doorip"');
  }
  const payload: Record<string, unknown> = { cmd: 'opendoor', doorip: doorIp };
  if (door !== undefined) {
    if (!/^\d{1,2}$/.test(door)) throw new CommandError('unsupported', `esp-rfid door "${door}" is not a door number, so it cannot be opened on its own`);
    payload.doornum = Number(door);
  }
  return [message(espRfidCommandTopic(topic), JSON.stringify(payload))];
}

// --- Safekeep firmware -----------------------------------------------------------------------

/** Server → board commands for Safekeep's own firmware, next to the read/status/ack topics. */
export function safekeepCommandTopic(board: string): string {
  return `safekeep/${board}/command`;
}

/** Safekeep boards are addressed as safekeep/<board> (firmware-codecs.ts boardOf). */
export const safekeepBoardOf = (topic: string): string => topic.replace(/^safekeep\//, '');

/**
 * `{"cmd":"unlock","id":"cab-4-lock","seconds":5}` on safekeep/<board>/command. `id` names the
 * lock, so one board may drive several; `seconds` is present only for a pulse.
 */
export function safekeepLockMessages(board: string, deviceId: string, command: LockCommand): CommandMessage[] {
  const c = checkCommand(command);
  const payload = c.action === 'unlock' && c.seconds !== undefined ? { cmd: c.action, id: deviceId, seconds: c.seconds } : { cmd: c.action, id: deviceId };
  return [message(safekeepCommandTopic(board), JSON.stringify(payload))];
}

// --- Dispatch --------------------------------------------------------------------------------

/** Everything about one lock that its firmware's command needs. */
export interface LockTarget {
  deviceId: string;
  firmware: CommandFirmware;
  topic: string;
  /** esp-rfid only: the controller's IP address, echoed as `doorip`. */
  ip?: string;
  /** esp-rfid only: the door of a multi-door controller. */
  door?: string;
}

export function lockMessages(target: LockTarget, command: LockCommand): CommandMessage[] {
  switch (target.firmware) {
    case 'tasmota':
      return tasmotaLockMessages(target.topic, command);
    case 'esphome':
      return esphomeLockMessages(target.topic, command);
    case 'esp-rfid':
      return espRfidLockMessages(target.topic, command, target.ip, target.door);
    case 'safekeep':
      return safekeepLockMessages(safekeepBoardOf(target.topic), target.deviceId, command);
  }
}
