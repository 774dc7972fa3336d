/**
 * Wires socket.io to the LiveStore. One socket for the whole app. A lost connection is shown at
 * once and retried by itself (socket.io's backoff, capped at a few seconds, and immediately when
 * the browser says the network is back); after each reconnection the store learns the log size,
 * so missed entries are counted rather than silently skipped.
 */
import { io, type Socket } from 'socket.io-client';
import { api } from '../api/endpoints';
import { decodeCustodyEmit } from '../api/custody-wire';
import type { AlertEmit, AnswerEmit, CustodyEmit, WriterEmit } from '../api/types';
import type { LiveStore } from './live-store';

export interface LiveConnection {
  close(): void;
}

export function connectLive(store: LiveStore, options: { url?: string; onRefused?: () => void } = {}): LiveConnection {
  const socket: Socket = io(options.url ?? '/', {
    path: '/socket.io',
    // WebSocket only: the server admits a live connection by its session cookie and Origin, and
    // browsers send Origin on a WebSocket handshake but not on a same-origin polling GET.
    transports: ['websocket'],
    withCredentials: true,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.3,
    timeout: 5000,
  });

  let attempts = 0;
  // A connection the server refused (no session, wrong origin) is not retried by socket.io: retry
  // with a growing delay, and let the session layer check whether the user is still signed in.
  let refusedDelay = 1000;
  let refusedTimer: ReturnType<typeof setTimeout> | null = null;
  const resync = async () => {
    try {
      // Bounded: a server that does not answer must not keep the page from showing it is live.
      const health = await api.health(AbortSignal.timeout(5000));
      store.resynced(health.log.size);
      store.setWriter(health.writer.accepting ? { accepting: true, at: new Date().toISOString() } : { accepting: false, reason: health.writer.halted_reason ?? 'unknown', since: new Date().toISOString() });
    } catch {
      store.resynced(null);
    }
  };

  socket.on('connect', () => {
    attempts = 0;
    refusedDelay = 1000;
    // Live only once the log size is known: a connection lost before that would leave nothing to
    // count the missed entries from.
    void resync().finally(() => {
      if (socket.connected) store.setConnection('live');
    });
  });
  socket.on('disconnect', (reason) => {
    store.setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
    // The server closed us on purpose (restart, kick): socket.io leaves reconnecting to us.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', () => {
    if (!socket.active && refusedTimer === null) {
      options.onRefused?.();
      refusedTimer = setTimeout(() => {
        refusedTimer = null;
        socket.connect();
      }, refusedDelay);
      refusedDelay = Math.min(refusedDelay * 2, 15_000);
    }
    store.setConnection(navigator.onLine === false ? 'offline' : store.getState().everConnected ? 'reconnecting' : 'connecting', attempts);
  });
  socket.io.on('reconnect_attempt', (n) => {
    attempts = n;
    store.setConnection(navigator.onLine === false ? 'offline' : store.getState().everConnected ? 'reconnecting' : 'connecting', n);
  });

  socket.on('custody', (payload: ArrayBuffer) => {
    let leaves: CustodyEmit;
    try {
      leaves = decodeCustodyEmit(payload);
    } catch {
      // Only a broken server sends that; the page still shows every later commit.
      return;
    }
    store.addCustody(leaves);
  });
  socket.on('alert', (alert: AlertEmit) => store.addAlert(alert));
  socket.on('answer', (answer: AnswerEmit) => store.addAnswer(answer));
  socket.on('writer', (writer: WriterEmit) => store.setWriter(writer));

  const onOffline = () => store.setConnection('offline');
  const onOnline = () => {
    if (socket.connected) store.setConnection('live');
    else {
      store.setConnection('reconnecting', attempts);
      // Skip the rest of the backoff: the network just came back.
      socket.disconnect().connect();
    }
  };
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);

  return {
    close() {
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      if (refusedTimer) clearTimeout(refusedTimer);
      socket.close();
    },
  };
}
