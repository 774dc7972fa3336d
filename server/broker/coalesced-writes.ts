import type { Socket } from 'node:net';

/**
 * Holds a client socket's writes until the event loop's next check phase, then sends them in
 * one system call. aedes writes every packet on its own (a PUBACK here, an ack or command from a
 * setImmediate there), so under load a board's few packets per turn cost a writev each: about a
 * tenth of the server thread at 10,000 reads/s. The delay is at most one turn of the loop;
 * Nagle's algorithm stays off (TCP_NODELAY), so nothing waits on the network.
 */
export function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let held = false;
  const release = () => {
    held = false;
    socket.uncork();
  };
  socket.write = ((...args: unknown[]) => {
    if (!held) {
      held = true;
      socket.cork();
      setImmediate(release);
    }
    return write(...args);
  }) as Socket['write'];
}
