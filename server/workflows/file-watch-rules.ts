import { localTime } from './office-time';

export interface OutFile {
  id: string;
  barcode: string;
  custodianActor: string | null;
  dueAt: Date | null;
  remindedAt: Date | null;
  overdueNotifiedAt: Date | null;
}

export type FileNotice =
  | { kind: 'reminder'; file: OutFile }
  | { kind: 'overdue'; file: OutFile }
  | { kind: 'out_at_close'; files: OutFile[] };

/** Reminders go out this long before a file is due. */
export const REMIND_BEFORE_MS = 24 * 3600_000;
/** An overdue file is raised again once a day until it is back. */
export const OVERDUE_REPEAT_MS = 24 * 3600_000;

/**
 * What to tell about files that are out, at `now`: a reminder once before the due time, an
 * overdue alert when it passes (again daily), and at closing time the list of files still out.
 */
export function fileNotices(input: {
  out: readonly OutFile[];
  now: Date;
  office: { timeZone: string; close: string; days: readonly string[] };
  /** When the last closing-time report was made. */
  lastCloseReportAt: Date | null;
}): FileNotice[] {
  const { now } = input;
  const notices: FileNotice[] = [];
  for (const file of input.out) {
    if (!file.dueAt) continue;
    const due = file.dueAt.getTime();
    if (now.getTime() >= due) {
      if (!file.overdueNotifiedAt || now.getTime() - file.overdueNotifiedAt.getTime() >= OVERDUE_REPEAT_MS) notices.push({ kind: 'overdue', file });
    } else if (due - now.getTime() <= REMIND_BEFORE_MS && !file.remindedAt) {
      notices.push({ kind: 'reminder', file });
    }
  }
  const local = localTime(now, input.office.timeZone);
  const closed = input.office.days.includes(local.day) && local.hhmm >= input.office.close;
  const reportedToday = input.lastCloseReportAt !== null && now.getTime() - input.lastCloseReportAt.getTime() < 12 * 3600_000;
  if (closed && !reportedToday && input.out.length > 0) notices.push({ kind: 'out_at_close', files: [...input.out] });
  return notices;
}

/** Due time for a file checked out now: the loan period in calendar days, at closing time. */
export function dueAtFor(now: Date, loanDays: number): Date {
  return new Date(now.getTime() + loanDays * 24 * 3600_000);
}
