/**
 * Builds the dashboard when its build is missing or stale, so `npm start` and `npm run demo` always
 * serve the current sources while a fresh build costs only a hash of the sources (a few ms).
 *
 *   node --import tsx dashboard/scripts/build-dashboard.ts            # build dashboard/dist if stale
 *   node --import tsx dashboard/scripts/build-dashboard.ts --force    # always build
 *   node --import tsx dashboard/scripts/build-dashboard.ts --out-dir DIR
 *
 * A build is fresh when DIR/.build-stamp.json names the hash of everything that goes into it: the
 * sources, index.html, the vite config and the versions of the packages bundled. Express does not
 * serve dot files, so the stamp stays private.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROJECT_ROOT = path.resolve(DASHBOARD_DIR, '..');
export const DEFAULT_OUT_DIR = path.join(DASHBOARD_DIR, 'dist');
const STAMP = '.build-stamp.json';
/** Packages whose code ends up in the bundle or shapes it. */
const BUNDLED_PACKAGES = ['react', 'react-dom', 'socket.io-client', '@zxing/library', 'qrcode', 'canonicalize', 'vite', '@vitejs/plugin-react'];
/** Server modules the bundle imports as code, not `import type` (browser-safe: no node: imports). */
const BUNDLED_SERVER_MODULES = ['server/custody-log/text.ts'];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return 'missing';
  }
}

/** Hash of every input of the build. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    path.join(DASHBOARD_DIR, 'index.html'),
    path.join(DASHBOARD_DIR, 'vite.config.ts'),
    ...filesUnder(path.join(DASHBOARD_DIR, 'src')),
    ...BUNDLED_SERVER_MODULES.map((file) => path.join(PROJECT_ROOT, file)),
  ].sort();
  for (const file of inputs) {
    hash.update(path.relative(DASHBOARD_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const name of BUNDLED_PACKAGES) hash.update(`${name}@${packageVersion(name)}\0`);
  return hash.digest('hex');
}

export function isFresh(outDir: string, hash = sourceHash()): boolean {
  try {
    const stamp = JSON.parse(readFileSync(path.join(outDir, STAMP), 'utf8')) as { hash?: string };
    return stamp.hash === hash && statSync(path.join(outDir, 'index.html')).isFile();
  } catch {
    return false;
  }
}

/** Runs vite build into outDir and stamps it. Vite is loaded only when a build is needed. */
export async function buildDashboard(outDir: string = DEFAULT_OUT_DIR, options: { quiet?: boolean } = {}): Promise<void> {
  const hash = sourceHash();
  // A development NODE_ENV (vitest sets "test") would bundle React's development build.
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({
    configFile: path.join(DASHBOARD_DIR, 'vite.config.ts'),
    mode: 'production',
    logLevel: options.quiet ? 'warn' : 'info',
    build: { outDir, emptyOutDir: true },
  });
  writeFileSync(path.join(outDir, STAMP), `${JSON.stringify({ hash, built_at: new Date().toISOString() })}\n`);
}

async function main(argv: string[]): Promise<number> {
  const force = argv.includes('--force');
  const outIndex = argv.indexOf('--out-dir');
  const outDir = outIndex >= 0 && argv[outIndex + 1] ? path.resolve(argv[outIndex + 1]!) : DEFAULT_OUT_DIR;
  if (!force && isFresh(outDir)) return 0;
  try {
    await import('vite');
  } catch {
    // A production install without dev dependencies: serve what is there (or the status page).
    process.stderr.write(`dashboard: the build in ${outDir} is ${existsSync(outDir) ? 'stale' : 'missing'} and vite is not installed; run \`npm install\` then \`npm run build\`\n`);
    return 0;
  }
  process.stderr.write(`dashboard: building into ${path.relative(process.cwd(), outDir) || outDir} …\n`);
  await buildDashboard(outDir, { quiet: argv.includes('--quiet') });
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`dashboard: build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
