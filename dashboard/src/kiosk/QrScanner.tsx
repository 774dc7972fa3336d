import { BrowserQRCodeReader } from '@zxing/library';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

type CameraState = 'starting' | 'scanning' | 'unavailable' | 'denied';

/** How often a frame is looked at: quick enough to feel instant, light enough for a kiosk PC. */
const SCAN_EVERY_MS = 250;

/**
 * Reads a QR code with the camera (@zxing/library), or from a keyboard-wedge scanner: those type
 * the code into the focused field and press Enter, so the field keeps focus while this step is up.
 */
export function QrScanner({ onCode, prompt }: { onCode: (text: string) => void; prompt: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [camera, setCamera] = useState<CameraState>('starting');
  const [typed, setTyped] = useState('');
  const inputId = useId();
  const done = useRef(false);
  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  });

  const accept = (text: string) => {
    const code = text.trim();
    if (!code || done.current) return;
    done.current = true;
    onCodeRef.current(code);
  };

  useEffect(() => {
    let cancelled = false;
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let reader = new BrowserQRCodeReader();
    let frameSize = '';
    const stopStream = () => stream?.getTracks().forEach((t) => t.stop());
    (async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setCamera('unavailable');
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
      } catch (err) {
        if (!cancelled) setCamera(err instanceof DOMException && err.name === 'NotAllowedError' ? 'denied' : 'unavailable');
        return;
      }
      const view = video.current;
      if (cancelled || !view) {
        stopStream();
        return;
      }
      view.srcObject = stream;
      await view.play().catch(() => undefined);
      setCamera('scanning');
      // Our own loop rather than zxing's decodeFromStream: that one stops for good at the first
      // error it does not expect, such as a frame not decoded yet on a busy machine, and the
      // camera then shows the code forever without reading it.
      const look = () => {
        if (cancelled || done.current) return;
        if (view.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && view.videoWidth > 0) {
          // zxing sizes its capture canvas at the first frame and keeps it: when the camera then
          // settles on another resolution (common on a busy machine), it would only ever see a
          // corner of the picture. A new reader per frame size draws the whole frame.
          const size = `${view.videoWidth}x${view.videoHeight}`;
          if (size !== frameSize) {
            reader.reset();
            reader = new BrowserQRCodeReader();
            frameSize = size;
          }
          try {
            accept(reader.decode(view).getText());
            return;
          } catch {
            // No code in this frame, or no frame yet: look again.
          }
        }
        timer = window.setTimeout(look, SCAN_EVERY_MS);
      };
      look();
    })().catch(() => !cancelled && setCamera('unavailable'));
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      reader.reset();
      stopStream();
    };
  }, []);

  // Keep the wedge field focused: scanners type wherever the focus is.
  useEffect(() => {
    input.current?.focus();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    accept(typed);
  };

  return (
    <div className="scanner">
      <p className="kiosk-lead">{prompt}</p>
      <div className={`camera camera-${camera}`}>
        <video ref={video} muted playsInline aria-label="Camera view for the QR code" />
        <div className="camera-frame" aria-hidden="true" />
        <p className="camera-state" role="status">
          {camera === 'starting' ? 'Starting the camera…' : camera === 'scanning' ? 'Hold the code up to the camera' : camera === 'denied' ? 'The camera is not allowed on this kiosk: use the handheld scanner.' : 'No camera found: use the handheld scanner.'}
        </p>
      </div>
      <form className="wedge" onSubmit={submit}>
        <label htmlFor={inputId}>Or scan with the handheld scanner, or type the code</label>
        <div className="wedge-row">
          <input ref={input} id={inputId} data-autofocus value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" autoCapitalize="off" spellCheck={false} inputMode="text" />
          <button type="submit" className="kiosk-button secondary" disabled={!typed.trim()}>
            OK
          </button>
        </div>
      </form>
    </div>
  );
}
