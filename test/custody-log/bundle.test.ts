import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeBundle, serializeBundle, verifyBundle } from '../../server/custody-log/bundle';
import type { CustodyBundle } from '../../server/custody-log/bundle';
import { signCheckpoint, verifierKeyString } from '../../server/custody-log/checkpoint';
import type { NoteSigner } from '../../server/custody-log/checkpoint';
import { encodeLeaf } from '../../server/custody-log/leaf';
import type { LeafEvent } from '../../server/custody-log/leaf';
import { hashLeaf, inclusionProof, rootOf } from '../../server/custody-log/merkle';

const ORIGIN = 'safekeep/office-1';

function makeSigner(name: string): NoteSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x as string;
  return { name, publicKey: Buffer.from(x, 'base64url'), sign: (m) => sign(null, m, privateKey) };
}

/** A 40-leaf log: three records' chains interleaved with events about no record. */
function buildLog(): { leaves: Buffer[]; byRecord: Map<string, number[]> } {
  const leaves: Buffer[] = [];
  const byRecord = new Map<string, number[]>();
  const heads = new Map<string, { seq: number; hash: string }>();
  const records = ['rec_A', 'rec_B', 'rec_C'];
  for (let i = 0; i < 40; i++) {
    const ts_server = new Date(Date.UTC(2026, 0, 5, 9, 0, i)).toISOString();
    let event: LeafEvent;
    if (i % 4 === 3) {
      event = { type: 'cabinet.opened', ts_server, device: 'cab-7', actor: `act_${i}` };
    } else {
      const record = records[(i * 7) % 3]!;
      const head = heads.get(record);
      event = { type: i % 2 ? 'record.checked_in' : 'record.checked_out', ts_server, actor: 'act_9f2c', record, location: 'loc_3f', record_seq: (head?.seq ?? 0) + 1, evidence: [`rr_${i}`] };
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

function bundleFor(record: string, indexes = byRecord.get(record)!, overrides: Partial<CustodyBundle> = {}): CustodyBundle {
  const bundle = makeBundle({
    origin: ORIGIN,
    verifierKey,
    checkpoint,
    record,
    entries: indexes.map((index) => ({ index, leaf: leaves[index]!, proof: inclusionProof(hashes, index) })),
  });
  return { ...bundle, ...overrides };
}

const error = (text: string, options?: { trustedKey?: string }): string => {
  const result = verifyBundle(text, options);
  return result.ok ? 'accepted' : result.error;
};

describe('custody bundles', () => {
  const text = serializeBundle(bundleFor('rec_B'));

  it('verifies an untouched bundle, as text and as bytes', () => {
    const result = verifyBundle(text);
    expect(result).toMatchObject({ ok: true, record: 'rec_B', size: 40 });
    if (!result.ok) return;
    expect(result.entries.map((e) => e.record_seq)).toEqual(byRecord.get('rec_B')!.map((_, i) => i + 1));
    expect(result.entries.length).toBeGreaterThanOrEqual(8);
    expect(verifyBundle(Buffer.from(text, 'utf8')).ok).toBe(true);
    expect(verifyBundle(text, { trustedKey: verifierKey }).ok).toBe(true);
    for (const record of ['rec_A', 'rec_C']) expect(verifyBundle(serializeBundle(bundleFor(record))).ok).toBe(true);
  });

  it('has one byte form: JCS plus a final newline', () => {
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{"checkpoint":"')).toBe(true);
    const pretty = `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
    expect(error(pretty)).toMatch(/canonical form/);
    expect(error(text.trimEnd())).toMatch(/canonical form/);
    expect(error(`${text}\n`)).toMatch(/canonical form/);
    expect(error(`\ufeff${text}`)).toMatch(/not valid JSON/);
  });

  it('rejects a change of ANY byte (xor 0x01, and replacement by another printable character)', () => {
    const bytes = Buffer.from(text, 'utf8');
    const accepted: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const original = bytes[i]!;
      const replacement = original === 0x41 ? 0x42 : 0x41; // 'A', or 'B' where there was an 'A'
      for (const value of [original ^ 0x01, replacement]) {
        const mutated = Buffer.from(bytes);
        mutated[i] = value;
        if (verifyBundle(mutated).ok) accepted.push(`byte ${i} ${original.toString(16)} -> ${value.toString(16)}`);
      }
    }
    expect(accepted).toEqual([]);
    expect(bytes.length).toBeGreaterThan(5000);
  });

  it('rejects a missing, extra, reordered or foreign entry', () => {
    const idx = byRecord.get('rec_B')!;
    const other = byRecord.get('rec_A')![0]!;
    expect(error(serializeBundle(bundleFor('rec_B', idx.slice(1))))).toMatch(/entries\[0\]: record_seq is 2, expected 1/);
    expect(error(serializeBundle(bundleFor('rec_B', [...idx.slice(0, 3), ...idx.slice(4)])))).toMatch(/entries\[3\]: record_seq is 5, expected 4/);
    expect(error(serializeBundle(bundleFor('rec_B', [idx[1]!, idx[0]!, ...idx.slice(2)])))).toMatch(/record_seq is 2, expected 1/);
    expect(error(serializeBundle(bundleFor('rec_B', [...idx, other].sort((a, b) => a - b))))).toMatch(/not about record rec_B/);
    expect(error(serializeBundle(bundleFor('rec_B', [idx[0]!, idx[0]!])))).toMatch(/strictly increase/);
    expect(error(serializeBundle(bundleFor('rec_B', [])))).toMatch(/no entries/);
  });

  it('rejects the wrong key, origin, format, checkpoint or proof', () => {
    const stranger = makeSigner(ORIGIN);
    const strangerKey = verifierKeyString(stranger.name, stranger.publicKey);
    expect(error(text, { trustedKey: strangerKey })).toMatch(/key other than the trusted one/);
    expect(error(serializeBundle(bundleFor('rec_B', undefined, { verifier_key: strangerKey })))).toMatch(/unknown key/);
    expect(error(serializeBundle(bundleFor('rec_B', undefined, { origin: 'safekeep/office-2' })))).toMatch(/origin differs/);
    expect(error(serializeBundle({ ...bundleFor('rec_B'), format: 'safekeep-custody-bundle/v2' as 'safekeep-custody-bundle/v1' }))).toMatch(/unknown bundle format/);
    // A validly signed checkpoint of an earlier size: the proofs are for another tree.
    const older = signCheckpoint({ origin: ORIGIN, size: 39, root: rootOf(hashes.slice(0, 39)) }, signer);
    expect(error(serializeBundle(bundleFor('rec_B', undefined, { checkpoint: older })))).toMatch(/inclusion proof does not verify/);
    // A leaf that is well-formed but altered (and its proof recomputed) no longer chains.
    const b = bundleFor('rec_B');
    b.entries[0]!.proof.pop();
    expect(error(serializeBundle(b))).toMatch(/entries\[0\]: the inclusion proof/);
  });

  it('rejects structural surprises without throwing', () => {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(error(serializeBundle({ ...parsed, extra: 1 } as unknown as CustodyBundle))).toMatch(/exactly the keys/);
    for (const bad of ['', 'null', '[]', '{}', '"x"', '{"format":1}', text.slice(0, 100)]) {
      expect(verifyBundle(bad).ok, bad).toBe(false);
    }
    expect(verifyBundle(Buffer.from([0xff, 0xfe])).ok).toBe(false);
    expect(verifyBundle(undefined as unknown as string).ok).toBe(false);
  });
});
