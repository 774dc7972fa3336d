import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialTransport } from '../../../devices/transports/serial-transport';
import { rdm6300Frame } from '../../../devices/simulator/serial-payloads';
import { systemClock } from '../../../server/shared/clock';
import { silentLogger } from '../../../server/shared/logger';
import { CollectingSink, serialDevice, waitFor } from './support';

/**
 * `tcp://host:port` paths: a network serial bridge (ser2net and the like) carries the reader's bytes
 * over a socket. A real TCP server plays the bridge.
 */
describe('network serial (tcp://)', () => {
  let server: net.Server | null = null;
  let transport: SerialTransport | null = null;
  const clients: net.Socket[] = [];

  afterEach(async () => {
    await transport?.stop();
    transport = null;
    for (const c of clients.splice(0)) c.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  });

  async function bridge(): Promise<number> {
    server = net.createServer((socket) => clients.push(socket));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    return (server.address() as net.AddressInfo).port;
  }

  it('reads frames from a bridge, and reconnects after the bridge drops the connection', async () => {
    const port = await bridge();
    const sink = new CollectingSink();
    transport = new SerialTransport({
      devices: [serialDevice('net-reader', `tcp://127.0.0.1:${port}`, 'rdm6300')],
      sink,
      clock: systemClock,
      logger: silentLogger,
    });
    transport.start();
    await waitFor(() => clients.length === 1, 3000, 'connection');
    const frame = rdm6300Frame('1A2B3C10');
    clients[0]!.write(frame.subarray(0, 5));
    clients[0]!.write(frame.subarray(5));
    await waitFor(() => sink.reads().length === 1, 3000, 'first read');

    // Half a frame, then the bridge restarts: the half frame must not join the next connection's bytes.
    clients[0]!.end(rdm6300Frame('1A2B3C11').subarray(0, 8));
    await waitFor(() => clients.length === 2, 3000, 'reconnection');
    clients[1]!.write(rdm6300Frame('1A2B3C12'));
    await waitFor(() => sink.reads().length === 2, 3000, 'read after reconnect');
    expect(sink.reads().map((e) => (e.kind === 'badge' ? e.credential.canonical : ''))).toEqual(['1A2B3C10', '1A2B3C12']);
    expect(sink.events('net-reader', 'availability').map((e) => (e.kind === 'availability' ? e.state : ''))).toEqual(['online', 'offline', 'online']);
    expect(transport.status()[0]).toMatchObject({ connects: 2, reads: 2 });
  });

  it('retries a bridge that is not there yet', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sink = new CollectingSink();
    transport = new SerialTransport({
      devices: [serialDevice('net-late', `tcp://127.0.0.1:${port}`, 'lines', { line_terminator: 'lf' })],
      sink,
      clock: systemClock,
      logger: silentLogger,
      timing: { backoffInitialMs: 50, backoffMaxMs: 200 },
    });
    transport.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(transport.status()[0]).toMatchObject({ open: false, connects: 0 });
    expect(transport.status()[0]!.lastError).toMatch(/ECONNREFUSED/);
    server = net.createServer((socket) => clients.push(socket));
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    await waitFor(() => clients.length === 1, 3000, 'late connection');
    clients[0]!.write('SK-000777\n');
    await waitFor(() => sink.reads().length === 1, 3000, 'read');
    expect(sink.reads()[0]).toMatchObject({ kind: 'barcode', data: 'SK-000777' });
  });
});
