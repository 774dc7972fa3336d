/**
 * The dashboard's live state, fed by socket.io (see live-socket.ts) and read by React through
 * useSyncExternalStore. Plain TypeScript, so it is tested without a browser.
 *
 * Log indexes are gapless, so the feed knows exactly what it missed while disconnected and says so
 * ("12 entries while disconnected") instead of pretending the list is complete.
 */
import type { AlertEmit, AnswerEmit, CustodyEmit, CustodyEntry, WriterEmit } from '../api/types';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline';

export type FeedItem =
  | ({ kind: 'entry'; receivedAt: number } & CustodyEntry)
  | { kind: 'gap'; from: number; to: number };

export interface LiveState {
  connection: Connection;
  /** When the connection state last changed (ms since epoch). */
  since: number;
  /** Reconnection attempts since the connection was lost. */
  attempts: number;
  everConnected: boolean;
  /** Newest first. */
  feed: readonly FeedItem[];
  /** The highest log index the feed knows about (shown or counted in a gap). */
  lastIndex: number | null;
  writer: WriterEmit | null;
  /** Last event seen per device id, since the page opened. */
  lastSeen: Readonly<Record<string, { at: number; index: number }>>;
}

export interface LiveEvents {
  custody: CustodyEmit;
  alert: AlertEmit;
  answer: AnswerEmit;
  writer: WriterEmit;
  /** The connection came back: pages refetch what they show. */
  resync: { missed: number };
}

export const FEED_LIMIT = 1000;

type Handler<K extends keyof LiveEvents> = (payload: LiveEvents[K]) => void;

export class LiveStore {
  private state: LiveState;
  private readonly listeners = new Set<() => void>();
  private readonly handlers: { [K in keyof LiveEvents]: Set<Handler<K>> } = {
    custody: new Set(),
    alert: new Set(),
    answer: new Set(),
    writer: new Set(),
    resync: new Set(),
  };

  constructor(private readonly now: () => number = Date.now) {
    this.state = { connection: 'connecting', since: now(), attempts: 0, everConnected: false, feed: [], lastIndex: null, writer: null, lastSeen: {} };
  }

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Page-level reactions to one kind of event (refetch a file when its custody changes, …). */
  on<K extends keyof LiveEvents>(event: K, handler: Handler<K>): () => void {
    this.handlers[event].add(handler);
    return () => this.handlers[event].delete(handler);
  }

  private emit<K extends keyof LiveEvents>(event: K, payload: LiveEvents[K]): void {
    for (const handler of this.handlers[event]) {
      try {
        handler(payload);
      } catch {
        // one page's handler must not stop the others
      }
    }
  }

  private set(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  setConnection(connection: Connection, attempts = 0): void {
    if (connection === this.state.connection && attempts === this.state.attempts) return;
    const changed = connection !== this.state.connection;
    this.set({
      connection,
      attempts,
      ...(changed ? { since: this.now() } : {}),
      ...(connection === 'live' ? { everConnected: true } : {}),
    });
  }

  /** One commit's leaves, as the 'custody' event carries them. */
  addCustody(leaves: CustodyEmit): void {
    if (leaves.length === 0) return;
    const sorted = [...leaves].sort((a, b) => a.index - b.index);
    const added: FeedItem[] = [];
    let last = this.state.lastIndex;
    const lastSeen = { ...this.state.lastSeen };
    const receivedAt = this.now();
    for (const leaf of sorted) {
      if (last !== null && leaf.index <= last) {
        if (this.state.feed.some((f) => f.kind === 'entry' && f.index === leaf.index)) continue;
      } else if (last !== null && leaf.index > last + 1) {
        added.push({ kind: 'gap', from: last + 1, to: leaf.index - 1 });
      }
      added.push({ kind: 'entry', index: leaf.index, event: leaf.event, receivedAt });
      last = last === null ? leaf.index : Math.max(last, leaf.index);
      const device = typeof leaf.event.device === 'string' ? leaf.event.device : undefined;
      if (device) lastSeen[device] = { at: receivedAt, index: leaf.index };
    }
    const feed = [...added.reverse(), ...this.state.feed];
    const ordered = added.length > 0 && feed.every((f, i) => i === 0 || topIndex(feed[i - 1]!) >= topIndex(f)) ? feed : feed.sort((a, b) => topIndex(b) - topIndex(a));
    this.set({ feed: ordered.slice(0, FEED_LIMIT), lastIndex: last, lastSeen });
    this.emit('custody', sorted);
  }

  /**
   * After a reconnection: the log has `size` entries. Whatever lies between what the feed knows
   * and that size was committed while the page was away; it is counted, and pages refetch.
   */
  resynced(size: number | null): void {
    const last = this.state.lastIndex;
    let missed = 0;
    if (size === null) {
      // The size is unknown (the health check failed): pages refetch anyway.
    } else if (last !== null && size - 1 > last) {
      missed = size - 1 - last;
      this.set({ feed: [{ kind: 'gap' as const, from: last + 1, to: size - 1 }, ...this.state.feed].slice(0, FEED_LIMIT), lastIndex: size - 1 });
    } else if (last === null && size > 0) {
      this.set({ lastIndex: size - 1 });
    }
    this.emit('resync', { missed });
  }

  addAlert(alert: AlertEmit): void {
    this.emit('alert', alert);
  }

  addAnswer(answer: AnswerEmit): void {
    this.emit('answer', answer);
  }

  setWriter(writer: WriterEmit): void {
    this.set({ writer });
    this.emit('writer', writer);
  }
}

function topIndex(item: FeedItem): number {
  return item.kind === 'entry' ? item.index : item.to;
}
