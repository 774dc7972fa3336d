/**
 * What the server can ask of a lock, and the message that carries it. The per-firmware encoders in
 * firmware-commands.ts turn one of these into MQTT messages; DeviceCommander publishes them.
 */

/** `seconds` on unlock asks the board itself to relock after that long (a pulse). */
export type LockCommand = { action: 'unlock'; seconds?: number } | { action: 'lock' };

/**
 * The longest unlock anything generated here allows. Boards enforce it themselves (Tasmota Rule,
 * ESPHome delay), so a cabinet cannot stay open forever because the server went away mid-visit.
 */
export const MAX_UNLOCK_SECONDS = 3600;

/** One MQTT publish. The literal types make a retained or QoS 0 command a compile error. */
export interface CommandMessage {
  topic: string;
  payload: string;
  qos: 1;
  retain: false;
}

export type CommandErrorCode =
  | 'unknown-device' // no device with that id in the office file
  | 'not-a-lock' // the device exists but its role is not lock
  | 'unsupported' // the firmware or transport cannot carry this command
  | 'not-configured' // the office file lacks something the firmware needs (esp-rfid's IP)
  | 'invalid' // a malformed command, e.g. a pulse of 0 or 10 000 seconds
  | 'not-connected'; // no MQTT connection: refused rather than queued (see DeviceCommander)

export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * Checks a command before any encoder sees it. Whole seconds only: Tasmota's PulseTime and the
 * Safekeep scheme carry seconds, and a fractional pulse would be rounded differently per firmware.
 */
export function checkCommand(command: LockCommand): LockCommand {
  if (command.action === 'lock') return { action: 'lock' };
  if (command.action !== 'unlock') throw new CommandError('invalid', `unknown action ${JSON.stringify((command as { action: unknown }).action)}`);
  if (command.seconds === undefined) return { action: 'unlock' };
  const s = command.seconds;
  if (!Number.isInteger(s) || s < 1 || s > MAX_UNLOCK_SECONDS) {
    throw new CommandError('invalid', `unlock seconds must be a whole number from 1 to ${MAX_UNLOCK_SECONDS}, got ${String(s)}`);
  }
  return { action: 'unlock', seconds: s };
}

export const message = (topic: string, payload: string): CommandMessage => ({ topic, payload, qos: 1, retain: false });
