import { useEffect, useRef, useState } from 'react';

const ACTIVITY = ['pointerdown', 'keydown', 'touchstart', 'input', 'wheel'] as const;

/**
 * Counts down from `seconds` of no touch, key or pointer activity while `active`; calls `onIdle`
 * at zero. Returns the seconds left, so the page can warn before it resets.
 */
export function useIdle(seconds: number, active: boolean, onIdle: () => void): number {
  const [left, setLeft] = useState(seconds);
  const lastActivity = useRef(Date.now());
  const onIdleRef = useRef(onIdle);
  useEffect(() => {
    onIdleRef.current = onIdle;
  });
  useEffect(() => {
    if (!active) {
      setLeft(seconds);
      return;
    }
    lastActivity.current = Date.now();
    setLeft(seconds);
    // Only a ref here, never state: a re-render from inside a key or input event (this listener
    // runs before React's own) would reset a controlled field to its old value and lose the
    // character just typed. The timer below turns the ref into state.
    const touch = () => {
      lastActivity.current = Date.now();
    };
    for (const e of ACTIVITY) window.addEventListener(e, touch, { passive: true, capture: true });
    const timer = setInterval(() => {
      const remaining = Math.max(0, Math.ceil(seconds - (Date.now() - lastActivity.current) / 1000));
      setLeft(remaining);
      if (remaining === 0) onIdleRef.current();
    }, 250);
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, touch, { capture: true });
      clearInterval(timer);
    };
  }, [active, seconds]);
  return left;
}
