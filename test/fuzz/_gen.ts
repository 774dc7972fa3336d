import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { ROUTES } from '../../server/api/route-table';
import { requestsFor } from './support/requests';
import { judge } from './support/oracle';
import { anonymous } from './support/identities';
const id = { ...anonymous('http://127.0.0.1:1234', 'x'.repeat(43)), name: 'admin', role: 'admin' as const, token: 'A'.repeat(43), csrf: 'B'.repeat(43) };
for (const r of ROUTES) {
  const t0 = performance.now();
  const arb = requestsFor(r, fc.constant('none'));
  const t1 = performance.now();
  const cases = fc.sample(arb, { seed: 1, numRuns: 200 });
  const t2 = performance.now();
  let must = 0; for (const c of cases) if (judge(ROUTES, c, id).mustFail) must++;
  const t3 = performance.now();
  console.log(`${r.method} ${r.path}`.padEnd(60), (t1-t0).toFixed(0), (t2-t1).toFixed(0), (t3-t2).toFixed(0), must);
}
