import { useMemo } from 'react';
import type { VisitorLabel } from '../api/types';
import { qrSvgPath } from '../lib/qr';

/**
 * The visitor badge label. On screen it is a preview; printed (see kiosk.css @media print) it is
 * the only thing on the page, sized for a 62 mm label roll. Its QR code is the badge token:
 * scanned at the kiosk or the reception scanner, it signs the visitor out.
 */
export function Badge({ label }: { label: VisitorLabel }) {
  const qr = useMemo(() => qrSvgPath(label.token), [label.token]);
  return (
    <article className="badge-label" aria-label="Visitor badge" data-testid="badge-label">
      <p className="badge-kind">VISITOR</p>
      <p className="badge-name">{label.first_name}</p>
      {label.company ? <p className="badge-company">{label.company}</p> : null}
      <p className="badge-host">Visiting {label.host_name}</p>
      <p className="badge-date">{label.date}</p>
      {label.escort_required ? <p className="badge-escort">ESCORT REQUIRED</p> : null}
      <svg className="badge-qr" viewBox={`0 0 ${qr.size} ${qr.size}`} role="img" aria-label="QR code to sign out" shapeRendering="crispEdges" data-token={label.token}>
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.path} fill="#000" />
      </svg>
      <p className="badge-foot">Wear visibly · Scan at reception to sign out</p>
    </article>
  );
}
