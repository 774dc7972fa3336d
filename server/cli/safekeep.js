#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the same sources serve `npm start`, the tests and `npx safekeep`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
// tsx turns source maps on; Sequelize captures a stack on every query, and mapping it costs more
// than the query. Set SAFEKEEP_SOURCE_MAPS=1 when debugging.
if (process.env.SAFEKEEP_SOURCE_MAPS !== '1') process.setSourceMapsEnabled(false);
process.exitCode = await main(process.argv.slice(2));
