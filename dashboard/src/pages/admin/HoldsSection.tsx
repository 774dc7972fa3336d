import { useState } from 'react';
import type { PersonJson } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Loaded } from '../../components/Status';
import { useAsync } from '../../hooks';
import { formatDateTime } from '../../lib/time';
import { personLabel } from '../../people';
import { adminApi, type HoldJson } from './admin-api';
import { PlaceHoldForm, ReleaseHoldForm } from './HoldForms';

const SCOPE_LABELS: Record<string, string> = { record: 'File', matter: 'Matter', client: 'Client' };

function subjectOf(h: HoldJson): string {
  if (h.scope === 'record') return h.barcode ?? '—';
  if (h.scope === 'matter') return `${h.client ?? ''}, matter ${h.matter ?? ''}`;
  return h.client ?? '—';
}

/**
 * Legal holds: a held file can't be deposited in a shred bin, collected or certified destroyed.
 * Placing and releasing one takes a reason, an approver other than yourself, and your password again.
 */
export function HoldsSection({ people }: { people: PersonJson[] }) {
  const holds = useAsync((signal) => adminApi.holds(signal), 'holds');
  const [releasing, setReleasing] = useState<string | null>(null);
  const byId = new Map(people.map((p) => [p.id, p]));
  const approvers = people.filter((p) => p.active && (p.role === 'manager' || p.role === 'admin'));
  const hold = holds.data?.holds.find((h) => h.id === releasing && !h.released_at);
  return (
    <section aria-labelledby="holds-heading">
      <h2 id="holds-heading">Legal holds</h2>
      <PlaceHoldForm approvers={approvers} onPlaced={holds.reload} />
      {hold ? (
        <ReleaseHoldForm
          key={hold.id}
          hold={hold}
          subject={`${SCOPE_LABELS[hold.scope] ?? hold.scope} ${subjectOf(hold)}`}
          approvers={approvers}
          onClose={() => setReleasing(null)}
          onReleased={() => {
            setReleasing(null);
            holds.reload();
          }}
        />
      ) : null}
      <Loaded state={holds} what="the legal holds">
        {(data) => (
          <DataTable
            label="Legal holds"
            testId="holds"
            columns={[
              { header: 'On', rowHeader: true, cell: (h: HoldJson) => <>{SCOPE_LABELS[h.scope] ?? h.scope} <span className="mono">{subjectOf(h)}</span></> },
              { header: 'Reason', cell: (h: HoldJson) => h.reason },
              { header: 'Placed', cell: (h: HoldJson) => <>{formatDateTime(h.placed_at)}<div className="small muted">by {personLabel(h.placed_by, byId)}, approved by {personLabel(h.approved_by, byId)}</div></> },
              {
                header: 'Status',
                cell: (h: HoldJson) =>
                  h.released_at ? (
                    <>
                      <span className="tag">released</span>
                      <div className="small muted">
                        {formatDateTime(h.released_at)}: {h.release_reason}
                      </div>
                    </>
                  ) : (
                    <span className="tag tag-hold">in force{h.records !== undefined ? `, ${h.records} ${h.records === 1 ? 'file' : 'files'}` : ''}</span>
                  ),
              },
              {
                header: 'Actions',
                hiddenHeader: true,
                cell: (h: HoldJson) =>
                  h.released_at ? null : (
                    <button type="button" className="button small-button" aria-expanded={releasing === h.id} onClick={() => setReleasing(releasing === h.id ? null : h.id)}>
                      Release<span className="visually-hidden"> the hold on {subjectOf(h)}</span>
                    </button>
                  ),
              },
            ]}
            rows={data.holds}
            rowKey={(h) => h.id}
            empty="No legal hold has been placed."
          />
        )}
      </Loaded>
    </section>
  );
}
