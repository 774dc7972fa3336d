import type { DeviceEvent } from '../../server/ingest/device-event';

/**
 * What every decoder in this folder produces: a DeviceEvent minus the two fields only the adapter
 * knows (which device in the office file this is, and how to make the read idempotent).
 * The adapter maps it with `{ ...read, deviceId, idempotencyKey }` and nothing else.
 */
type WithoutAdapterFields<T> = T extends unknown ? Omit<T, 'deviceId' | 'idempotencyKey'> : never;

export type DecodedRead = WithoutAdapterFields<DeviceEvent> & {
  /**
   * Set only when the device itself guarantees that a redelivery of this read carries the same
   * value (Safekeep firmware: `<boot>:<seq>`). The adapter then uses `<deviceId>:<dedupeHint>` as
   * the idempotency key. When absent, the adapter must build one itself (reader + subject + a
   * receive-time bucket): third-party firmware sends nothing that survives a reboot unchanged.
   */
  dedupeHint?: string;
};

export type BadgeRead = Extract<DecodedRead, { kind: 'badge' }>;
export type BarcodeRead = Extract<DecodedRead, { kind: 'barcode' }>;

/** Why a message produced no reads although it was meant for us. Never thrown: returned. */
export interface DecodeError {
  code:
    | 'too-large' // payload over the decoder's size bound
    | 'malformed' // not the JSON/text shape this topic carries
    | 'invalid-credential' // a UID was present but is not a credential in the configured format
    | 'ambiguous-format'; // a UID whose meaning depends on configuration the device config lacks
  message: string;
}

/**
 * Result of decoding one MQTT message. `reads: []` means "understood, nothing to record"
 * (another device's topic, our own command echo, telemetry we do not track).
 */
export type DecodeResult = { ok: true; reads: DecodedRead[] } | { ok: false; error: DecodeError };

export const ok = (reads: DecodedRead[] = []): DecodeResult => ({ ok: true, reads });
export const fail = (code: DecodeError['code'], message: string): DecodeResult => ({
  ok: false,
  error: { code, message },
});

/** Timers come in through this so the line framer's idle flush can be driven by tests. */
export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
