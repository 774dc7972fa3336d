import { describe, expect, it } from 'vitest';
import { WriteQueue, type QueuedJob } from '../../server/ingest/write-queue';

const item = (name: string, job: QueuedJob = {}) => ({ name, job });
const names = (items: { name: string }[]) => items.map((i) => i.name);

describe('write queue', () => {
  it('takes urgent jobs first, alone, in their order', () => {
    const q = new WriteQueue<ReturnType<typeof item>>();
    q.push(item('n1', { lane: 'a' }));
    q.push(item('u1', { urgent: true, lane: 'b' }));
    q.push(item('u2', { urgent: true }));
    expect(q.urgentWaiting).toBe(true);
    expect(q.take(10)).toEqual({ items: [item('u1', { urgent: true, lane: 'b' }), item('u2', { urgent: true })], urgent: true });
    expect(names(q.take(10).items)).toEqual(['n1']);
    expect(q.length).toBe(0);
  });

  it('keeps an urgent job behind normal jobs of its lane, queued or running, until they are done', () => {
    const q = new WriteQueue<ReturnType<typeof item>>();
    q.push(item('door', { lane: 'cab-1' }));
    const running = q.take(10).items;
    q.push(item('badge', { urgent: true, lane: 'cab-1' }));
    expect(q.urgentWaiting).toBe(false);
    q.done(running);
    const next = q.take(10).items;
    expect(names(next)).toEqual(['badge']);
    q.done(next);
    q.push(item('badge2', { urgent: true, lane: 'cab-1' }));
    expect(q.urgentWaiting).toBe(true);
  });

  it('puts jobs a batch did not run back at the front, in order', () => {
    const q = new WriteQueue<ReturnType<typeof item>>();
    for (const n of ['a', 'b', 'c', 'd']) q.push(item(n, { lane: 'x' }));
    const { items } = q.take(3);
    q.done(items.slice(0, 1));
    q.putBack(items.slice(1));
    expect(names(q.take(10).items)).toEqual(['b', 'c', 'd']);
  });

  it('hands over everything on takeAll and forgets the lanes', () => {
    const q = new WriteQueue<ReturnType<typeof item>>();
    q.push(item('n', { lane: 'x' }));
    q.push(item('u', { urgent: true, lane: 'y' }));
    expect(names(q.takeAll())).toEqual(['u', 'n']);
    q.push(item('u2', { urgent: true, lane: 'x' }));
    expect(q.urgentWaiting).toBe(true);
  });
});
