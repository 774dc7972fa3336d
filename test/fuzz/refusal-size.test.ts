import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type ServerFixture } from '../support/server';

/**
 * Found by test/fuzz/routes.fuzz.test.ts: a refusal lists every zod issue, twice (in `error` and
 * in `fields`), so its size grows with the input. An array of 100 000 wrong items is 200 kB of
 * JSON, or 248 bytes gzipped (express.json inflates), and was answered with 23 MB of JSON after
 * seconds of work on the event loop. Signed-in callers reach it through any array field; anyone
 * reaches a smaller version through unknown keys on the sign-in route. A refusal has no reason
 * to be bigger than a few kilobytes.
 */

const MAX_REFUSAL_BYTES = 64 * 1024;

describe('a refusal stays small whatever the input', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startTestServer({ checkpointIntervalMs: 3_600_000 });
  }, 120_000);
  afterAll(async () => f?.close());

  const manyWrongDays = `{"cabinet":"c1","days":[${Array(100_000).fill(1).join(',')}]}`;

  it('100 000 wrong items in an array (200 kB of JSON) get a short 400', async () => {
    const admin = await f.as('admin');
    const res = await admin.fetch('/api/v1/access-groups/g1/rules', { method: 'POST', headers: { 'content-type': 'application/json' }, body: manyWrongDays });
    const answer = await res.text();
    expect(res.status).toBe(400);
    expect(answer.length, `answered ${answer.length} bytes`).toBeLessThan(MAX_REFUSAL_BYTES);
    expect((JSON.parse(answer) as { error: string }).error).toMatch(/^invalid body: body\.days/);
  }, 60_000);

  it('the same 248 bytes gzipped get the same short 400', async () => {
    const admin = await f.as('admin');
    const body = gzipSync(manyWrongDays);
    expect(body.length).toBeLessThan(400);
    const res = await admin.fetch('/api/v1/access-groups/g1/rules', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body });
    const answer = await res.text();
    expect(res.status).toBe(400);
    expect(answer.length, `answered ${answer.length} bytes to ${body.length}`).toBeLessThan(MAX_REFUSAL_BYTES);
  }, 60_000);

  it('without a session, 14 000 unknown keys sent to the sign-in route get a short 400', async () => {
    const text = `{${Array.from({ length: 14_000 }, (_, i) => `"${i}":0`).join(',')}}`;
    const body = gzipSync(text);
    const res = await fetch(`${f.url}/api/v1/auth/login`, { method: 'POST', headers: { origin: new URL(f.url).origin, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body });
    const answer = await res.text();
    expect(res.status).toBe(400);
    expect(answer.length, `answered ${answer.length} bytes to ${body.length}`).toBeLessThan(MAX_REFUSAL_BYTES);
  });
});
