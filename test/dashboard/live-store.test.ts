import { describe, expect, it } from 'vitest';
import { FEED_LIMIT, LiveStore, type FeedItem } from '../../dashboard/src/live/live-store';
import type { CustodyEntry } from '../../dashboard/src/api/types';

const leaf = (index: number, extra: Record<string, string> = {}): CustodyEntry => ({ index, event: { type: 'device.read', kind: 'badge', device: 'cab-1-reader', ...extra } });
const shape = (feed: readonly FeedItem[]) => feed.map((f) => (f.kind === 'entry' ? f.index : `gap ${f.from}-${f.to}`));

describe('the live store behind the feed', () => {
  it('keeps the feed newest first across commits, whatever order leaves arrive in', () => {
    const store = new LiveStore(() => 1000);
    store.addCustody([leaf(11), leaf(10)]);
    store.addCustody([leaf(12)]);
    expect(shape(store.getState().feed)).toEqual([12, 11, 10]);
    expect(store.getState().lastIndex).toBe(12);
  });

  it('counts what it missed: a jump in the gapless index becomes a gap line, never silence', () => {
    const store = new LiveStore();
    store.addCustody([leaf(10)]);
    store.addCustody([leaf(14), leaf(15)]);
    expect(shape(store.getState().feed)).toEqual([15, 14, 'gap 11-13', 10]);
  });

  it('after a reconnection, counts entries committed meanwhile from the log size, once', () => {
    const store = new LiveStore();
    const resyncs: number[] = [];
    store.on('resync', ({ missed }) => resyncs.push(missed));
    store.addCustody([leaf(20)]);
    store.resynced(24); // entries 21, 22, 23 were committed while away
    store.addCustody([leaf(24)]);
    expect(shape(store.getState().feed)).toEqual([24, 'gap 21-23', 20]);
    store.resynced(25); // nothing missed this time
    store.resynced(null); // size unknown: pages still refetch
    expect(resyncs).toEqual([3, 0, 0]);
  });

  it('on first connection only learns where the log is', () => {
    const store = new LiveStore();
    store.resynced(500);
    store.addCustody([leaf(500)]);
    expect(shape(store.getState().feed)).toEqual([500]);
  });

  it('ignores a leaf it already shows (a re-emit after reconnecting)', () => {
    const store = new LiveStore();
    store.addCustody([leaf(1), leaf(2)]);
    store.addCustody([leaf(2)]);
    expect(shape(store.getState().feed)).toEqual([2, 1]);
  });

  it('bounds the feed', () => {
    const store = new LiveStore();
    for (let i = 0; i < FEED_LIMIT + 50; i++) store.addCustody([leaf(i)]);
    expect(store.getState().feed).toHaveLength(FEED_LIMIT);
    expect(store.getState().feed[0]).toMatchObject({ index: FEED_LIMIT + 49 });
  });

  it('tracks connection changes and the last activity of each device', () => {
    let now = 0;
    const store = new LiveStore(() => now);
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.getState().connection));
    now = 5;
    store.setConnection('live');
    store.setConnection('live');
    now = 9;
    store.setConnection('reconnecting', 1);
    store.setConnection('reconnecting', 2);
    expect(seen).toEqual(['live', 'reconnecting', 'reconnecting']);
    expect(store.getState()).toMatchObject({ connection: 'reconnecting', attempts: 2, since: 9, everConnected: true });
    store.addCustody([leaf(3, { device: 'cab-2-door' })]);
    expect(store.getState().lastSeen['cab-2-door']).toEqual({ at: 9, index: 3 });
  });

  it('a page handler that throws does not stop the others', () => {
    const store = new LiveStore();
    const got: number[] = [];
    store.on('custody', () => {
      throw new Error('page bug');
    });
    store.on('custody', (leaves) => got.push(...leaves.map((l) => l.index)));
    store.addCustody([leaf(7)]);
    expect(got).toEqual([7]);
  });
});
