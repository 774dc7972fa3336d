import net from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import { BurstLogger } from '../../devices/transports/burst-logger';
import { openLocalLink, type LocalMqttLink } from '../../devices/transports/mqtt-link-local';
import { systemClock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { BrokerAccess, BrokerAccount } from './broker-access';
import type { BrokerHandle } from './broker-thread';
import { coalesceWrites } from './coalesced-writes';
import { deliverEveryMessage } from './deliver-every-message';
import { mayPublish, mayReceive, maySubscribe } from './topic-acl';

export interface EmbeddedBroker extends BrokerHandle {
  /** In this thread: no socket, no MQTT encoding between the server and its broker. */
  localLink(): LocalMqttLink;
}

export interface EmbeddedBrokerOptions {
  port: number;
  /** The listen address (MQTT_HOST); 127.0.0.1 unless given. */
  host?: string;
  logger: Logger;
  /** Accounts and ACLs: every client logs in, and may only use its own topics. */
  access: BrokerAccess;
}

// MQTT 3.1.1 CONNACK return codes (AuthErrorCode is a const enum, which isolated modules cannot import).
const IDENTIFIER_REJECTED = 2;
const NOT_AUTHORIZED = 5;

/**
 * Messages the broker routes at once (aedes' default is 100). A board's read stays in flight
 * until the server has handled it (the boards' flow control), so with more than 100 boards busy
 * the server's acks and commands queued behind their reads: under the bench's flood an ack took
 * 50-110 ms from the server to its board, and the boards, which wait for acks, slowed to match
 * (about 9,700 reads/s against 12,700 with this). Well above the boards of an office plus the
 * acks of one commit.
 */
const MESSAGES_IN_FLIGHT = 1000;

/**
 * The in-process MQTT broker for an office that runs on one machine. The server reaches it
 * through `localLink()`, not over TCP: a loopback client cost a parse, a re-serialization and a
 * socket write per read and per ack. Decoding, routing, acks and commands sit above the link
 * (mqtt-link.ts) and are the same whichever broker is used; the MQTT.js link to an external
 * broker stays tested against real Mosquitto and against this broker over TCP.
 *
 * Every client logs in (a board with its own password, the server as `safekeep-server`) and may
 * use only its own topics (topic-acl.ts), which is what makes listening beyond loopback safe:
 *  - a wrong password, an unknown user, or a will on a topic the account may not publish is
 *    refused with CONNACK 5 (not authorized); repeated failures from one address are throttled;
 *  - a client id already connected under another account is refused (CONNACK 2), so nobody can
 *    take over the server's or another board's session;
 *  - a publish outside the ACL is dropped, as Mosquitto drops it: MQTT 3.1.1 has no way to tell
 *    the client (a QoS 1 publish is still acknowledged), and firmware that publishes something
 *    extra (Tasmota's discovery topic) must not be thrown into a reconnect loop;
 *  - a subscription outside the ACL is refused in the SUBACK (0x80); every delivery is checked
 *    again against the receiver's ACL.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = options.logger.child({ component: 'broker' });
  const denials = new BurstLogger(log, systemClock);
  const { access } = options;
  const accounts = new WeakMap<Client, BrokerAccount>();
  const wills = new WeakMap<Client, string>();
  const dropped = new WeakSet<object>();
  const aedes = await Aedes.createBroker({
    concurrency: MESSAGES_IN_FLIGHT,
    preConnect: (client, packet, callback) => {
      if (packet.will) wills.set(client, packet.will.topic);
      callback(null, true);
    },
    authenticate: (client, username, password, done) => {
      const address = addressOf(client);
      const refuse = (returnCode: number, why: string, kind = why) => {
        denials.report(`connect:${kind}`, { address, username: username ?? null }, `mqtt login refused: ${why}`);
        const err = new Error(why) as AuthenticateError;
        err.returnCode = returnCode as AuthenticateError['returnCode'];
        done(err, false);
      };
      access.authenticate(username, password, address).then(
        (result) => {
          if (!result.ok) return refuse(NOT_AUTHORIZED, result.reason);
          const will = wills.get(client);
          if (will !== undefined && !mayPublish(result.account.acl, will)) return refuse(NOT_AUTHORIZED, `will topic ${will} is outside the account's topics`, 'will');
          const holder = (aedes as unknown as { clients: Record<string, Client> }).clients[client.id];
          const other = holder ? accounts.get(holder) : undefined;
          if (holder && other?.username !== result.account.username) return refuse(IDENTIFIER_REJECTED, 'client id in use by another account');
          accounts.set(client, result.account);
          done(null, true);
        },
        (err: Error) => refuse(NOT_AUTHORIZED, `login check failed: ${err.message}`, 'error'),
      );
    },
    authorizePublish: (client, packet, callback) => {
      const account = client ? accounts.get(client) : undefined;
      if (!account || !mayPublish(account.acl, packet.topic)) {
        dropped.add(packet);
        denials.report(`publish:${account?.username ?? '?'}`, { username: account?.username ?? null, topic: packet.topic }, 'mqtt publish outside the account\'s topics dropped');
      }
      callback(null);
    },
    authorizeSubscribe: (client, sub, callback) => {
      const account = accounts.get(client);
      if (account && maySubscribe(account.acl, sub.topic)) return callback(null, sub);
      denials.report(`subscribe:${account?.username ?? '?'}`, { username: account?.username ?? null, topic: sub.topic }, 'mqtt subscription outside the account\'s topics refused');
      callback(null, null);
    },
    authorizeForward: (client, packet) => {
      const account = accounts.get(client);
      return account && mayReceive(account.acl, packet.topic) ? packet : null;
    },
  });
  // A denied publish is acknowledged as the protocol requires, then goes nowhere: not to
  // subscribers, not into the retained store.
  const publish = aedes.publish.bind(aedes) as unknown as (packet: PublishPacket, client: unknown, done: (err?: Error) => void) => void;
  (aedes as unknown as { publish: typeof publish }).publish = (packet, client, done) => {
    if (dropped.has(packet)) {
      const callback = typeof client === 'function' ? (client as typeof done) : done;
      return callback?.();
    }
    publish(packet, client, done);
  };
  for (const warning of access.warnings()) log.warn(warning);
  const serverAccount = access.account(access.store.server().username)!;
  const serverPolicy = {
    mayPublish: (topic: string) => {
      if (mayPublish(serverAccount.acl, topic)) return true;
      denials.report(`publish:${serverAccount.username}`, { username: serverAccount.username, topic }, "mqtt publish outside the account's topics dropped");
      return false;
    },
    maySubscribe: (filter: string) => {
      if (maySubscribe(serverAccount.acl, filter)) return true;
      denials.report(`subscribe:${serverAccount.username}`, { username: serverAccount.username, topic: filter }, "mqtt subscription outside the account's topics refused");
      return false;
    },
  };

  const server = net.createServer((socket) => {
    // QoS 1 round trips are latency-bound: Nagle's algorithm would hold acknowledgements back.
    socket.setNoDelay(true);
    coalesceWrites(socket);
    deliverEveryMessage(aedes.handle(socket));
  });
  aedes.on('clientError', (client, err) => log.warn({ client: client.id, err: err.message }, 'mqtt client error'));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  log.info({ host, port }, 'embedded mqtt broker listening; every client logs in');
  return {
    url: `mqtt://${urlHost(connectHost(host))}:${port}`,
    port,
    clients: () => aedes.connectedClients,
    localLink: () => openLocalLink({ broker: aedes, policy: serverPolicy, logger: options.logger }),
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where local clients reach a broker listening on `host`: a wildcard address means loopback. */
export function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function addressOf(client: Client): string {
  const address = (client.conn as net.Socket).remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
