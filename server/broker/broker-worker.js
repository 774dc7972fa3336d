// The broker thread's entry: TypeScript through tsx, as the CLI runs it (server/cli/safekeep.js).
import { register } from 'tsx/esm/api';

register();
await import('./broker-worker-main.ts');
