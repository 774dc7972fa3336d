import canonicalize from 'canonicalize';
const ev = { type: 'device.read', kind: 'door', device: 'bench-12-door', location: 'cab-bench-12', ts_device: '2026-12-06T22:00:00.123Z', actor: 'p-01JABCDEFGHJKMNPQRSTVWXYZ', evidence: ['01JE1234567890ABCDEFGHJKMN'], evidence_sha256: 'a'.repeat(64), ts_server: '2026-12-06T22:00:00.123456Z' };
function sorted(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) { let same = true; const out = new Array(v.length); for (let i = 0; i < v.length; i++) { out[i] = sorted(v[i]); if (out[i] !== v[i]) same = false; } return same ? v : out; }
  const o = v as Record<string, unknown>; const keys = Object.keys(o).sort(); const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = sorted(o[k]);
  return out;
}
const N = 300000;
const prefix = 'safekeep/event/v1\n';
for (const [name, fn] of [['canonicalize+buf', () => Buffer.from(prefix + canonicalize(ev))], ['stringify(sorted)+buf', () => Buffer.from(prefix + JSON.stringify(sorted(ev)))]] as const) {
  for (let r = 0; r < 3; r++) { const t = performance.now(); for (let i = 0; i < N; i++) fn(); if (r === 2) console.log(name, ((performance.now() - t) * 1000 / N).toFixed(2), 'µs'); }
}
console.log(JSON.stringify(sorted(ev)) === canonicalize(ev));
