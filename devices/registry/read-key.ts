import { createHash } from 'node:crypto';

/**
 * Idempotency keys for reads whose device sends nothing that identifies a read across
 * redeliveries (serial, HID, third-party firmware): `<device>:<hash of kind and payload>:<bucket>`.
 * Two deliveries of one read within a bucket are stored once; a read that passed the registry's
 * debounce is at least a debounce window after the previous identical one, so with buckets no
 * longer than that window it always gets a key of its own.
 */
export const READ_KEY_BUCKET_MS = 1000;

export function readKey(deviceId: string, kind: string, payload: string, receivedAt: Date, bucketMs = READ_KEY_BUCKET_MS): string {
  const digest = createHash('sha256').update(kind).update('\0').update(payload).digest('hex').slice(0, 24);
  return `${deviceId}:${digest}:${Math.floor(receivedAt.getTime() / bucketMs)}`;
}

/** State changes the transport observes itself (a port opening): unique to the millisecond. */
export function stateKey(deviceId: string, kind: string, state: string, at: Date): string {
  return `${deviceId}:${kind}:${state}:${at.getTime()}`;
}
