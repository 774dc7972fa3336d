import net from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../shared/logger';

export interface EmbeddedBroker {
  url: string;
  port: number;
  clients(): number;
  close(): Promise<void>;
}

/**
 * The in-process MQTT broker for an office that runs on one machine. The server's own client
 * connects to it over TCP exactly as it would to Mosquitto, so both paths run the same code.
 * Until device credentials exist it listens on loopback only.
 */
export async function startEmbeddedBroker(options: { port: number; host?: string; logger: Logger }): Promise<EmbeddedBroker> {
  const log = options.logger.child({ component: 'broker' });
  const aedes = await Aedes.createBroker();
  const server = net.createServer((socket) => {
    // QoS 1 round trips are latency-bound: Nagle's algorithm would hold acknowledgements back.
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  aedes.on('clientError', (client, err) => log.warn({ client: client.id, err: err.message }, 'mqtt client error'));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  log.info({ port }, 'embedded mqtt broker listening');
  return {
    url: `mqtt://${host}:${port}`,
    port,
    clients: () => aedes.connectedClients,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
