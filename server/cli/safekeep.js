#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the same sources serve `npm start`, the tests and `npx safekeep`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
