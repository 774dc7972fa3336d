import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundleText } from '../../dashboard/src/lib/bundle-verify';
import { makeBundle, serializeBundle, verifyBundle } from '../../server/custody-log/bundle';
import { signCheckpoint, verifierKeyString, type NoteSigner } from '../../server/custody-log/checkpoint';
import { encodeLeaf, type LeafEvent } from '../../server/custody-log/leaf';
import { hashLeaf, inclusionProof, rootOf } from '../../server/custody-log/merkle';
import { importCsv } from '../../server/domain/csv-import';
import { startTestServer, type ServerFixture } from '../support/server';

/**
 * The browser's bundle verifier (WebCrypto, no Buffer) must reach the same verdict as the server's
 * (server/custody-log/bundle.ts) on real bundles and on altered ones. Node's WebCrypto stands in
 * for the browser's here; test/dashboard/dashboard.browser.test.ts runs it in Chromium.
 */

const ORIGIN = 'safekeep/office-1';

function makeSigner(name: string): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x as string;
  return { name, publicKey: Buffer.from(x, 'base64url'), sign: (m) => sign(null, m, privateKey) };
}

/** A 30-leaf log: two records' chains interleaved with cabinet events. */
function buildLog() {
  const leaves: Buffer[] = [];
  const byRecord = new Map<string, number[]>();
  const heads = new Map<string, { seq: number; hash: string }>();
  for (let i = 0; i < 30; i++) {
    const ts_server = new Date(Date.UTC(2026, 2, 2, 9, 0, i)).toISOString();
    let event: LeafEvent;
    if (i % 3 === 2) {
      event = { type: 'cabinet.opened', ts_server, device: 'cab-4-door', location: 'cab-4', actor: `p_${'ab'.repeat(12)}` };
    } else {
      const record = i % 2 ? 'rec-A' : 'rec-B';
      const head = heads.get(record);
      event = { type: i % 4 < 2 ? 'record.checked_out' : 'record.checked_in', ts_server, actor: `p_${'cd'.repeat(12)}`, record, location: 'cab-4', record_seq: (head?.seq ?? 0) + 1, evidence: [`ev-${i}`] };
      if (head) event.record_prev = head.hash;
    }
    const leaf = encodeLeaf(event);
    leaves.push(leaf);
    if (event.record) {
      heads.set(event.record, { seq: event.record_seq!, hash: hashLeaf(leaf).toString('hex') });
      byRecord.set(event.record, [...(byRecord.get(event.record) ?? []), i]);
    }
  }
  return { leaves, byRecord };
}

const signer = makeSigner(ORIGIN);
const verifierKey = verifierKeyString(signer.name, signer.publicKey);
const { leaves, byRecord } = buildLog();
const hashes = leaves.map(hashLeaf);
const checkpoint = signCheckpoint({ origin: ORIGIN, size: leaves.length, root: rootOf(hashes) }, signer);
const bundleText = (record: string, indexes = byRecord.get(record)!) =>
  serializeBundle(makeBundle({ origin: ORIGIN, verifierKey, checkpoint, record, entries: indexes.map((index) => ({ index, leaf: leaves[index]!, proof: inclusionProof(hashes, index) })) }));

async function sameVerdict(text: string, trustedKey?: string): Promise<{ server: boolean; browser: boolean; error?: string }> {
  const server = verifyBundle(text, trustedKey === undefined ? {} : { trustedKey });
  const browser = await verifyBundleText(text, trustedKey === undefined ? {} : { trustedKey });
  return { server: server.ok, browser: browser.ok, ...(browser.ok ? {} : { error: browser.error }) };
}

describe('the browser bundle verifier', () => {
  it('accepts a valid bundle with the entries the server reads from it, signature checked', async () => {
    const text = bundleText('rec-A');
    const result = await verifyBundleText(text, { trustedKey: verifierKey });
    const server = verifyBundle(text);
    expect(server.ok).toBe(true);
    expect(result).toMatchObject({ ok: true, record: 'rec-A', size: 30, origin: ORIGIN, keyName: ORIGIN, signature: 'verified' });
    if (!result.ok || !server.ok) throw new Error('unreachable');
    expect(result.entries.map((e) => e.event)).toEqual(server.entries);
    expect(result.entries.map((e) => e.leafHash)).toEqual(byRecord.get('rec-A')!.map((i) => hashes[i]!.toString('hex')));
  });

  it.each<[string, () => string, string?]>([
    ['a changed byte of a leaf', () => bundleText('rec-A').replace(/"leaf":"(.)/, (_m, c: string) => `"leaf":"${c === 'c' ? 'd' : 'c'}`)],
    ['an entry left out', () => bundleText('rec-A', byRecord.get('rec-A')!.filter((_, i) => i !== 2))],
    ['an entry of another record', () => bundleText('rec-A', [...byRecord.get('rec-A')!.slice(0, 2), byRecord.get('rec-B')![2]!])],
    ['whitespace added', () => bundleText('rec-A').replace('{', '{ ')],
    ['no final newline', () => bundleText('rec-A').trimEnd()],
    ['another signing key than the trusted one', () => bundleText('rec-A'), verifierKeyString('safekeep/other', makeSigner('safekeep/other').publicKey)],
    ['a checkpoint signed by someone else', () => {
      const forger = makeSigner(ORIGIN);
      const forged = signCheckpoint({ origin: ORIGIN, size: leaves.length, root: rootOf(hashes) }, forger);
      return bundleText('rec-A').replace(JSON.stringify(checkpoint).slice(1, -1), JSON.stringify(forged).slice(1, -1));
    }],
    ['not JSON', () => 'hello\n'],
  ])('rejects %s, as the server does', async (_name, make, trustedKey) => {
    const verdict = await sameVerdict(make(), trustedKey);
    expect(verdict).toMatchObject({ server: false, browser: false });
  });

  it('agrees with the server on thousands of random edits of a bundle', async () => {
    const original = bundleText('rec-B');
    const alphabet = [...'{}[]",:0123456789abcdefABCDEF+/=\n \\u—eyntx'];
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(original.length - 1), fc.constantFrom(...alphabet), fc.constantFrom('replace', 'insert', 'delete'), async (at, ch, op) => {
        const text = op === 'replace' ? original.slice(0, at) + ch + original.slice(at + 1) : op === 'insert' ? original.slice(0, at) + ch + original.slice(at) : original.slice(0, at) + original.slice(at + 1);
        const verdict = await sameVerdict(text);
        if (!verdict.server) rejected++;
        expect(verdict.browser, `${op} ${JSON.stringify(ch)} at ${at}: ${verdict.error ?? 'accepted'}`).toBe(verdict.server);
      }),
      { numRuns: 1000, seed: 20260302 },
    );
    expect(rejected).toBeGreaterThan(900);
  });

  it('says so when the browser cannot check Ed25519, instead of claiming a verified signature', async () => {
    const noEd25519 = new Proxy(crypto.subtle, {
      get(target, prop) {
        if (prop === 'importKey') return () => Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError'));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const result = await verifyBundleText(bundleText('rec-A'), { subtle: noEd25519 });
    expect(result).toMatchObject({ ok: true, signature: 'unsupported' });
    // The proofs are still checked without Ed25519.
    const altered = await verifyBundleText(bundleText('rec-A', byRecord.get('rec-A')!.slice(1)), { subtle: noEd25519 });
    expect(altered.ok).toBe(false);
  });
});

describe('on a bundle exported by a running office', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await startTestServer();
    const report = await importCsv(f.server.services.writer, 'records', 'barcode,client,matter,title,home_cabinet\nSK-900001,Acme,M1,Lease,cab-4\nSK-900002,Birch,M2,Will,cab-1\n', 'system:test');
    expect(report.ok).toBe(true);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('verifies the API download exactly as the offline verifier does', async () => {
    const manager = await f.as('manager');
    const text = await (await manager.fetch('/api/v1/records/SK-900001/bundle')).text();
    const { verifier_key } = (await (await manager.fetch('/api/v1/log/checkpoint')).json()) as { verifier_key: string };
    const server = verifyBundle(text, { trustedKey: f.server.services.key.verifierKey });
    const browser = await verifyBundleText(text, { trustedKey: verifier_key });
    expect(server.ok).toBe(true);
    expect(browser).toMatchObject({ ok: true, signature: 'verified', origin: 'safekeep/hartley-voss' });
    if (!browser.ok || !server.ok) throw new Error('unreachable');
    expect(browser.entries.map((e) => e.event)).toEqual(server.entries);
    expect(browser.entries[0]!.event).toMatchObject({ type: 'record.imported', record_seq: 1, location: 'cab-4' });
  });
});
