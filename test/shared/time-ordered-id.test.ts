import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../server/shared/time-ordered-id';

describe('time-ordered ids', () => {
  it('are valid UUIDv7, distinct, and strictly increasing, within one millisecond and across many', () => {
    const at = Date.parse('2026-11-22T10:00:00.000Z');
    const ids = [...Array.from({ length: 5000 }, () => timeOrderedId(at)), ...Array.from({ length: 5000 }, (_, i) => timeOrderedId(at + 1 + Math.floor(i / 7)))];
    for (const id of ids.slice(0, 3)) expect(validate(id) && version(id)).toBe(7);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `id ${i}`).toBe(true);
    // The time is in the first 48 bits, as every UUIDv7 reader expects.
    expect(parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('never go backwards when the clock does', () => {
    const at = Date.parse('2026-11-22T11:00:00.000Z');
    const before = timeOrderedId(at);
    expect(timeOrderedId(at - 5000) > before).toBe(true);
  });
});
