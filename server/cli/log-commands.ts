import { readFileSync, writeFileSync } from 'node:fs';
import { verifyBundle } from '../custody-log/bundle';
import { LogStore } from '../custody-log/log-store';
import { Checkpointer } from '../custody-log/checkpointer';
import { exportBundle } from '../custody-log/bundle-export';
import { verifyLog } from '../custody-log/verify-log';
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

export async function logVerify(ctx: CliContext, options: { key?: string }): Promise<number> {
  return withLog(ctx, async ({ store, key }) => {
    const report = await verifyLog(store, options.key ?? key.verifierKey);
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

export async function logVerifierKey(ctx: CliContext): Promise<number> {
  const key = await signingKeyFor(ctx.env, ctx.office);
  console.log(key.verifierKey);
  return 0;
}

/** Offline: reads only the file (and the key the auditor trusts, when given). */
export function logVerifyBundle(file: string, options: { key?: string }): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const result = verifyBundle(bytes, options.key ? { trustedKey: options.key } : {});
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
