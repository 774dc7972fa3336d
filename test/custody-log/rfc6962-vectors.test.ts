import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, rootOf, verifyConsistency, verifyInclusion } from '../../server/custody-log/merkle';
import { vectorLeafHashes, vectorsDir } from './helpers';

/**
 * The public transparency-dev/merkle vectors, read in place from ../shared/vectors (never copied
 * into the repository). Valid proofs must verify; every mutated one (wantErr) must be refused.
 */

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return jsonFiles(full);
      return name.endsWith('.json') ? [full] : [];
    });
}

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
const proofOf = (proof: string[] | null): Buffer[] => (proof ?? []).map(b64);

if (!existsSync(vectorsDir)) {
  const why = `RFC 6962 test vectors not found at ${vectorsDir}`;
  if (process.env.CI === 'true') {
    it('RFC 6962 test vectors are present', () => {
      throw new Error(`${why}: CI must run them (check out the shared folder next to the repository)`);
    });
  } else {
    // A skipped suite is easy to overlook: say why on the console too.
     
    console.warn(`[custody-log] skipping the RFC 6962 vector tests: ${why}`);
    it.skip(`RFC 6962 vectors (${why})`, () => {});
  }
} else {
  const inclusionFiles = jsonFiles(path.join(vectorsDir, 'inclusion'));
  const consistencyFiles = jsonFiles(path.join(vectorsDir, 'consistency'));
  const rel = (file: string): string => path.relative(vectorsDir, file);
  const load = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

  describe('RFC 6962 vectors', () => {
    it('are all there (more than 100 files, both kinds)', () => {
      expect(inclusionFiles.length + consistencyFiles.length).toBeGreaterThan(100);
      expect(inclusionFiles.length).toBeGreaterThan(20);
      expect(consistencyFiles.length).toBeGreaterThan(20);
      const all = [...inclusionFiles, ...consistencyFiles].map((f) => load<{ wantErr: boolean }>(f));
      expect(all.filter((v) => !v.wantErr).length).toBeGreaterThan(5);
      expect(all.filter((v) => v.wantErr).length).toBeGreaterThan(50);
    });

    describe('inclusion', () => {
      it.each(inclusionFiles.map((f) => [rel(f), f]))('%s', (_name, file) => {
        const v = load<InclusionVector>(file);
        const ok = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v.proof), b64(v.root));
        expect(ok).toBe(!v.wantErr);
      });
    });

    describe('consistency', () => {
      it.each(consistencyFiles.map((f) => [rel(f), f]))('%s', (_name, file) => {
        const v = load<ConsistencyVector>(file);
        const ok = verifyConsistency(v.size1, v.size2, proofOf(v.proof), b64(v.root1), b64(v.root2));
        expect(ok).toBe(!v.wantErr);
      });
    });

    // The happy paths are over the same 8 leaves as the README's roots: our generator must
    // produce exactly the published proofs, not merely proofs that our own verifier accepts.
    it('our proof generator reproduces every published happy-path proof over the 8 leaves', () => {
      const leaves = vectorLeafHashes();
      let compared = 0;
      for (const file of inclusionFiles) {
        const v = load<InclusionVector>(file);
        if (v.wantErr || v.treeSize > leaves.length) continue;
        const tree = leaves.slice(0, v.treeSize);
        if (!rootOf(tree).equals(b64(v.root))) continue; // vectors over other leaves
        expect(inclusionProof(tree, v.leafIdx).map((h) => h.toString('base64')), rel(file)).toEqual(v.proof ?? []);
        compared++;
      }
      for (const file of consistencyFiles) {
        const v = load<ConsistencyVector>(file);
        if (v.wantErr || v.size1 === v.size2 || v.size2 > leaves.length) continue;
        const tree = leaves.slice(0, v.size2);
        expect(rootOf(tree.slice(0, v.size1)).toString('base64'), rel(file)).toBe(v.root1);
        expect(rootOf(tree).toString('base64'), rel(file)).toBe(v.root2);
        expect(consistencyProof(tree, v.size1).map((h) => h.toString('base64')), rel(file)).toEqual(v.proof ?? []);
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(8);
    });
  });
}
