import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../server/broker/coalesced-writes';

/** A connected pair on loopback, with the server side's system-call-level writes counted. */
async function pair(coalesce: boolean) {
  const received: Buffer[] = [];
  let serverSide!: net.Socket;
  const server = net.createServer((socket) => {
    serverSide = socket;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  client.on('data', (chunk: Buffer) => received.push(chunk));
  await new Promise<void>((resolve) => client.once('connect', resolve));
  while (!serverSide) await new Promise((resolve) => setImmediate(resolve));
  if (coalesce) coalesceWrites(serverSide);
  const calls = { write: 0, writev: 0 };
  const internals = serverSide as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const [write, writev] = [internals._write.bind(serverSide), internals._writev.bind(serverSide)];
  internals._write = (...a) => (calls.write++, write(...a));
  internals._writev = (...a) => (calls.writev++, writev(...a));
  const close = async () => {
    client.destroy();
    serverSide.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { socket: serverSide, calls, text: () => Buffer.concat(received).toString(), close };
}

describe('coalesced socket writes (embedded broker)', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => close?.());

  it('sends the writes of one turn of the event loop together, in order, and the next turn again', async () => {
    const p = await pair(true);
    close = p.close;
    // As aedes writes: each packet on its own, some from separate setImmediate callbacks.
    p.socket.write('a');
    setImmediate(() => p.socket.write('b'));
    p.socket.write('c');
    await new Promise((resolve) => setTimeout(resolve, 50));
    p.socket.write('d');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.text()).toBe('acbd');
    // 'a' and 'c' in one call; 'b' and 'd' each in their own turn.
    expect(p.calls.write + p.calls.writev).toBe(3);
    expect(p.calls.writev).toBe(1);
  });

  it('without it, every write is a call of its own', async () => {
    const p = await pair(false);
    close = p.close;
    p.socket.write('a');
    p.socket.write('c');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(p.text()).toBe('ac');
    expect(p.calls.write).toBe(2);
  });
});
