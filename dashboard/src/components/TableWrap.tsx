import type { ReactNode } from 'react';

/** A table that may scroll sideways on a narrow screen: focusable and named, so keyboards can scroll it. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
