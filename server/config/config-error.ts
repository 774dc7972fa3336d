/**
 * One shape for every configuration problem, from the environment or the office file, so the
 * command line can print them all at once and exit before any data is opened. Reporting every
 * problem in one go matters: an office manager fixing a file should not have to restart the
 * server once per typo.
 */
export interface ConfigIssue {
  /**
   * The variable (`PORT`) or the path into the office file (`cabinets[2].room`). Empty when the
   * problem is the file as a whole, e.g. it cannot be read.
   */
  field: string;
  message: string;
  /** 1-based, as editors count. */
  line?: number;
  /** 1-based, as editors count. */
  column?: number;
  file?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const sorted = sortIssues(issues);
    super(sorted.map(formatIssue).join('\n'));
    this.issues = sorted;
  }

  /** One line per problem; `file:line:column` first so terminals and editors can jump to it. */
  format(): string {
    return this.issues.map(formatIssue).join('\n');
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = locationOf(issue);
  const what = issue.field === '' ? issue.message : `${issue.field}: ${issue.message}`;
  if (where === undefined) return what;
  return issue.field === '' ? `${where}: ${what}` : `${where} ${what}`;
}

function locationOf(issue: ConfigIssue): string | undefined {
  if (issue.file === undefined) return undefined;
  if (issue.line === undefined) return issue.file;
  return `${issue.file}:${issue.line}:${issue.column ?? 1}`;
}

/** Reading order: a person fixes a file top to bottom. Issues without a line keep their place first. */
function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => {
      const la = a.issue.line ?? 0;
      const lb = b.issue.line ?? 0;
      if (la !== lb) return la - lb;
      const ca = a.issue.column ?? 0;
      const cb = b.issue.column ?? 0;
      return ca !== cb ? ca - cb : a.index - b.index;
    })
    .map(({ issue }) => issue);
}
