import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import sqlite3 from 'sqlite3';
import { runCli } from '../support/cli';
import { DEMO_OFFICE_FILE } from '../support/office';

function sql(file: string, statements: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file);
    db.exec(statements, (err) => db.close(() => (err ? reject(err) : resolve())));
  });
}

/** The log commands of issue 2, run as an installer or auditor would run them. */
describe('safekeep log', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'safekeep-log-'));
    env = { SAFEKEEP_DATA_DIR: path.join(dir, 'data'), SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE };
    const csv = path.join(dir, 'records.csv');
    writeFileSync(csv, ['barcode,client,matter,title,home_cabinet', ...Array.from({ length: 30 }, (_, i) => `SK-3000${String(i).padStart(2, '0')},Acme,2026-${i},File ${i},cab-${1 + (i % 4)}`)].join('\n'));
    expect((await runCli(['import', 'records', csv], env)).code).toBe(0);
  });

  it('prints a verifier key and a signed checkpoint in the C2SP formats', async () => {
    const key = await runCli(['log', 'verifier-key'], env);
    expect(key.stdout.trim()).toMatch(/^safekeep-hartley-voss\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const cp = await runCli(['log', 'checkpoint'], env);
    expect(cp.code).toBe(0);
    expect(cp.stdout).toMatch(/^safekeep\/hartley-voss\n31\n[A-Za-z0-9+/]{43}=\n\n— safekeep-hartley-voss [A-Za-z0-9+/=]+\n$/);
  });

  it('verifies an intact log, and names the first bad index after an edit with the guards removed', async () => {
    expect((await runCli(['log', 'verify'], env)).code).toBe(0);
    const copyDir = mkdtempSync(path.join(tmpdir(), 'safekeep-log-tampered-'));
    const tamperedEnv = { ...env, SAFEKEEP_DATA_DIR: copyDir };
    for (const f of ['safekeep.sqlite', 'log-signing-key.pem']) writeFileSync(path.join(copyDir, f), readFileSync(path.join(dir, 'data', f)), { mode: 0o600 });
    await sql(
      path.join(copyDir, 'safekeep.sqlite'),
      `DROP TRIGGER log_entries_no_update;
       UPDATE log_entries SET leaf = CAST(REPLACE(CAST(leaf AS TEXT), 'cab-2', 'cab-9') AS BLOB) WHERE idx = 6;`,
    );
    const result = await runCli(['log', 'verify'], tamperedEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/first bad index: 6/);
  });

  it('writes a bundle that verifies offline, and rejects it after any changed byte', async () => {
    const out = path.join(dir, 'bundle.json');
    expect((await runCli(['log', 'bundle', 'SK-300005', '--out', out], env)).code).toBe(0);
    const key = (await runCli(['log', 'verifier-key'], env)).stdout.trim();
    // Offline: no data dir, no database, no office file.
    const ok = await runCli(['log', 'verify-bundle', out, '--key', key], {});
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/bundle verified/);
    const bytes = readFileSync(out);
    for (const at of [0, 20, Math.floor(bytes.length / 2), bytes.length - 2]) {
      const changed = Buffer.from(bytes);
      changed[at] = changed[at]! ^ 0x01;
      const file = path.join(dir, `changed-${at}.json`);
      writeFileSync(file, changed);
      const result = await runCli(['log', 'verify-bundle', file], {});
      expect(result.code, `byte ${at}`).toBe(1);
      expect(result.stderr).toMatch(/REJECTED/);
    }
    const otherKey = key.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    expect((await runCli(['log', 'verify-bundle', out, '--key', otherKey], {})).code).toBe(1);
  });

  it('rotates the key on SQLite; earlier bundles and checkpoints stay verifiable with the key history', { timeout: 240_000 }, async () => {
    const before = path.join(dir, 'before-rotation.json');
    expect((await runCli(['log', 'bundle', 'SK-300007', '--out', before], env)).code).toBe(0);
    const rotated = await runCli(['log', 'rotate-key'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/signed by both keys/);
    const oldKey = /^retired key: (\S+)$/m.exec(rotated.stdout)![1]!;
    const newKey = /^new key: +(\S+)$/m.exec(rotated.stdout)![1]!;
    const all = (await runCli(['log', 'verifier-key', '--all'], env)).stdout.trim().split('\n');
    expect(all[0]).toMatch(new RegExp(`^${escape(newKey)}  current, signs checkpoints from size \\d+`));
    expect(all[1]).toMatch(new RegExp(`^${escape(oldKey)}  retired, signed checkpoints of sizes 0\\.\\.\\d+`));
    expect((await runCli(['log', 'verify', '--key', oldKey], env)).code).toBe(0);

    // Offline, as an auditor who trusts only the new key.
    const history = path.join(dir, 'key-history.json');
    expect((await runCli(['log', 'key-history', '--out', history], env)).code).toBe(0);
    const old = await runCli(['log', 'verify-bundle', before, '--key', newKey, '--key-history', history], {});
    expect(old.code, old.stderr).toBe(0);
    const tampered = path.join(dir, 'key-history-tampered.json');
    writeFileSync(tampered, readFileSync(history, 'utf8').replace(/"index":(\d+)/, (_, n: string) => `"index":${Number(n) + 1}`));
    const rejected = await runCli(['log', 'verify-bundle', before, '--key', newKey, '--key-history', tampered], {});
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/REJECTED: .*inclusion proof/);
    const verifyTampered = await runCli(['log', 'verify', '--key-history', tampered], env);
    expect(verifyTampered.code).toBe(1);
    expect(verifyTampered.stderr).toMatch(/FAILED verification/);
  });

  it('explains an unknown barcode', async () => {
    const result = await runCli(['log', 'bundle', 'SK-999999', '--out', path.join(dir, 'x.json')], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no record with barcode SK-999999/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
