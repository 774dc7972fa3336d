import type { RecordStatus } from '../api/types';

export const STATUS_LABELS: Record<RecordStatus, string> = {
  in: 'In its cabinet',
  out: 'Checked out',
  deposited: 'In a shred bin',
  destroyed: 'Destroyed',
  missing: 'Missing',
  returned: 'Returned to client',
};

/** A file's status as text plus colour (never colour alone). */
export function StatusTag({ status }: { status: string }) {
  return <span className={`tag status-${status}`}>{(STATUS_LABELS as Record<string, string>)[status] ?? status}</span>;
}
