/** Command-line options of `npm run bench`. Every figure the bench uses is set here. */
export interface BenchOptions {
  json: boolean;
  /** Cabinet boards the reads come from (each device may send at most 50 reads/s: registry flood control). */
  boards: number;
  /** Events in the throughput flood. */
  events: number;
  /** Events of an uncounted flood before it: a running office is warm (JIT-compiled hot paths). */
  warmupEvents: number;
  /** The flood stops publishing after this long (at the next whole round of visits) even if short of `events`. */
  floodMaxSeconds: number;
  /** Most publishes not yet acknowledged by the server (application-level ack) during the flood. */
  window: number;
  /** Steady rate and duration of the latency phase. */
  rate: number;
  steadySeconds: number;
  /** Timer period of the steady publisher: it publishes what is due at each tick. */
  tickMs: number;
  /** The log verify runs over: grown through the CustodyWriter up to this size when smaller than `growBelow`. */
  verifyLeaves: number;
  growBelow: number;
  /** Rows for the raw SQLite baseline (1,000 per transaction). */
  baselineRows: number;
  /** Reads emitted straight onto the bus, without MQTT (diagnostics.ts); 0 skips it. */
  directEvents: number;
  /** Sequential one-read commits timed on the idle writer. */
  singleCommits: number;
  /** Minimum time per decoder in the decoder throughput run; 0 skips it. */
  decoderMs: number;
  /** The server's checkpoint interval; 0 keeps the server's default (what `safekeep serve` does). */
  checkpointMs: number;
  /** The whole run is aborted after this long. */
  timeoutSeconds: number;
}

const DEFAULTS: BenchOptions = {
  json: false,
  boards: 160,
  events: 50_000,
  warmupEvents: 8_000,
  floodMaxSeconds: 40,
  window: 2_000,
  rate: 1_000,
  steadySeconds: 10,
  tickMs: 5,
  verifyLeaves: 300_000,
  growBelow: 300_000,
  baselineRows: 100_000,
  directEvents: 5_000,
  singleCommits: 200,
  decoderMs: 300,
  checkpointMs: 0,
  timeoutSeconds: 200,
};

const NUMERIC: Record<string, keyof BenchOptions> = {
  '--boards': 'boards',
  '--events': 'events',
  '--warmup-events': 'warmupEvents',
  '--flood-max-seconds': 'floodMaxSeconds',
  '--window': 'window',
  '--rate': 'rate',
  '--steady-seconds': 'steadySeconds',
  '--tick-ms': 'tickMs',
  '--verify-leaves': 'verifyLeaves',
  '--grow-below': 'growBelow',
  '--baseline-rows': 'baselineRows',
  '--direct-events': 'directEvents',
  '--single-commits': 'singleCommits',
  '--decoder-ms': 'decoderMs',
  '--checkpoint-ms': 'checkpointMs',
  '--timeout': 'timeoutSeconds',
};

export const USAGE = `usage: npm run bench -- [--json] ${Object.keys(NUMERIC)
  .map((flag) => `[${flag} N]`)
  .join(' ')}`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') {
      options.json = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const key = NUMERIC[flag];
    if (!key) throw new Error(`unknown option ${arg}\n${USAGE}`);
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (text === undefined || !Number.isFinite(value) || value < 0) throw new Error(`${flag} needs a non-negative number\n${USAGE}`);
    (options as unknown as Record<string, number>)[key] = value;
  }
  if (options.events < 1 || options.rate < 1 || options.window < 1 || options.boards < 1) throw new Error(`--boards, --events, --rate and --window must be at least 1\n${USAGE}`);
  return options;
}
