import { useId, useMemo, useState } from 'react';
import { Page } from '../components/Page';
import { ConnectionBanner } from '../components/ConnectionStatus';
import { Empty } from '../components/Status';
import { useLive } from '../live/LiveProvider';
import type { FeedItem } from '../live/live-store';
import { CATEGORY_LABELS, describeEvent, type Category } from '../lib/feed-format';
import { barcodeOf } from '../lib/record-names';
import { formatTime } from '../lib/time';
import { Link } from '../router';

type Filter = 'all' | Category;
const FILTERS: Filter[] = ['all', 'files', 'access', 'cabinets', 'alerts', 'devices', 'visitors', 'disposal', 'people', 'system'];
const SHOWN = 300;

export function LivePage() {
  const feed = useLive((s) => s.feed);
  const lastIndex = useLive((s) => s.lastIndex);
  const [filter, setFilter] = useState<Filter>('all');
  const [announce, setAnnounce] = useState(false);
  const filterId = useId();

  const items = useMemo(() => {
    const out: { item: FeedItem; line?: ReturnType<typeof describeEvent> }[] = [];
    for (const item of feed) {
      if (item.kind === 'gap') {
        out.push({ item });
        continue;
      }
      const line = describeEvent(item.event, { record: barcodeOf });
      if (filter === 'all' || line.category === filter) out.push({ item, line });
      if (out.length >= SHOWN) break;
    }
    return out;
  }, [feed, filter]);

  return (
    <Page
      title="Live activity"
      actions={
        <div className="toolbar">
          <label htmlFor={filterId}>Show</label>
          <select id={filterId} value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {f === 'all' ? 'Everything' : CATEGORY_LABELS[f]}
              </option>
            ))}
          </select>
          <label className="check">
            <input type="checkbox" checked={announce} onChange={(e) => setAnnounce(e.target.checked)} /> Read new events aloud
          </label>
        </div>
      }
    >
      <ConnectionBanner />
      <p className="muted">
        Custody-log entries as they are committed, newest first.
        {lastIndex !== null ? ` The log holds ${lastIndex + 1} entries.` : ''}
      </p>
      {items.length === 0 ? (
        <Empty>{feed.length === 0 ? 'Waiting for activity. New entries appear here within a second of being committed.' : 'Nothing of this kind since the page opened.'}</Empty>
      ) : null}
      <ol className="feed" aria-label="Live activity, newest first" aria-live={announce ? 'polite' : 'off'} aria-relevant="additions" data-testid="feed">
        {items.map(({ item, line }) =>
          item.kind === 'gap' ? (
            <li key={`gap-${item.from}`} className="feed-gap" data-gap={`${item.from}-${item.to}`}>
              {item.to - item.from + 1} {item.to === item.from ? 'entry' : 'entries'} committed while disconnected (#{item.from}
              {item.to > item.from ? `–#${item.to}` : ''}) are not shown here; they are in the log.
            </li>
          ) : (
            <li key={item.index} className={`feed-item tone-${line!.tone}`} data-index={item.index} data-type={item.event.type}>
              <time dateTime={item.event.ts_server}>{formatTime(item.event.ts_server)}</time>
              <span className={`tag tag-${line!.category}`}>{CATEGORY_LABELS[line!.category]}</span>
              <span className="feed-text">
                {line!.text}
                {typeof item.event.record === 'string' && barcodeOf(item.event.record) ? (
                  <>
                    {' '}
                    <Link to={`/files/${encodeURIComponent(barcodeOf(item.event.record)!)}`}>open file</Link>
                  </>
                ) : null}
              </span>
              <span className="feed-index" aria-label={`log entry ${item.index}`}>
                #{item.index}
              </span>
            </li>
          ),
        )}
      </ol>
    </Page>
  );
}
