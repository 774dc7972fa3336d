/** How long an open alert may wait for a person before it is escalated, by severity. */
export const ESCALATE_AFTER_MS: Record<string, number> = {
  critical: 5 * 60_000,
  warning: 30 * 60_000,
  info: Number.POSITIVE_INFINITY,
};

export interface OpenAlert {
  id: string;
  severity: string;
  raisedAt: Date;
  /** 0 = not escalated yet; each escalation goes one level up (manager, then admin). */
  escalationLevel: number;
}

/**
 * Which open alerts to escalate now. Each level waits the severity's delay again, so an ignored
 * critical alert reaches the manager after 5 minutes and the admin after 10. Two levels at most.
 */
export function alertsToEscalate(alerts: readonly OpenAlert[], now: Date): { id: string; level: number }[] {
  const due: { id: string; level: number }[] = [];
  for (const alert of alerts) {
    const delay = ESCALATE_AFTER_MS[alert.severity] ?? Number.POSITIVE_INFINITY;
    if (alert.escalationLevel >= 2 || !Number.isFinite(delay)) continue;
    if (now.getTime() - alert.raisedAt.getTime() >= delay * (alert.escalationLevel + 1)) due.push({ id: alert.id, level: alert.escalationLevel + 1 });
  }
  return due;
}
