import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { connectLive } from './connect';
import { LiveStore, type LiveEvents, type LiveState } from './live-store';

const LiveContext = createContext<LiveStore | null>(null);

/** One live connection for the whole app; pages read slices of its state. */
export function LiveProvider({ children, store: given, onRefused }: { children: ReactNode; store?: LiveStore; onRefused?: () => void }) {
  const [store] = useState(() => given ?? new LiveStore());
  const refused = useRef(onRefused);
  useEffect(() => {
    refused.current = onRefused;
  });
  useEffect(() => {
    const connection = connectLive(store, { onRefused: () => refused.current?.() });
    return () => connection.close();
  }, [store]);
  return <LiveContext.Provider value={store}>{children}</LiveContext.Provider>;
}

export function useLiveStore(): LiveStore {
  const store = useContext(LiveContext);
  if (!store) throw new Error('useLiveStore outside LiveProvider');
  return store;
}

/** A slice of the live state; the component re-renders only when the slice changes. */
export function useLive<T>(select: (state: LiveState) => T): T {
  const store = useLiveStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

/** Runs `handler` for each live event of one kind, always with the latest handler. */
export function useLiveEvent<K extends keyof LiveEvents>(event: K, handler: (payload: LiveEvents[K]) => void): void {
  const store = useLiveStore();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => store.on(event, (payload) => latest.current(payload)), [store, event]);
}
