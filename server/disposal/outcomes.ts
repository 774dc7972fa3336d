import type { Outcome } from '../workflows/outcomes';

/**
 * What the disposal decisions ask for: the shared workflow outcomes (facts, record moves, alerts,
 * commands, answers) plus the writes only disposal knows. Whoever applies them (bin-correlation for
 * device reads, disposal-service for API calls) does so in the same writer job, in order.
 */
export type DisposalOutcome =
  | Outcome
  /** records.legal_hold follows the hold rows: true while any active hold covers the file. */
  | { kind: 'hold.flag'; recordId: string; held: boolean }
  /** A file went into a bin: it waits there for the vendor's next pickup. */
  | { kind: 'deposit'; recordId: string; binId: string; personId: string }
  /** The vendor took the bin's contents: every waiting deposit joins the batch. */
  | {
      kind: 'batch.create';
      batchId: string;
      binId: string;
      recordIds: string[];
      startedBy: string | null;
      via: 'badge' | 'api';
      sealNumber: string | null;
    }
  /** A file of a batch is certified destroyed by this certificate. */
  | { kind: 'deposit.certified'; recordId: string; batchId: string; certificateId: string }
  /** A deposited file was taken back out of the bin (or handed back by the vendor). */
  | { kind: 'deposit.retrieved'; recordId: string; personId: string };

export type SharedOutcome = Outcome;

const SHARED = new Set(['fact', 'record', 'visit.start', 'visit.end', 'command', 'alert', 'answer']);

export function isShared(o: DisposalOutcome): o is Outcome {
  return SHARED.has(o.kind);
}
