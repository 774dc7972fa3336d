/** Where boards reach the MQTT broker: an address on the office network, never loopback. */
export interface BrokerAddress {
  host: string;
  port: number;
}

export class BrokerAddressError extends Error {}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * "192.168.10.2", "broker.office.lan:1883" or "[fd00::2]:18830"; `defaultPort` when none is
 * given. Loopback is refused: a board flashed with 127.0.0.1 would try to reach itself.
 */
export function parseBrokerAddress(text: string, defaultPort: number): BrokerAddress {
  const trimmed = text.trim();
  const m = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(trimmed) ?? /^([^:\s]+)(?::(\d{1,5}))?$/.exec(trimmed);
  const host = m?.[1];
  const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
  if (!host || (!HOST.test(host) && !host.includes(':')) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BrokerAddressError(`"${text}" is not a broker address; expected host or host:port, e.g. 192.168.10.2:18830`);
  }
  if (isLoopback(host)) {
    throw new BrokerAddressError(`${host} is loopback: boards need the broker's address on the office network, e.g. --broker 192.168.10.2`);
  }
  return { host, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
