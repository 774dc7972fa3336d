import fc from 'fast-check';
import { ROUTES } from '../../server/api/route-table';
import { requestsFor } from './support/requests';
const r = ROUTES.find((x) => x.path === '/api/v1/visitors/sign-in')!;
const arb = requestsFor(r, fc.constant('none'));
console.log('built');
for (let i = 0; i < 200; i++) { const t = Date.now(); fc.sample(arb, { seed: 1 + i, numRuns: 1 }); const d = Date.now() - t; if (d > 200) console.log('slow', i, d); }
console.log('done');
