import net from 'node:net';
import { generate, parser as packetParser, type IPublishPacket, type Packet } from 'mqtt-packet';

/**
 * One cabinet board as the bench plays it: an MQTT 3.1.1 client over its own TCP connection,
 * with packets encoded and parsed by mqtt-packet (what MQTT.js and aedes use), and nothing else.
 *
 * Why not MQTT.js: the boards and the server share this machine's two cores, and a full client
 * (stores, per-packet callbacks, keepalive timers, debug hooks, stream plumbing) took about 42 µs
 * of CPU per read from the server it measures; this one, with reads encoded before the run,
 * about 30 µs (the bench's "cpu per read" line). Real boards bring their own CPUs. The bytes on
 * the wire are the same: CONNECT with the board's login, QoS 1 PUBLISH of each read, PUBACK of
 * each QoS 1 command, DISCONNECT.
 */
export interface LeanBoardOptions {
  url: string;
  clientId: string;
  username: string;
  password: string;
  /** Filters subscribed at QoS 1 once connected. */
  subscriptions: string[];
  onMessage(topic: string, payload: Buffer): void;
  onError(err: Error): void;
  connectTimeoutMs?: number;
}

/**
 * The QoS 1 PUBLISH of a board's read number `seq`. Its packet id comes from the seq, so ids are
 * reused only 65,535 reads later, far beyond any window of reads awaiting their PUBACK.
 */
export function encodeRead(topic: string, payload: string, seq: number): Buffer {
  const packet: IPublishPacket = { cmd: 'publish', topic, payload, qos: 1, dup: false, retain: false, messageId: (seq % 0xffff) + 1 };
  return generate(packet);
}

export class LeanBoard {
  private closed = false;

  private constructor(private readonly socket: net.Socket) {}

  static connect(options: LeanBoardOptions): Promise<LeanBoard> {
    const { hostname, port } = new URL(options.url);
    const socket = net.connect({ host: hostname, port: Number(port) || 1883, noDelay: true });
    const board = new LeanBoard(socket);
    const parser = packetParser({ protocolVersion: 4 });
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    return new Promise<LeanBoard>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`board ${options.clientId}: no CONNACK/SUBACK within ${timeoutMs} ms`)), timeoutMs);
      let ready = false;
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        if (ready) options.onError(err);
        else reject(err);
      };
      parser.on('error', fail);
      parser.on('packet', (packet: Packet) => {
        switch (packet.cmd) {
          case 'connack':
            if (packet.returnCode !== 0) return fail(new Error(`board ${options.clientId}: connection refused (${packet.returnCode})`));
            socket.write(generate({ cmd: 'subscribe', messageId: 1, subscriptions: options.subscriptions.map((topic) => ({ topic, qos: 1 })) }));
            return;
          case 'suback':
            if (packet.granted.some((qos) => typeof qos !== 'number' || qos >= 0x80)) return fail(new Error(`board ${options.clientId}: subscription refused`));
            clearTimeout(timer);
            ready = true;
            return resolve(board);
          case 'publish':
            // Commands come at QoS 1: the broker resends until the board confirms.
            if (packet.qos > 0) socket.write(generate({ cmd: 'puback', messageId: packet.messageId! }));
            return options.onMessage(packet.topic, packet.payload as Buffer);
          default:
            // PUBACKs of our reads: the end-to-end ack on safekeep/<board>/ack is what counts.
            return;
        }
      });
      socket.on('data', (chunk) => parser.parse(chunk));
      socket.on('error', fail);
      socket.on('close', () => {
        if (!board.closed) fail(new Error(`board ${options.clientId}: the broker closed the connection`));
      });
      socket.once('connect', () => {
        // keepalive 0: no PINGREQ timers in a run of a few minutes.
        socket.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: options.clientId, clean: true, keepalive: 0, username: options.username, password: Buffer.from(options.password) }));
      });
    });
  }

  /** Sends a PUBLISH made by encodeRead: encoding happens before the run, not inside it. */
  send(packet: Uint8Array): void {
    this.socket.write(packet);
  }

  end(): Promise<void> {
    this.closed = true;
    return new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end(generate({ cmd: 'disconnect' }));
    });
  }
}
