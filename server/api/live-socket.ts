import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer } from 'socket.io';
import type { Services } from '../services';

/**
 * Live events to dashboards. Each commit becomes one emit carrying all its leaves: batched emits
 * cost far less server CPU per event when many browsers are connected. Leaves hold no personal
 * data, so they can be shown as they are.
 */
export class LiveSocket {
  private io: SocketServer | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly services: Services) {}

  start(server: HttpServer): void {
    this.io = new SocketServer(server, { serveClient: false, cors: { origin: false } });
    const io = this.io;
    const { bus } = this.services;
    this.unsubscribe.push(
      bus.on('custody.committed', ({ leaves }) => {
        io.emit('custody', leaves.map((l) => ({ index: l.index, event: l.event })));
      }),
      bus.on('alert.raised', (alert) => void io.emit('alert', alert)),
      bus.on('station.answer', (answer) => void io.emit('answer', answer)),
      bus.on('record.available', (notice) => void io.emit('record.available', notice)),
      bus.on('writer.halted', ({ reason, since }) => void io.emit('writer', { accepting: false, reason, since })),
      bus.on('writer.resumed', ({ at }) => void io.emit('writer', { accepting: true, at })),
    );
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await new Promise<void>((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
    this.io = null;
  }
}
