import { safekeepTopics } from '../decoders/firmware/safekeep';

/** What a simulated device does; turned into exactly what that firmware would publish. */
export type SimulatedAct =
  | { kind: 'badge'; uidHex: string }
  | { kind: 'door'; state: 'open' | 'closed' }
  | { kind: 'lock'; state: 'locked' | 'unlocked' }
  /** Only Safekeep's own firmware carries scans over MQTT; the others have no scanner component. */
  | { kind: 'barcode'; data: string };

export interface SimulatedBoard {
  firmware: 'tasmota' | 'esphome' | 'esp-rfid' | 'safekeep';
  topic: string;
  credentialFormat?: string;
  /** Roles of the devices on this board: a board only does what its devices can. */
  roles: string[];
}

export interface PublishContext {
  now: Date;
  boot: string;
  seq: number;
}

const onOff = (on: boolean) => (on ? 'ON' : 'OFF');

/** Tasmota's default "Time" is local wall-clock time without an offset. */
function tasmotaTime(now: Date): string {
  return now.toISOString().slice(0, 19);
}

/** The low 3 bytes as one decimal number: what a Wiegand-26 reader reports. */
const w26 = (uidHex: string) => String(Number.parseInt(uidHex.slice(-6), 16));

/** esp-rfid's PN532 build prints each byte with String(byte, HEX): lowercase, no padding. */
const unpaddedLower = (uidHex: string) => (uidHex.match(/../g) ?? []).map((b) => Number.parseInt(b, 16).toString(16)).join('');

/** One MQTT message as the board's firmware would send it (sources in devices/decoders/firmware). */
export function firmwareMessage(board: SimulatedBoard, act: SimulatedAct, ctx: PublishContext): { topic: string; payload: string } {
  const t = board.topic;
  if (act.kind === 'barcode') {
    if (board.firmware !== 'safekeep') throw new Error(`${board.firmware} firmware sends no barcode scans`);
    const envelope = { boot: ctx.boot, seq: ctx.seq, ts: ctx.now.toISOString() };
    return { topic: safekeepTopics(t.replace(/^safekeep\//, '')).read, payload: JSON.stringify({ ...envelope, kind: 'barcode', data: act.data }) };
  }
  switch (board.firmware) {
    case 'tasmota':
      if (act.kind === 'badge') return { topic: `tele/${t}/SENSOR`, payload: JSON.stringify({ Time: tasmotaTime(ctx.now), RDM6300: { UID: act.uidHex } }) };
      if (act.kind === 'door') return { topic: `tele/${t}/SENSOR`, payload: JSON.stringify({ Time: tasmotaTime(ctx.now), Switch1: onOff(act.state === 'open') }) };
      return { topic: `stat/${t}/POWER`, payload: onOff(act.state === 'unlocked') };
    case 'esphome':
      if (act.kind === 'badge') {
        return board.credentialFormat === 'w26'
          ? { topic: `${t}/wiegand`, payload: w26(act.uidHex) }
          : { topic: `${t}/rfid`, payload: JSON.stringify({ uid: Number.parseInt(act.uidHex.slice(-8), 16), src: 'rdm6300' }) };
      }
      if (act.kind === 'door') return { topic: `${t}/binary_sensor/door/state`, payload: onOff(act.state === 'open') };
      return { topic: `${t}/lock/lock/state`, payload: act.state.toUpperCase() };
    case 'esp-rfid':
      if (act.kind === 'badge') {
        const uid = board.credentialFormat === 'uid-unpadded' ? unpaddedLower(act.uidHex) : act.uidHex.toLowerCase();
        const time = Math.floor(ctx.now.getTime() / 1000);
        return { topic: `${t}/send`, payload: JSON.stringify({ type: 'access', time, isKnown: 'true', access: 'Always', username: 'badge', uid, hostname: 'esp-rfid' }) };
      }
      if (act.kind === 'door') return { topic: `${t}/io/door`, payload: onOff(act.state === 'open') };
      return { topic: `${t}/io/lock`, payload: act.state.toUpperCase() };
    case 'safekeep': {
      const envelope = { boot: ctx.boot, seq: ctx.seq, ts: ctx.now.toISOString() };
      const topic = safekeepTopics(t.replace(/^safekeep\//, '')).read;
      if (act.kind === 'badge') return { topic, payload: JSON.stringify({ ...envelope, kind: 'badge', uid: act.uidHex, format: 'hex' }) };
      return { topic, payload: JSON.stringify({ ...envelope, kind: act.kind, state: act.state }) };
    }
  }
}
