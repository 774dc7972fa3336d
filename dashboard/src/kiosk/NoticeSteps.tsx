/** The first screen: three large choices, nothing to read twice. */
export function WelcomeStep({ onScanIn, onWalkIn, onScanOut }: { onScanIn: () => void; onWalkIn: () => void; onScanOut: () => void }) {
  return (
    <>
      <h1 tabIndex={-1}>Welcome</h1>
      <p className="kiosk-lead">Please sign in while you wait. It takes a minute.</p>
      <div className="kiosk-choices">
        <button type="button" className="kiosk-button primary" onClick={onScanIn}>
          I have a QR code
          <span className="kiosk-hint">from my invitation</span>
        </button>
        <button type="button" className="kiosk-button primary" onClick={onWalkIn}>
          I don’t have a code
          <span className="kiosk-hint">sign in as a walk-in visitor</span>
        </button>
        <button type="button" className="kiosk-button secondary" onClick={onScanOut}>
          I’m leaving
          <span className="kiosk-hint">scan your visitor badge to sign out</span>
        </button>
      </div>
    </>
  );
}

/** Something the kiosk cannot do: what happened, the code it read (for the desk), and start again. */
export function NoticeStep({ title, message, code, onDone }: { title: string; message: string; code?: string | undefined; onDone: () => void }) {
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {code ? (
        <p className="kiosk-small" data-testid="decoded">
          Code read: <span className="mono break">{code}</span>
        </p>
      ) : null}
      <p className="kiosk-lead" role="alert">
        {message}
      </p>
      <button type="button" className="kiosk-button primary" onClick={onDone}>
        Start again
      </button>
    </>
  );
}
