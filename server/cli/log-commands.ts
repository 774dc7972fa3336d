import { readFileSync, writeFileSync } from 'node:fs';
import { verifyBundle } from '../custody-log/bundle';
import { LogStore } from '../custody-log/log-store';
import { Checkpointer } from '../custody-log/checkpointer';
import { exportBundle } from '../custody-log/bundle-export';
import { verifyLog } from '../custody-log/verify-log';
import { parseKeyHistory, serializeKeyHistory, singleKeyHistory, verifyKeyHistory, type VerifiedKeyHistory } from '../custody-log/key-history';
import { KeyRotationBusyError, rotateSigningKey } from '../custody-log/key-rotation';
import { CustodyWriter } from '../ingest/custody-writer';
import { EventBus } from '../ingest/event-bus';
import { openOfficeDatabase, signingKeyFor } from '../office-server';
import { systemClock } from '../shared/clock';
import { UsageError, type CliContext } from './context';

async function withLog<T>(
  ctx: CliContext,
  use: (parts: { store: LogStore; checkpointer: Checkpointer; origin: string; key: Awaited<ReturnType<typeof signingKeyFor>>; writer: CustodyWriter }) => Promise<T>,
): Promise<T> {
  const db = await openOfficeDatabase(ctx.env, ctx.logger);
  try {
    const store = new LogStore(db.sequelize);
    const key = await signingKeyFor(ctx.env, ctx.office);
    const origin = `safekeep/${ctx.office.office.id}`;
    const checkpointer = new Checkpointer({ store, key, origin, clock: systemClock, logger: ctx.logger });
    const writer = new CustodyWriter({ db, clock: systemClock, logger: ctx.logger, bus: new EventBus() });
    await writer.start();
    return await use({ store, checkpointer, origin, key, writer });
  } finally {
    await db.close();
  }
}

export async function logVerify(ctx: CliContext, options: { key?: string; keyHistory?: string }): Promise<number> {
  return withLog(ctx, async ({ store, key }) => {
    const keys = trustedKeyHistory(options, key.history);
    if (!keys.ok) {
      console.error(`custody log FAILED verification: ${keys.error}`);
      return 1;
    }
    const report = await verifyLog(store, keys.history);
    const rate = report.seconds > 0 ? Math.round(report.size / report.seconds) : report.size;
    if (report.ok) {
      console.log(`custody log intact: ${report.size} entries, ${report.checkpointsVerified} signed checkpoints verified (${rate} entries/s)`);
      return 0;
    }
    if (report.firstBadIndex === undefined) {
      console.error(`custody log FAILED verification: ${report.problem}`);
      // Rows rewritten together with their stored hashes are caught only by the signed roots.
      if (report.badRange) console.error(`first bad index: in ${report.badRange[0]}..${report.badRange[1]}`);
      return 1;
    }
    console.error(`custody log FAILED verification at index ${report.firstBadIndex}: ${report.problem}`);
    console.error(`first bad index: ${report.firstBadIndex}`);
    return 1;
  });
}

export async function logCheckpoint(ctx: CliContext): Promise<number> {
  return withLog(ctx, async ({ checkpointer }) => {
    const checkpoint = await checkpointer.checkpointNow();
    if (!checkpoint) throw new UsageError('the custody log is empty: nothing to sign yet', 1);
    process.stdout.write(checkpoint.note);
    return 0;
  });
}

export async function logBundle(ctx: CliContext, barcode: string, out: string): Promise<number> {
  return withLog(ctx, async (parts) => {
    const bundle = await exportBundle(parts, barcode, 'system:cli');
    writeFileSync(out, bundle.text, { mode: 0o640 });
    console.log(`wrote ${out}: ${bundle.entries} entries of ${barcode} against a checkpoint of ${bundle.treeSize}`);
    return 0;
  });
}

export async function logVerifierKey(ctx: CliContext, options: { all?: boolean }): Promise<number> {
  const key = await signingKeyFor(ctx.env, ctx.office);
  if (!options.all) {
    console.log(key.verifierKey);
    return 0;
  }
  // Newest first: the key to hand out now heads the list.
  for (const period of [...key.history.periods].reverse()) {
    const validity =
      period.untilSize === null
        ? `current, signs checkpoints from size ${period.fromSize}${period.since ? ` (since ${period.since})` : ''}`
        : `retired, signed checkpoints of sizes ${period.fromSize}..${period.untilSize}${period.retiredAt ? ` (until ${period.retiredAt})` : ''}`;
    console.log(`${period.verifierKey}  ${validity}`);
  }
  return 0;
}

/** Writes the key history an auditor needs to check checkpoints signed by retired keys. */
export async function logKeyHistory(ctx: CliContext, out: string): Promise<number> {
  const key = await signingKeyFor(ctx.env, ctx.office);
  writeFileSync(out, serializeKeyHistory(key.history.history), { mode: 0o644 });
  console.log(`wrote ${out}: ${key.history.history.rotations.length} key rotations; the current key is ${key.verifierKey}`);
  return 0;
}

/** For an operator with a shell on the server; the dashboard route asks an admin to re-authenticate. */
export async function logRotateKey(ctx: CliContext): Promise<number> {
  return withLog(ctx, async (parts) => {
    try {
      const rotation = await rotateSigningKey({ ...parts, logger: ctx.logger }, 'system:cli');
      console.log(`retired key: ${rotation.oldKey}`);
      console.log(`new key:     ${rotation.newKey}`);
      console.log(`transition checkpoint of ${rotation.checkpoint.size} entries, signed by both keys:`);
      process.stdout.write(rotation.checkpoint.note);
      console.log('give the new verifier key to your witnesses; `safekeep log key-history --out <file>` lets auditors check older checkpoints');
      return 0;
    } catch (err) {
      if (err instanceof KeyRotationBusyError) throw new UsageError(err.message, 1);
      throw err;
    }
  });
}

/** Offline: reads only the file (and the key the auditor trusts, when given). */
export function logVerifyBundle(file: string, options: { key?: string; keyHistory?: string }): number {
  const bytes = readInput(file);
  const keyHistory = options.keyHistory === undefined ? undefined : readInput(options.keyHistory).toString('utf8');
  const result = verifyBundle(bytes, { ...(options.key ? { trustedKey: options.key } : {}), ...(keyHistory !== undefined ? { keyHistory } : {}) });
  if (!result.ok) {
    console.error(`bundle REJECTED: ${result.error}`);
    return 1;
  }
  console.log(`bundle verified: record ${result.record}, ${result.entries.length} entries, checkpoint of ${result.size} entries`);
  for (const e of result.entries) {
    console.log(`  #${e.record_seq} ${e.ts_server} ${e.type}${e.location ? ` at ${e.location}` : ''}${e.actor ? ` by ${e.actor}` : ''}`);
  }
  if (!options.key) console.log('note: signature checked with the key inside the bundle; pass --key to check it against the key you trust');
  return 0;
}

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * The keys `log verify` trusts: the office's own history, or the file given; `--key` must be one of
 * its keys (trusting any key of a verified history extends to all), or the only key when none was rotated.
 */
function trustedKeyHistory(options: { key?: string; keyHistory?: string }, own: VerifiedKeyHistory): { ok: true; history: VerifiedKeyHistory } | { ok: false; error: string } {
  try {
    let history = own;
    if (options.keyHistory !== undefined) {
      const parsed = parseKeyHistory(readInput(options.keyHistory).toString('utf8'));
      history = parsed.rotations.length > 0 ? verifyKeyHistory(parsed) : singleKeyHistory(options.key ?? own.periods[0]!.verifierKey);
    }
    if (options.key === undefined) return { ok: true, history };
    if (history.periods.length === 1) return { ok: true, history: singleKeyHistory(options.key) };
    if (!history.keys.has(options.key)) return { ok: false, error: 'the key you trust (--key) is not in the key history' };
    return { ok: true, history };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return { ok: false, error: (err as Error).message };
  }
}
