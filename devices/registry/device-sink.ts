import type { BusEvents } from '../../server/ingest/event-bus';

/**
 * Where transports deliver what they decoded. The registry implements it and decides what reaches
 * the bus; transports never emit on the bus themselves, so debounce, collapse and flood control
 * apply to every transport alike.
 */
export interface DeviceSink {
  /** One normalized event from a device (a read, a state, the transport's own availability). */
  read(message: BusEvents['device.event']): void;
  /** A message meant for a device that produced no read (malformed, invalid credential). */
  rejected(deviceId: string | null, reason: string): void;
}
