import { useLive } from '../live/LiveProvider';
import type { Connection } from '../live/live-store';
import { useNow } from '../hooks';

const LABELS: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** The small indicator in the header: always visible, not only by colour. */
export function ConnectionBadge() {
  const connection = useLive((s) => s.connection);
  return (
    <span className={`connection connection-${connection}`} data-connection={connection}>
      <span className="dot" aria-hidden="true" />
      <span>{LABELS[connection]}</span>
    </span>
  );
}

/** A banner on live pages while the connection is down; announced once, politely. */
export function ConnectionBanner() {
  const connection = useLive((s) => s.connection);
  const since = useLive((s) => s.since);
  const attempts = useLive((s) => s.attempts);
  const everConnected = useLive((s) => s.everConnected);
  const now = useNow(1000);
  const down = Math.max(0, Math.round((now - since) / 1000));
  let message: string | null = null;
  if (connection === 'reconnecting') message = 'Connection lost. Reconnecting by itself; events committed meanwhile are counted in the feed.';
  else if (connection === 'offline') message = 'This device is offline. The live feed resumes when the network is back.';
  else if (connection === 'connecting' && !everConnected && down >= 3) message = 'Still connecting to the live feed…';
  return (
    <div className="connection-banner-slot" role="status" aria-live="polite">
      {message ? (
        <div className="notice notice-warn connection-banner" data-testid="connection-lost">
          <strong>{connection === 'offline' ? 'Offline.' : connection === 'reconnecting' ? 'Disconnected.' : 'Connecting.'}</strong> {message}{' '}
          {/* The counter changes every second: kept out of what screen readers announce. */}
          <span className="muted" aria-hidden="true">
            ({down} s{attempts > 1 ? `, attempt ${attempts}` : ''})
          </span>
        </div>
      ) : null}
    </div>
  );
}
