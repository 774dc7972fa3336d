/**
 * Turns off aedes' per-client "dedupe" so that no message a client is subscribed to is dropped.
 *
 * aedes numbers every publish and, per client, drops any packet numbered below the last one it
 * delivered: meant for a message matching two overlapping subscriptions. But a QoS 1 publish
 * passes an asynchronous step (the offline queue) that a QoS 0 one skips, so a QoS 0 message
 * published just after a QoS 1 one overtakes it, and the QoS 1 message is then dropped as a
 * "duplicate" (aedes#994). For a board that meant a lost unlock command whenever a QoS 0 ack was
 * published right behind it. Without the check, a message matching two of one client's
 * overlapping filters may arrive twice, which MQTT 3.1.1 §3.3.5 allows; our boards subscribe to
 * disjoint topics, and their commands are idempotent.
 */
const NOTHING_DELIVERED_YET: Record<string, number> = new Proxy(Object.create(null) as Record<string, number>, {
  get: () => undefined,
  set: () => true,
  deleteProperty: () => true,
});

/** Call on each client as the broker takes its connection, before it can subscribe. */
export function deliverEveryMessage(client: object): void {
  (client as { duplicates: Record<string, number> }).duplicates = NOTHING_DELIVERED_YET;
}
