import { QrScanner } from './QrScanner';

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** Leaving: the badge's QR code, by camera or by the handheld scanner, is all it takes. */
export function ScanOutStep({ busy, onCode }: { busy: boolean; onCode: (token: string) => void }) {
  return (
    <>
      <h1 tabIndex={-1}>Sign out</h1>
      <QrScanner prompt="Hold your visitor badge’s QR code in front of the camera." onCode={onCode} />
      {busy ? (
        <p className="kiosk-lead" role="status">
          Signing you out…
        </p>
      ) : null}
    </>
  );
}

/** The goodbye names the visitor by first name only: the screen faces the whole lobby. */
export function SignedOutStep({ at, firstName, onDone }: { at: string; firstName?: string | undefined; onDone: () => void }) {
  return (
    <>
      <h1 tabIndex={-1}>Goodbye{firstName ? `, ${firstName}` : ''}</h1>
      <p className="kiosk-lead" role="status" data-testid="signed-out">
        You are signed out at {time(at)}. Please leave your badge in the tray.
      </p>
      <button type="button" className="kiosk-button primary" onClick={onDone}>
        Done
      </button>
    </>
  );
}
