import { readFileSync } from 'node:fs';
import { importRows, parseImport, type ImportKind, type RowProblem } from '../domain/csv-import';
import { EventBus } from '../ingest/event-bus';
import { CustodyWriter } from '../ingest/custody-writer';
import { openOfficeDatabase } from '../office-server';
import { syncOffice } from '../domain/office-sync';
import { systemClock } from '../shared/clock';
import { UsageError, type CliContext } from './context';

const KINDS: readonly ImportKind[] = ['people', 'badges', 'records'];

export async function importCommand(ctx: CliContext, kind: string, file: string): Promise<number> {
  if (!KINDS.includes(kind as ImportKind)) throw new UsageError(`import: what to import must be one of ${KINDS.join(', ')}, not "${kind}"`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = parseImport(kind as ImportKind, text);
  if (!parsed.ok) return reportProblems(file, parsed.problems);
  const db = await openOfficeDatabase(ctx.env, ctx.logger);
  try {
    const writer = new CustodyWriter({ db, clock: systemClock, logger: ctx.logger, bus: new EventBus() });
    await writer.start();
    // Records name cabinets: the office structure must be in the database first.
    await syncOffice(writer, ctx.office);
    const report = await importRows(writer, parsed, 'system:import');
    await writer.stop();
    if (!report.ok) return reportProblems(file, report.problems);
    console.log(`imported ${report.imported} ${kind} from ${file}`);
    return 0;
  } finally {
    await db.close();
  }
}

function reportProblems(file: string, problems: RowProblem[]): number {
  console.error(`${file}: nothing imported; ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  line ${p.line}: ${p.field}: ${p.message}`);
  return 1;
}
