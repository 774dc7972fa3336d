import { useMemo } from 'react';
import type { VisitorBadge } from '../api/visitors';
import { qrSvgPath } from '../lib/qr';

/**
 * The visitor badge label. On screen it is a preview; printed (see kiosk.css @media print) it is
 * the only thing on the page, sized for a 62 mm label roll.
 */
export function Badge({ badge }: { badge: VisitorBadge }) {
  const qr = useMemo(() => qrSvgPath(badge.token), [badge.token]);
  const date = new Date(badge.signed_in_at);
  return (
    <article className="badge-label" aria-label="Visitor badge">
      <p className="badge-kind">VISITOR</p>
      <p className="badge-name">{badge.name}</p>
      {badge.company ? <p className="badge-company">{badge.company}</p> : null}
      <p className="badge-host">Visiting {badge.visiting}</p>
      <p className="badge-date">
        {Number.isNaN(date.getTime()) ? badge.signed_in_at : date.toLocaleDateString(undefined, { dateStyle: 'medium' })}
        {badge.valid_until ? ` · until ${new Date(badge.valid_until).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}` : ''}
      </p>
      <svg className="badge-qr" viewBox={`0 0 ${qr.size} ${qr.size}`} role="img" aria-label="QR code to sign out" shapeRendering="crispEdges">
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.path} fill="#000" />
      </svg>
      <p className="badge-foot">Wear visibly · Escort required · Scan at reception to sign out</p>
    </article>
  );
}
