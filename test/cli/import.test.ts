import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { DEMO_OFFICE_FILE } from '../support/office';

/** `npx safekeep import`: all rows or none, with a report naming each bad row and field. */
describe('safekeep import', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'safekeep-import-'));
    env = { SAFEKEEP_DATA_DIR: path.join(dir, 'data'), SAFEKEEP_OFFICE_FILE: DEMO_OFFICE_FILE };
  });

  it('imports nothing when any row is bad, and reports every bad row with its line and field', async () => {
    const csv = file(
      'records.csv',
      [
        'barcode,client,matter,title,home_cabinet',
        'SK-100001,Acme,2024-001,Lease,cab-1',
        'bad barcode,Acme,2024-002,Lease,cab-1',
        'SK-100003,,2024-003,Lease,cab-1',
        'SK-100004,Acme,2024-004,Lease,no-such-cabinet',
      ].join('\n'),
    );
    const result = await runCli(['import', 'records', csv], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nothing imported/);
    expect(result.stderr).toMatch(/line 3: barcode:/);
    expect(result.stderr).toMatch(/line 4: client: is required/);
    // Cross-checks against the database come after the row checks: fix those first.
    const fixed = file('records2.csv', ['barcode,client,matter,title,home_cabinet', 'SK-100001,Acme,2024-001,Lease,cab-1', 'SK-100004,Acme,2024-004,Lease,no-such-cabinet'].join('\n'));
    const second = await runCli(['import', 'records', fixed], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/line 3: home_cabinet: unknown cabinet "no-such-cabinet"/);
    const verify = await runCli(['log', 'verify'], env);
    expect(verify.stdout).toMatch(/intact: 1 entries/); // only the office configuration, no record
  });

  it('imports people, badges and records, each record with its first custody-log entry', async () => {
    const people = file('people.csv', 'name,email,role\nAda Lovelace,ada@example.com,staff\nAlan Turing,alan@example.com,manager\n');
    const badges = file('badges.csv', 'person_email,badge,format\nada@example.com,0009357203,dec10\nalan@example.com,1A2B3C4D,hex\n');
    const records = file('ok.csv', 'barcode,client,matter,title,home_cabinet\nSK-200001,Acme,2024-001,Lease,cab-1\nSK-200002,Acme,2024-001,Lease vol 2,cab-2\n');
    expect((await runCli(['import', 'people', people], env)).stdout).toMatch(/imported 2 people/);
    expect((await runCli(['import', 'badges', badges], env)).stdout).toMatch(/imported 2 badges/);
    expect((await runCli(['import', 'records', records], env)).stdout).toMatch(/imported 2 records/);
    const again = await runCli(['import', 'badges', badges], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/line 2: badge: badge 008EC793 is already issued/);
    const out = path.join(dir, 'bundle.json');
    expect((await runCli(['log', 'bundle', 'SK-200002', '--out', out], env)).code).toBe(0);
    const verified = await runCli(['log', 'verify-bundle', out], {});
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/#1 .* record\.imported at cab-2 by system:import/);
  });

  it('refuses a file that is not CSV, and an unknown kind, without opening the database', async () => {
    const fresh = { ...env, SAFEKEEP_DATA_DIR: path.join(dir, 'untouched') };
    const broken = file('broken.csv', 'barcode,client\n"SK-1,Acme\n');
    const result = await runCli(['import', 'records', broken], fresh);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line \d+: \(file\)/);
    const kind = await runCli(['import', 'cabinets', broken], fresh);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/must be one of people, badges, records/);
    expect(existsSync(path.join(dir, 'untouched', 'safekeep.sqlite'))).toBe(false);
  });
});
