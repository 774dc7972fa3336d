import { FileRecord } from '../db/models';
import type { CustodyWriter } from '../ingest/custody-writer';
import type { Checkpointer } from './checkpointer';
import type { LogStore } from './log-store';
import { MerkleTree } from './tree';
import { serializeBundle } from './bundle';
import type { SigningKey } from './signing-key';
import { keyPeriodAt } from './key-history';

export class UnknownRecordError extends Error {}

/**
 * One record's custody bundle: every entry of its chain with an inclusion proof against a freshly
 * signed checkpoint, so the bundle covers the record's whole history up to now.
 */
export async function exportBundle(
  deps: { store: LogStore; checkpointer: Checkpointer; key: SigningKey; origin: string; writer: CustodyWriter },
  barcode: string,
  actor: string,
): Promise<{ recordId: string; text: string; entries: number; treeSize: number }> {
  const record = await FileRecord.findOne({ where: { barcode } });
  if (!record) throw new UnknownRecordError(`no record with barcode ${barcode}`);
  // Who took the file's history away is part of that history, and this bundle shows it.
  await deps.writer.submit({ run: (ctx) => ctx.append({ type: 'bundle.exported', record: record.id, actor }) });
  const checkpoint = await deps.checkpointer.checkpointNow();
  if (!checkpoint) throw new Error('the custody log is empty');
  const rows = (await deps.store.entriesOfRecord(record.id)).filter((r) => r.idx < checkpoint.size);
  const tree = new MerkleTree(deps.store);
  const entries = [];
  for (const row of rows) {
    const proof = await tree.inclusionProof(row.idx, checkpoint.size);
    entries.push({ index: row.idx, leaf: row.leaf.toString('base64'), proof: proof.map((h) => h.toString('base64')) });
  }
  const text = serializeBundle({
    format: 'safekeep-custody-bundle/v1',
    origin: deps.origin,
    // The key valid at the checkpoint's size: the current one, unless a rotation just happened.
    verifier_key: keyPeriodAt(deps.key.history, checkpoint.size).verifierKey,
    checkpoint: checkpoint.note,
    record: record.id,
    entries,
  });
  return { recordId: record.id, text, entries: entries.length, treeSize: checkpoint.size };
}
