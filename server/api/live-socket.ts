import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer, type Socket } from 'socket.io';
import { Person } from '../db/models';
import { normalizeOrigin } from '../auth/csrf';
import { readSessionCookie } from '../auth/session-cookie';
import { authEvent } from '../auth/audit-events';
import type { Services } from '../services';
import { LEAF_PREFIX } from '../custody-log/leaf';
import type { CommittedLeaf } from '../ingest/custody-writer';
import type { AccessRole } from './route';

/**
 * Which roles hear each live event. The same deny-by-default rule as the routes: an event not
 * listed here reaches nobody, and clients may send nothing at all.
 */
export const SOCKET_EVENTS: Readonly<Record<string, readonly AccessRole[]>> = {
  custody: ['staff', 'manager', 'admin'],
  alert: ['manager', 'admin'],
  answer: ['reception', 'staff', 'manager', 'admin', 'kiosk'],
  writer: ['manager', 'admin'],
  'record.available': ['staff', 'manager', 'admin'],
  /** A visitor signed in: hosts see it on the dashboard. */
  visitor: ['reception', 'staff', 'manager', 'admin'],
};

const room = (role: string) => `role:${role}`;

/**
 * 'custody' goes as the UTF-8 bytes of `[{"index":…,"event":…},…]`, one commit's leaves, the
 * events written as the canonical JSON each leaf already holds (dashboard/src/api/custody-wire.ts
 * reads it). As objects, socket.io walked every leaf for binary data and encoded it again: under
 * a flood about 5% of the server thread.
 */
export function encodeCustodyEmit(leaves: readonly CommittedLeaf[]): Buffer {
  const parts: string[] = new Array(leaves.length);
  for (let i = 0; i < leaves.length; i++) parts[i] = `{"index":${leaves[i]!.index},"event":${leaves[i]!.text.slice(LEAF_PREFIX.length)}}`;
  return Buffer.from(`[${parts.join(',')}]`, 'utf8');
}

/**
 * Live events to dashboards. Each commit becomes one emit carrying all its leaves: batched emits
 * cost far less server CPU per event when many browsers are connected. Leaves hold no personal
 * data, so they can be shown as they are.
 */
export class LiveSocket {
  private io: SocketServer | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly services: Services) {}

  start(server: HttpServer, origins: () => ReadonlySet<string>): void {
    this.io = new SocketServer(server, { serveClient: false, cors: { origin: false } });
    const io = this.io;
    io.use((socket, next) => {
      void this.admit(socket, origins()).then(
        (ok) => next(ok ? undefined : new Error('unauthorized')),
        () => next(new Error('unauthorized')),
      );
    });
    io.on('connection', (socket) => {
      // Nothing a browser sends is acted on; a client that tries is logged and dropped.
      socket.onAny((event: string) => {
        void this.logDenied(socket, `socket ${event}`);
        socket.disconnect(true);
      });
    });
    const { bus } = this.services;
    const emit = (event: keyof typeof SOCKET_EVENTS, payload: unknown) => {
      // io.to([]) would mean everyone: an event with no roles must reach no one.
      const rooms = (SOCKET_EVENTS[event] ?? []).map(room);
      if (rooms.length > 0) io.to(rooms).emit(event, payload);
    };
    this.unsubscribe.push(
      bus.on('custody.committed', ({ leaves }) => emit('custody', encodeCustodyEmit(leaves))),
      bus.on('alert.raised', (alert) => emit('alert', alert)),
      bus.on('station.answer', (answer) => emit('answer', answer)),
      bus.on('record.available', (notice) => emit('record.available', notice)),
      bus.on('visitor.arrived', (arrival) => emit('visitor', arrival)),
      bus.on('writer.halted', ({ reason, since }) => emit('writer', { accepting: false, reason, since })),
      bus.on('writer.resumed', ({ at }) => emit('writer', { accepting: true, at })),
    );
  }

  /** A connection needs a live, fully signed-in session and a page from this site. */
  private async admit(socket: Socket, origins: ReadonlySet<string>): Promise<boolean> {
    const { headers } = socket.handshake;
    const origin = headers.origin;
    if (!origin) return false;
    try {
      if (!origins.has(normalizeOrigin(origin))) return false;
    } catch {
      return false;
    }
    const token = readSessionCookie(headers.cookie, { secure: this.services.auth.secure });
    if (token === null) return false;
    const found = await this.services.auth.sessions.validate(token);
    if (!found.ok || found.session.mfaPending) return false;
    const person = found.user.person_id ? await Person.findByPk(found.user.person_id, { attributes: ['pseudonym'] }) : null;
    socket.data = { userId: found.user.id, actor: person?.pseudonym ?? found.user.pseudonym };
    await socket.join([room(found.user.role), `user:${found.user.id}`]);
    return true;
  }

  private async logDenied(socket: Socket, target: string): Promise<void> {
    const actor = (socket.data as { actor?: string }).actor;
    if (!actor) return;
    await this.services.writer.submit({ run: (ctx) => ctx.append(authEvent('user.access_denied', { actor, reason: 'socket_event', target })) });
  }

  disconnectUser(userId: string): void {
    this.io?.in(`user:${userId}`).disconnectSockets(true);
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await new Promise<void>((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
    this.io = null;
  }
}
