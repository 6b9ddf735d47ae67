// A small bus for what arrives on a meeting's socket: the numbered events (after they were
// applied to the state) and the notices outside the stream (document.processing, comment.*).
// useMeeting feeds it; any component of the page listens with useMeetingMessages.
import { useEffect, useRef } from 'preact/hooks';

const listeners = new Set();

/** Called by useMeeting for every event and notice: (name, data). */
export function emitMeetingMessage(name, data) {
  for (const fn of listeners) fn(name, data);
}

/** Listen while mounted; `handler(name, data)` may change between renders. */
export function useMeetingMessages(handler) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const fn = (name, data) => ref.current?.(name, data);
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, []);
}
