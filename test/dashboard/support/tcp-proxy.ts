import net from 'node:net';

/**
 * A TCP proxy in front of the test server, so a test can cut the browser's connections the way a
 * network failure would (sockets reset, new connections refused) and then let them through again.
 */
export interface TcpProxy {
  url: string;
  /** Where connections go; may be set after the proxy listens (the server must know the proxy's URL first). */
  target: string;
  /** Resets every open connection and refuses new ones until resume(). */
  drop(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(initialTarget = ''): Promise<TcpProxy> {
  let target = initialTarget;
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let listenPort = 0;
  let stopped = false;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        if (stopped) {
          client.resetAndDestroy();
          return;
        }
        const { hostname, port } = new URL(target);
        const upstream = net.connect(Number(port), hostname);
        sockets.add(client).add(upstream);
        const forget = () => {
          sockets.delete(client);
          sockets.delete(upstream);
          client.destroy();
          upstream.destroy();
        };
        client.on('error', forget).on('close', forget);
        upstream.on('error', forget).on('close', forget);
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(listenPort, '127.0.0.1', () => {
        listenPort = (s.address() as net.AddressInfo).port;
        server = s;
        stopped = false;
        resolve();
      });
    });
  // Stop accepting first, then reset what is open; the listener is gone once close() returns,
  // so there is no waiting for connections that are being torn down anyway.
  const stop = async () => {
    stopped = true;
    server?.close();
    server = null;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
  };

  await listen();
  return {
    url: `http://127.0.0.1:${listenPort}`,
    get target() {
      return target;
    },
    set target(value: string) {
      target = value;
    },
    drop: stop,
    resume: listen,
    close: stop,
  };
}
