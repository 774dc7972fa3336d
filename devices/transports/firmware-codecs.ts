import type { CredentialFormat } from '../credentials/canonical';
import type { DecodeResult } from '../decoders/types';
import { decodeTasmota } from '../decoders/firmware/tasmota';
import { decodeEsphome } from '../decoders/firmware/esphome';
import { decodeEspRfid } from '../decoders/firmware/esp-rfid';
import { decodeSafekeep, encodeSafekeepAck, MAX_SEQS_PER_ACK, safekeepTopics } from '../decoders/firmware/safekeep';

/** What the office file says about one controller board on MQTT. */
export interface MqttBinding {
  topic: string;
  door?: string;
  credentialFormat?: CredentialFormat;
  /** The office's IANA zone: some firmware sends local time without an offset. */
  timeZone?: string;
}

/** How one firmware family speaks MQTT: what to subscribe to, how to decode, how to acknowledge. */
export interface FirmwareCodec {
  subscriptions(binding: MqttBinding): string[];
  matches(binding: MqttBinding, topic: string): boolean;
  decode(topic: string, payload: Buffer, binding: MqttBinding): DecodeResult;
  /** Only firmware that keeps reads until acknowledged has this: the messages that ack these reads. */
  acknowledge?(binding: MqttBinding, dedupeHints: readonly string[]): { topic: string; payload: Buffer }[];
}

const under = (base: string, topic: string) => topic === base || topic.startsWith(`${base}/`);

/** Safekeep boards are addressed as safekeep/<board>; the board id is what the scheme calls deviceId. */
const boardOf = (binding: MqttBinding) => binding.topic.replace(/^safekeep\//, '');

const tasmota: FirmwareCodec = {
  subscriptions: (b) => [`tele/${b.topic}/#`, `stat/${b.topic}/#`],
  matches: (b, topic) => under(`tele/${b.topic}`, topic) || under(`stat/${b.topic}`, topic),
  // Wiring decides what a switch or relay means; Safekeep's generated Tasmota configs wire the
  // door contact to Switch1 (ON = open) and the lock to relay 1 (ON = unlocked).
  decode: (topic, payload, b) =>
    decodeTasmota(topic, payload, {
      topic: b.topic,
      doorSwitches: { 1: 'open' },
      lockRelays: { 1: 'unlocked' },
      ...(b.timeZone ? { timeZone: b.timeZone } : {}),
    }),
};

const esphome: FirmwareCodec = {
  subscriptions: (b) => [`${b.topic}/#`],
  matches: (b, topic) => under(b.topic, topic),
  decode: (topic, payload, b) =>
    decodeEsphome(topic, payload, { topicPrefix: b.topic, ...(b.credentialFormat ? { tagTopics: { rfid: 'auto', wiegand: b.credentialFormat } } : {}) }),
};

const espRfid: FirmwareCodec = {
  subscriptions: (b) => [b.topic, `${b.topic}/#`],
  matches: (b, topic) => under(b.topic, topic),
  decode: (topic, payload, b) =>
    decodeEspRfid(topic, payload, { topic: b.topic, uidFormat: b.credentialFormat ?? 'hex', ...(b.door ? { door: b.door } : {}) }),
};

const safekeep: FirmwareCodec = {
  subscriptions: (b) => {
    const t = safekeepTopics(boardOf(b));
    return [t.read, t.status];
  },
  matches: (b, topic) => {
    const t = safekeepTopics(boardOf(b));
    return topic === t.read || topic === t.status;
  },
  decode: (topic, payload, b) => decodeSafekeep(topic, payload, { deviceId: boardOf(b) }),
  acknowledge: (b, dedupeHints) => {
    // A Set: a heartbeat reaches every device of its board, so one read can be settled twice.
    const seqsByBoot = new Map<string, Set<number>>();
    for (const hint of dedupeHints) {
      const cut = hint.lastIndexOf(':');
      const boot = hint.slice(0, cut);
      const seqs = seqsByBoot.get(boot);
      const seq = Number(hint.slice(cut + 1));
      if (seqs) seqs.add(seq);
      else seqsByBoot.set(boot, new Set([seq]));
    }
    const topic = safekeepTopics(boardOf(b)).ack;
    const acks: { topic: string; payload: Buffer }[] = [];
    for (const [boot, set] of seqsByBoot) {
      const seqs = [...set];
      for (let i = 0; i < seqs.length; i += MAX_SEQS_PER_ACK) acks.push({ topic, payload: encodeSafekeepAck(boot, seqs.slice(i, i + MAX_SEQS_PER_ACK)) });
    }
    return acks;
  },
};

const CODECS = { tasmota, esphome, 'esp-rfid': espRfid, safekeep } as const;

export function codecFor(firmware: keyof typeof CODECS): FirmwareCodec {
  return CODECS[firmware];
}
