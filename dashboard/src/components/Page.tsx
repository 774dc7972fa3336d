import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * A page: sets the document title and, after in-app navigation, moves focus to the heading so a
 * screen reader announces the new page (as a full page load would).
 */
let firstPage = true;

export function Page({ title, heading, actions, children }: { title: string; heading?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Safekeep`;
  }, [title]);
  useLayoutEffect(() => {
    // Not on the first load: the browser's own focus handling is right then.
    if (firstPage) firstPage = false;
    else h1.current?.focus({ preventScroll: true });
  }, []);
  return (
    <>
      <header className="page-header">
        <h1 ref={h1} tabIndex={-1}>
          {heading ?? title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </>
  );
}
